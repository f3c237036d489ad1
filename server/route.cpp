// Route resolution from the request target.
#include "server/route.hpp"

#include <iterator>

#include <boost/url/parse.hpp>

#include "scim/error.hpp"
#include "scim/text.hpp"
#include "scim/utf8.hpp"

namespace server {

bool Route::is_csv_import() const { return rest.size() == 2 && endpoint == Endpoint::users && rest[1] == ".import"; }

namespace {

Endpoint endpoint_named(std::string_view name) {
    constexpr std::pair<std::string_view, Endpoint> endpoints[] = {
        {"Users", Endpoint::users},
        {"Groups", Endpoint::groups},
        {"Sites", Endpoint::sites},
        {"Devices", Endpoint::devices},
        {"Licenses", Endpoint::licenses},
        {"Me", Endpoint::me},
        {"Bulk", Endpoint::bulk},
        {"ServiceProviderConfig", Endpoint::service_provider_config},
        {"ResourceTypes", Endpoint::resource_types},
        {"Schemas", Endpoint::schemas},
        {"Events", Endpoint::events},
        {"AuditEvents", Endpoint::audit_events},
    };
    if (name == ".search") return Endpoint::search;
    for (auto const& [spelling, endpoint] : endpoints)
        if (scim::iequals(name, spelling)) return endpoint;
    return Endpoint::unknown;
}

}  // namespace

BodyKind Route::body_kind() const {
    if (rest.size() == 1 && endpoint == Endpoint::bulk) return BodyKind::bulk;
    if (is_csv_import()) return BodyKind::csv_import;
    if (endpoint == Endpoint::oauth_token) return BodyKind::oauth_form;
    return BodyKind::normal;
}

std::string Route::template_name() const {
    constexpr std::pair<Endpoint, std::string_view> names[] = {
        {Endpoint::users, "/Users"},
        {Endpoint::groups, "/Groups"},
        {Endpoint::sites, "/Sites"},
        {Endpoint::devices, "/Devices"},
        {Endpoint::licenses, "/Licenses"},
        {Endpoint::me, "/Me"},
        {Endpoint::bulk, "/Bulk"},
        {Endpoint::search, "/.search"},
        {Endpoint::service_provider_config, "/ServiceProviderConfig"},
        {Endpoint::resource_types, "/ResourceTypes"},
        {Endpoint::schemas, "/Schemas"},
        {Endpoint::events, "/Events"},
        {Endpoint::audit_events, "/AuditEvents"},
    };
    if (endpoint == Endpoint::jwks) return "/.well-known/jwks.json";
    if (endpoint == Endpoint::oauth_token) return "/oauth2/token";
    if (endpoint == Endpoint::oauth_jwks) return "/oauth2/jwks.json";
    if (endpoint == Endpoint::oauth_metadata) return "/.well-known/oauth-authorization-server";
    if (endpoint == Endpoint::directory_page) return "/directory/";
    if (endpoint == Endpoint::none) return "/";
    if (endpoint == Endpoint::devices && rest.size() == 3 && rest[2] == ".activate") return "/Devices/{id}/.activate";
    if (rest.size() > 2) return "unmatched";
    for (auto const& [e, name] : names) {
        if (e != endpoint) continue;
        if (rest.size() == 1) return std::string(name);
        if (endpoint == Endpoint::search || endpoint == Endpoint::bulk || endpoint == Endpoint::me ||
            endpoint == Endpoint::service_provider_config)
            return "unmatched";
        auto const& second = rest[1];
        if (second == ".search" || second == ".import" || second == ".export" || second == ".redeem")
            return std::string(name) + "/" + second;
        return std::string(name) + "/{id}";
    }
    return "unmatched";
}

Route resolve_route(boost::urls::url_view const& url) {
    std::vector<std::string> parts;
    for (auto const& segment : url.segments()) parts.emplace_back(segment);
    if (!parts.empty() && parts.back().empty()) parts.pop_back();  // a trailing slash
    Route route;
    std::size_t at = 0;
    if (parts.size() == 2 && parts[0] == ".well-known" && parts[1] == "jwks.json") {
        route.endpoint = Endpoint::jwks;
        return route;
    }
    if (parts.size() == 2 && parts[0] == ".well-known" && parts[1] == "oauth-authorization-server") {
        route.endpoint = Endpoint::oauth_metadata;
        return route;
    }
    if (!parts.empty() && parts[0] == "directory") {
        route.endpoint = Endpoint::directory_page;
        route.rest.assign(parts.begin() + 1, parts.end());
        return route;
    }
    if (parts.size() == 2 && parts[0] == "oauth2" && (parts[1] == "token" || parts[1] == "jwks.json")) {
        route.endpoint = parts[1] == "token" ? Endpoint::oauth_token : Endpoint::oauth_jwks;
        return route;
    }
    if (parts.size() >= 2 && parts[0] == "scim" && scim::iequals(parts[1], "v2")) {
        route.prefix = "/scim/v2";
        at = 2;
    } else if (parts.size() >= 4 && parts[0] == "customers" && parts[2] == "scim" && scim::iequals(parts[3], "v2")) {
        route.path_tenant = parts[1];
        route.prefix = "/customers/" + std::string(*std::next(url.encoded_segments().begin())) + "/scim/v2";
        at = 4;
    } else {
        throw scim::Error::not_found("no such endpoint; the SCIM API is at /scim/v2");
    }
    route.rest.assign(parts.begin() + static_cast<std::ptrdiff_t>(at), parts.end());
    if (!route.rest.empty()) route.endpoint = endpoint_named(route.rest[0]);
    return route;
}

boost::urls::url_view parse_target(std::string_view target) {
    auto const url = boost::urls::parse_origin_form(target);
    if (!url) throw scim::Error(400, scim::ScimType::none, "the request target is not a valid path and query");
    // Every decoded segment and parameter reaches SQL or JSON as text: one check here, not one per use.
    auto const text = [](std::string const& decoded) {
        if (decoded.find('\0') != std::string::npos || !scim::is_valid_utf8(decoded))
            throw scim::Error(400, scim::ScimType::none,
                              "the request target must be UTF-8 text without NUL characters, percent-encoded");
    };
    for (auto const& segment : url->segments()) text(segment);
    for (auto const& param : url->params()) {
        text(param.key);
        if (param.has_value) text(param.value);
    }
    return *url;
}

}  // namespace server
