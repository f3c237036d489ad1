// /ServiceProviderConfig, /ResourceTypes and /Schemas (RFC 7644 §4), generated from schemas/.
#include "server/handlers/handlers.hpp"

#include <algorithm>
#include <array>

#include <boost/json/serialize.hpp>

#include "scim/error.hpp"
#include "scim/text.hpp"
#include "server/error_response.hpp"
#include "server/oauth.hpp"
#include "server/responses.hpp"
#include "server/security_event.hpp"

namespace server::handlers {
namespace {

// The resource types this server has endpoints for; discovery names no others.
constexpr std::array<std::string_view, 6> served_resource_types{"User",   "Group",   "Site",
                                                                "Device", "License", "AuditEvent"};

bool served(scim::ResourceType const& type) {
    return std::find(served_resource_types.begin(), served_resource_types.end(), type.id) !=
           served_resource_types.end();
}

boost::json::object with_location(boost::json::object doc, std::string location) {
    auto& meta = doc["meta"];
    if (!meta.is_object()) meta = boost::json::object{};
    meta.get_object()["location"] = std::move(location);
    return doc;
}

// The discovery documents as a ListResponse.
HttpResponse listed(std::vector<std::string> const& documents) {
    HttpResponse res;
    res.body = list_response_text(documents, static_cast<std::int64_t>(documents.size()), 1);
    res.set_header("Content-Type", scim_content_type);
    return res;
}

}  // namespace

HttpResponse service_provider_config(RequestContext const& ctx) {
    auto doc = with_location(ctx.app.registry.service_provider_config(), ctx.base_url + "/ServiceProviderConfig");
    // The limits are this server's configuration, not the file's example values.
    auto const& config = ctx.app.config;
    if (auto* filter = doc.if_contains("filter"); filter && filter->is_object())
        filter->get_object()["maxResults"] = config.max_page_size;
    if (auto* bulk = doc.if_contains("bulk"); bulk && bulk->is_object()) {
        auto& b = bulk->get_object();
        b["maxOperations"] = config.bulk_max_operations;
        b["maxPayloadSize"] = config.bulk_max_payload_bytes;
    }
    if (auto* pagination = doc.if_contains("pagination"); pagination && pagination->is_object()) {
        auto& p = pagination->get_object();
        p["defaultPageSize"] = config.default_page_size;
        p["maxPageSize"] = config.max_page_size;
        p["cursorTimeout"] = static_cast<std::int64_t>(config.cursor_lifetime.count());
    }
    // OAuth 2.0 when it is on: access tokens from the token endpoint, and the JWTs of issuers a tenant trusts.
    if (ctx.app.oauth) {
        if (auto* schemes = doc.if_contains("authenticationSchemes"); schemes && schemes->is_array())
            schemes->get_array().push_back(boost::json::object{
                {"type", "oauth2"},
                {"name", "OAuth 2.0"},
                {"description",
                 "Access tokens from " + ctx.app.oauth->token_endpoint() +
                     " by the client credentials grant (client_secret_basic, client_secret_post, private_key_jwt; "
                     "metadata at " +
                     ctx.app.oauth->issuer() +
                     "/.well-known/oauth-authorization-server), and bearer JWTs of the issuers a tenant trusts."},
                {"specUri", "https://www.rfc-editor.org/rfc/rfc6749"},
                {"primary", false}});
    }
    // RFC 9967 §4: the events this server publishes to event streams (made with 'scimd events stream create').
    boost::json::array uris;
    for (auto const& uri : published_event_uris()) uris.emplace_back(uri);
    doc["securityEvents"] = boost::json::object{{"asyncRequest", "none"}, {"eventUris", std::move(uris)}};
    // The SCIM interoperability profile's declaration, true for a tenant whose profile is strict; such a tenant
    // provisions no passwords (OpenID IPSIE AL2).
    bool const strict = ctx.grant.strict_profile;
    doc["interopProfileConformant"] = strict;
    if (strict)
        if (auto* change = doc.if_contains("changePassword"); change && change->is_object())
            change->get_object()["supported"] = false;
    return json_response(200, doc);
}

HttpResponse resource_types(RequestContext const& ctx, std::string_view id) {
    std::vector<std::string> all;
    for (auto const& type : ctx.app.registry.resource_types()) {
        if (!served(type)) continue;
        auto doc = with_location(type.document, ctx.base_url + "/ResourceTypes/" + type.id);
        if (!id.empty() && scim::iequals(type.id, id)) return json_response(200, doc);
        all.push_back(boost::json::serialize(doc));
    }
    if (!id.empty()) throw scim::Error::not_found("no resource type \"" + std::string(id) + "\"");
    return listed(all);
}

// A schema as a tenant sees it: under the strict profile the User schema has no password (OpenID IPSIE AL2).
boost::json::object tenant_schema(RequestContext const& ctx, scim::Schema const& schema) {
    auto doc = with_location(schema.document, ctx.base_url + "/Schemas/" + schema.id);
    if (!ctx.grant.strict_profile) return doc;
    if (auto* attributes = doc.if_contains("attributes"); attributes && attributes->is_array()) {
        auto& list = attributes->get_array();
        for (auto it = list.begin(); it != list.end();) {
            auto const* name = it->is_object() ? it->get_object().if_contains("name") : nullptr;
            if (name && name->is_string() && scim::iequals(name->get_string(), "password"))
                it = list.erase(it);
            else
                ++it;
        }
    }
    return doc;
}

HttpResponse schemas(RequestContext const& ctx, std::string_view id) {
    std::vector<std::string> all;
    for (auto const& schema : ctx.app.registry.schemas()) {
        auto doc = tenant_schema(ctx, schema);
        if (!id.empty() && ctx.app.registry.canonical_urn(id) == schema.id) return json_response(200, doc);
        all.push_back(boost::json::serialize(doc));
    }
    if (!id.empty()) throw scim::Error::not_found("no schema \"" + std::string(id) + "\"");
    return listed(all);
}

}  // namespace server::handlers
