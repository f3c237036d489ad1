// Entity tag formatting and matching.
#include "scim/etag.hpp"

#include "scim/error.hpp"

namespace scim {

std::string weak_etag(std::int64_t version) { return "W/\"" + std::to_string(version) + "\""; }

bool etag_list_matches(std::string_view header, std::int64_t version) {
    auto const wanted = std::to_string(version);
    while (!header.empty()) {
        auto const comma = header.find(',');
        auto tag = header.substr(0, comma);
        while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
        while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
        if (tag == "*") return true;
        if (tag.starts_with("W/") || tag.starts_with("w/")) tag.remove_prefix(2);
        if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') tag = tag.substr(1, tag.size() - 2);
        if (tag == wanted) return true;
        if (comma == std::string_view::npos) break;
        header.remove_prefix(comma + 1);
    }
    return false;
}

void check_if_match(std::string_view if_match, std::int64_t version) {
    if (if_match.empty() || etag_list_matches(if_match, version)) return;
    throw Error::precondition_failed("If-Match " + std::string(if_match) + " does not match the current version " +
                                     weak_etag(version) + "; read the resource again and retry");
}

}  // namespace scim
