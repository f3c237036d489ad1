// The SCIM endpoints. Each handler gets an authenticated request and answers it or throws scim::Error.
#pragma once

#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "scim/schema.hpp"
#include "server/handlers/list_request.hpp"
#include "server/http_message.hpp"
#include "server/request_context.hpp"
#include "server/route.hpp"
#include "storage/filter_sql.hpp"

namespace server::handlers {

using Reply = boost::asio::awaitable<HttpResponse>;

/// A ListResponse for `request` over the resources of `type` stored in `table`.
Reply list_resources(RequestContext& ctx, scim::ResourceType const& type, storage::ResourceTable const& table,
                     ListRequest const& request);

/// POST /.search: users, then groups, paged together by startIndex.
Reply search_all(RequestContext& ctx, ListRequest const& request);

Reply create_user(RequestContext& ctx);
Reply list_users(RequestContext& ctx, ListRequest const& request);
Reply get_user(RequestContext& ctx, std::string_view id);
Reply replace_user(RequestContext& ctx, std::string_view id);
Reply patch_user(RequestContext& ctx, std::string_view id);
Reply delete_user(RequestContext& ctx, std::string_view id);

/// POST /Users/.import: the admin console's user CSV (text/csv), all rows or none.
Reply import_users_csv(RequestContext& ctx);
/// GET /Users/.export[?filter=...]: the tenant's users as that CSV.
Reply export_users_csv(RequestContext& ctx);

Reply create_group(RequestContext& ctx);
Reply list_groups(RequestContext& ctx, ListRequest const& request);
Reply get_group(RequestContext& ctx, std::string_view id);
Reply replace_group(RequestContext& ctx, std::string_view id);
Reply patch_group(RequestContext& ctx, std::string_view id);
Reply delete_group(RequestContext& ctx, std::string_view id);

Reply create_site(RequestContext& ctx);
Reply list_sites(RequestContext& ctx, ListRequest const& request);
Reply get_site(RequestContext& ctx, std::string_view id);
Reply replace_site(RequestContext& ctx, std::string_view id);
Reply patch_site(RequestContext& ctx, std::string_view id);
Reply delete_site(RequestContext& ctx, std::string_view id);

Reply create_device(RequestContext& ctx);
Reply list_devices(RequestContext& ctx, ListRequest const& request);
Reply get_device(RequestContext& ctx, std::string_view id);
Reply replace_device(RequestContext& ctx, std::string_view id);
Reply patch_device(RequestContext& ctx, std::string_view id);
Reply delete_device(RequestContext& ctx, std::string_view id);
/// POST /Devices/{id}/.activate: the device, active, when its MAC address is known; else a DeviceActivation message
/// with a one-time activation code (shown only here) and the pending device.
Reply activate_device(RequestContext& ctx, std::string_view id);
/// POST /Devices/.redeem {"activationCode", "deviceMacAddress"}: the device, active with that MAC address.
Reply redeem_activation_code(RequestContext& ctx);

Reply list_licenses(RequestContext& ctx, ListRequest const& request);
Reply get_license(RequestContext& ctx, std::string_view id);

Reply list_audit_events(RequestContext& ctx, ListRequest const& request);
Reply get_audit_event(RequestContext& ctx, std::string_view id);

/// POST /Bulk (RFC 7644 §3.7).
Reply bulk(RequestContext& ctx);

/// POST /Events/{stream}: RFC 8936 polling of a poll stream, acknowledging what the receiver holds.
Reply poll_events(RequestContext& ctx, std::string_view stream);
/// GET /.well-known/jwks.json: the public keys of every SET signing key; asked without a token.
Reply signing_keys(App& app);

/// GET /directory/ and its files: the company directory page (web/directory/), public, under a strict CSP.
HttpResponse directory_page(Route const& route, std::string_view method);
/// The OAuth endpoints: POST /oauth2/token, GET /oauth2/jwks.json, GET /.well-known/oauth-authorization-server.
Reply oauth(App& app, Route const& route, HttpRequest const& request);

HttpResponse service_provider_config(RequestContext const& ctx);
HttpResponse resource_types(RequestContext const& ctx, std::string_view id);  // id empty: all
HttpResponse schemas(RequestContext const& ctx, std::string_view id);         // id empty: all

}  // namespace server::handlers
