// Parsing of attribute selections and the rules that decide which attributes a response carries.
#include "scim/projection.hpp"

#include <algorithm>

#include "scim/text.hpp"

namespace scim {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// The canonical form of one requested path, or empty when it names no schema of this resource type.
std::string canonical_path(std::string_view path, ResourceType const& type, SchemaRegistry const& registry) {
    if (istarts_with(path, type.schema) && path.size() > type.schema.size() && path[type.schema.size()] == ':')
        return to_lower(path.substr(type.schema.size() + 1));
    if (istarts_with(path, "urn:")) {
        // The longest prefix that is an extension URN (or an alias of one) wins.
        for (std::size_t colon = path.rfind(':'); colon != std::string_view::npos && colon > 4;
             colon = path.rfind(':', colon - 1)) {
            for (auto const& candidate : {path, path.substr(0, colon)}) {
                auto const canonical = registry.canonical_urn(candidate);
                bool const is_extension = std::any_of(type.extensions.begin(), type.extensions.end(),
                                                      [&](SchemaExtension const& e) { return e.schema == canonical; });
                if (!canonical.empty() && is_extension) {
                    auto out = to_lower(canonical);
                    if (candidate.size() < path.size()) out += to_lower(path.substr(candidate.size()));
                    return out;
                }
            }
        }
        return {};
    }
    return to_lower(path);
}

std::vector<std::string> split(std::string_view list, ResourceType const& type, SchemaRegistry const& registry) {
    std::vector<std::string> out;
    while (!list.empty()) {
        auto const comma = list.find(',');
        auto const item = trim(list.substr(0, comma));
        if (!item.empty())
            if (auto path = canonical_path(item, type, registry); !path.empty()) out.push_back(std::move(path));
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return out;
}

// `inner` lies below `outer`: "name.givenname" below "name", "urn:x:department" below "urn:x".
bool is_below(std::string_view inner, std::string_view outer) {
    return inner.size() > outer.size() && inner.substr(0, outer.size()) == outer &&
           (inner[outer.size()] == '.' || inner[outer.size()] == ':');
}

}  // namespace

Selection parse_selection(std::string_view attributes, std::string_view excluded_attributes, ResourceType const& type,
                          SchemaRegistry const& registry) {
    Selection s;
    s.attributes = split(attributes, type, registry);
    if (s.attributes.empty()) s.excluded = split(excluded_attributes, type, registry);
    return s;
}

StoredMembers stored_members(Selection const& selection, ResourceType const& type, SchemaRegistry const& registry) {
    // The stored member a canonical selection path lies in, and whether the path names all of it.
    auto const member = [&](std::string const& path) -> std::pair<std::string, bool> {
        for (auto const& e : type.extensions) {
            auto const urn = to_lower(e.schema);
            if (path == urn) return {e.schema, true};
            if (path.size() > urn.size() && path.compare(0, urn.size(), urn) == 0 && path[urn.size()] == ':') {
                return {e.schema, false};
            }
        }
        auto const top = path.substr(0, path.find('.'));
        if (auto const* attr = registry.schema(type.schema)->find(top)) return {attr->name, top == path};
        if (auto const* attr = registry.common_attribute(top)) return {attr->name, top == path};
        return {{}, false};
    };
    StoredMembers out;
    for (auto const& path : selection.attributes)
        if (auto [name, whole] = member(path); !name.empty()) out.only.push_back(name);
    if (!selection.attributes.empty() && out.only.empty()) out.only.push_back("id");  // nothing stored is wanted
    for (auto const& path : selection.excluded)
        if (auto [name, whole] = member(path); !name.empty() && whole) out.without.push_back(name);
    return out;
}

Pick pick(Selection const& selection, std::string_view path, Returned returned) {
    if (returned == Returned::never) return Pick::none;
    if (returned == Returned::always) return Pick::whole;
    if (!selection.attributes.empty()) {
        for (auto const& wanted : selection.attributes)
            if (wanted == path || is_below(path, wanted)) return Pick::whole;
        for (auto const& wanted : selection.attributes)
            if (is_below(wanted, path)) return Pick::partial;
        return Pick::none;
    }
    if (returned == Returned::request) return Pick::none;
    for (auto const& unwanted : selection.excluded)
        if (unwanted == path || is_below(path, unwanted)) return Pick::none;
    for (auto const& unwanted : selection.excluded)
        if (is_below(unwanted, path)) return Pick::partial;
    return Pick::whole;
}

}  // namespace scim
