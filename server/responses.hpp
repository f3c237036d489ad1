// Building SCIM responses: JSON bodies, resources with ETag and Location, list responses.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "scim/projection.hpp"
#include "scim/schema.hpp"
#include "scim/unknown_attributes.hpp"
#include "server/http_message.hpp"
#include "server/request_context.hpp"
#include "storage/stored_resource.hpp"

namespace server {

/// `status` with `body` as application/scim+json.
HttpResponse json_response(int status, boost::json::object const& body);

/// A resource as the client sees it: rendered with its meta and projected by `selection`.
boost::json::object render(RequestContext const& ctx, scim::ResourceType const& type,
                           storage::StoredResource const& stored, scim::Selection const& selection);

/// 304 Not Modified for a conditional GET, with the ETag.
HttpResponse not_modified(std::int64_t version);

/// 204 No Content.
HttpResponse no_content();

/// @throws scim::Error 412 when `if_match` (If-Match, or a bulk operation's version) names another version
/// (RFC 7644 §3.14). An empty `if_match` matches every version.
void check_if_match(std::string_view if_match, std::int64_t version);

/// The absolute URL of a resource: base URL + endpoint + "/" + id.
std::string resource_location(RequestContext const& ctx, scim::ResourceType const& type, std::string const& id);

/// A ListResponse (RFC 7644 §3.4.2) written around resources that are already JSON text, with integer counts:
/// totalResults and startIndex when given (a cursor page has no startIndex), and `extra` members (nextCursor...).
std::string list_response_text(std::vector<std::string> const& resources, std::optional<std::int64_t> total,
                               std::optional<std::int64_t> start_index, boost::json::object extra = {});

/// The response header naming what a request had ignored (see scim::UnknownAttributes).
inline constexpr std::string_view ignored_attributes_header = "SCIM-Ignored-Attributes";

/// Adds the SCIM-Ignored-Attributes header when `ignored` names anything: the names, comma-separated, with every
/// byte that a header cannot carry replaced by '?', and "+N more" past the first ones.
void add_ignored_attributes(HttpResponse& res, scim::IgnoredAttributes const& ignored);

/// Names a reference the write kept as given although it names nothing of the tenant (`value` of `attribute`), in the
/// SCIM-Unlinked-References header, as the ignored attributes are named: "<attribute>=<value>".
inline constexpr std::string_view unlinked_references_header = "SCIM-Unlinked-References";
void add_unlinked_reference(HttpResponse& res, std::string_view attribute, std::string_view value);

/// The selection of the request's `attributes` and `excludedAttributes` parameters.
scim::Selection request_selection(RequestContext const& ctx, scim::ResourceType const& type);

}  // namespace server
