// Splitting and printing attribute paths.
#include "scim/attribute_path.hpp"

#include <cctype>

#include "scim/error.hpp"
#include "scim/text.hpp"

namespace scim {
namespace {

bool is_name(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '$') return false;
    return true;
}

}  // namespace

std::string AttributePath::to_string() const {
    std::string out = urn.empty() ? attribute : urn + ":" + attribute;
    if (!sub_attribute.empty()) out += "." + sub_attribute;
    return out;
}

AttributePath split_attribute_path(std::string_view text) {
    AttributePath out;
    auto rest = text;
    if (istarts_with(text, "urn:")) {
        auto const colon = text.rfind(':');
        out.urn = std::string(text.substr(0, colon));
        rest = text.substr(colon + 1);
    }
    auto const dot = rest.find('.');
    out.attribute = std::string(rest.substr(0, dot));
    if (dot != std::string_view::npos) out.sub_attribute = std::string(rest.substr(dot + 1));
    if (!is_name(out.attribute) || (dot != std::string_view::npos && !is_name(out.sub_attribute)))
        throw Error::invalid_path("\"" + std::string(text) + "\" is not an attribute path");
    return out;
}

std::string ResolvedPath::to_string() const {
    std::string out = in_extension ? schema + ":" + attribute->name : attribute->name;
    if (sub_attribute) out += "." + sub_attribute->name;
    return out;
}

}  // namespace scim
