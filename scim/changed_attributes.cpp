// Attribute-level difference of two stored resources.
#include "scim/changed_attributes.hpp"

#include <algorithm>

#include "scim/text.hpp"

namespace scim {
namespace {

namespace json = boost::json;

json::object const empty_object;

bool is_extension(std::string_view key, json::value const* a, json::value const* b) {
    return istarts_with(key, "urn:") && (!a || a->is_object()) && (!b || b->is_object());
}

// Every key of `a` that `b` lacks or holds another value for, and every key of `b` that `a` lacks.
template <class Visit>
void differing_keys(json::object const& a, json::object const& b, Visit visit) {
    for (auto const& [key, value] : a) {
        auto const* other = b.if_contains(key);
        if (!other || *other != value) visit(key, &value, other);
    }
    for (auto const& [key, value] : b)
        if (!a.contains(key)) visit(key, nullptr, &value);
}

}  // namespace

std::vector<std::string> changed_attributes(json::object const& before, json::object const& after) {
    std::vector<std::string> out;
    differing_keys(before, after, [&](std::string_view key, json::value const* was, json::value const* is) {
        if (!is_extension(key, was, is)) {
            out.emplace_back(key);
            return;
        }
        auto const& old_ext = was ? was->get_object() : empty_object;
        auto const& new_ext = is ? is->get_object() : empty_object;
        differing_keys(old_ext, new_ext, [&](std::string_view name, json::value const*, json::value const*) {
            out.push_back(std::string(key) + ":" + std::string(name));
        });
    });
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace scim
