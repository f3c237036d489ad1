// Weak entity tags for resource versions (RFC 7644 §3.14) and the If-Match / If-None-Match tests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace scim {

/// The ETag and meta.version of a resource version: W/"<version>".
std::string weak_etag(std::int64_t version);

/// Whether an If-Match or If-None-Match header value (a list of entity tags, or "*") names `version`.
/// Weak comparison (RFC 9110 §8.8.3.2): W/"3" and "3" both match version 3.
bool etag_list_matches(std::string_view header, std::int64_t version);

/// @throws Error 412 when `if_match` (If-Match, or a bulk operation's version) names another version than
/// `version` (RFC 7644 §3.14). An empty `if_match` matches every version.
void check_if_match(std::string_view if_match, std::int64_t version);

}  // namespace scim
