// Where a request goes, decided from its target alone: the SCIM prefix it used, the tenant a /customers/{tenant}
// path names, the path segments below the prefix, and the body limit of that endpoint. Read before any body byte.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/url/url_view.hpp>

namespace server {

/// The endpoints with a body limit of their own; every other endpoint has the general one.
enum class BodyKind {
    normal,      // --max-body-bytes
    bulk,        // POST /Bulk: --bulk-max-payload-bytes (ServiceProviderConfig bulk.maxPayloadSize)
    csv_import,  // POST /Users/.import: --import-max-bytes
    oauth_form,  // POST /oauth2/token: a few form parameters, read before anyone is authenticated
};

/// The endpoint a path names, decided once per request: its body limit, its handler and the scope it needs all come
/// from this.
enum class Endpoint {
    none,  // the SCIM root itself: 404 naming an endpoint to use
    users,
    groups,
    sites,
    devices,
    licenses,
    me,
    bulk,
    search,  // POST /.search
    service_provider_config,
    resource_types,
    schemas,
    audit_events,
    events,          // POST /Events/{stream}: RFC 8936 polling
    jwks,            // GET /.well-known/jwks.json: the keys that sign change events; no token
    oauth_token,     // POST /oauth2/token: the token endpoint; the client authenticates itself
    oauth_jwks,      // GET /oauth2/jwks.json: the keys that sign access tokens; no token
    oauth_metadata,  // GET /.well-known/oauth-authorization-server (RFC 8414); no token
    directory_page,  // GET /directory/ and its files: the company directory page; no token
    unknown,         // 404
};

struct Route {
    std::string prefix;                  // "/scim/v2" or "/customers/{tenant}/scim/v2", as the client wrote it
    std::string path_tenant;             // the {tenant} of the second form, percent-decoded
    std::vector<std::string> rest;       // the percent-decoded segments after the prefix; no trailing empty one
    Endpoint endpoint = Endpoint::none;  // what rest[0] names, matched case-insensitively

    bool is_search() const { return !rest.empty() && rest.back() == ".search"; }
    bool is_csv_import() const;
    BodyKind body_kind() const;
    /// The route as a metrics label and log field: "/Users/{id}", "/Users/.search", "/Bulk"; never a raw path, so
    /// the set of values is fixed. A path no endpoint serves is "unmatched".
    std::string template_name() const;
};

/// Resolves the path of `url` (origin-form, parsed by Boost.URL, so "/scim/v2/Bul%6B" is /Bulk).
/// @throws scim::Error 404 when the path is under neither prefix.
Route resolve_route(boost::urls::url_view const& url);

/// Parses an origin-form request target. @throws scim::Error 400 when it is not a path with an optional query, or
/// when a decoded segment or query parameter is not UTF-8 text or holds a NUL.
boost::urls::url_view parse_target(std::string_view target);

}  // namespace server
