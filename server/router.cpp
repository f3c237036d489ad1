// Route resolution and dispatch.
#include "server/router.hpp"

#include <cctype>
#include <chrono>
#include <string>
#include <typeinfo>
#include <vector>

#include <pqxx/except>

#include "scim/error.hpp"
#include "scim/resource.hpp"
#include "scim/text.hpp"
#include "server/crypto.hpp"
#include "server/error_response.hpp"
#include "server/handlers/handlers.hpp"
#include "server/handlers/views.hpp"
#include "server/log.hpp"
#include "server/request_context.hpp"
#include "server/responses.hpp"

namespace server {
namespace {

using Reply = handlers::Reply;

bool has_body(std::string_view method) { return method == "POST" || method == "PUT" || method == "PATCH"; }

// Everything but GET changes data, except POST .search, which is a query with a body.
bool is_write(std::string_view method, Route const& route) {
    return (has_body(method) || method == "DELETE") && !(method == "POST" && route.is_search());
}

void check_media_type(HttpRequest const& req, Route const& route) {
    if (!req.has_body && req.content_type.empty()) return;
    auto media = std::string_view(req.content_type).substr(0, req.content_type.find(';'));
    while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
    if (route.is_csv_import()) {
        if (scim::iequals(media, "text/csv")) return;
        throw scim::Error::unsupported_media_type("Content-Type \"" + req.content_type +
                                                  "\" is not supported here; send the CSV as text/csv");
    }
    if (media.empty() || scim::iequals(media, "application/scim+json") || scim::iequals(media, "application/json"))
        return;
    throw scim::Error::unsupported_media_type("Content-Type \"" + req.content_type +
                                              "\" is not supported; send application/scim+json or application/json");
}

// A token bound to a user acts for that person: it reads the directory and changes only itself, through /Me.
void check_user_bound(std::string_view method, Route const& route, storage::TokenGrant const& grant) {
    if (grant.user_id.empty()) return;
    bool const me = route.endpoint == Endpoint::me;
    if (is_write(method, route)) {
        if (me && method != "DELETE") return;
        throw scim::Error::forbidden("a token bound to a user changes only that user, with PUT or PATCH on /Me");
    }
    bool readable = false;
    switch (route.endpoint) {
        case Endpoint::me:
        case Endpoint::users:
        case Endpoint::groups:
        case Endpoint::sites:
        case Endpoint::service_provider_config:
        case Endpoint::resource_types:
        case Endpoint::schemas:
            readable = true;
            break;
        default:
            break;
    }
    bool const bulk_data = route.rest.size() == 2 && (route.rest[1] == ".export" || route.rest[1] == ".import");
    if (!readable || bulk_data)
        throw scim::Error::forbidden("a token bound to a user reads users, groups and sites, and /Me; not \"/" +
                                     (route.rest.empty() ? std::string() : route.rest[0]) + "\"");
}

// The audit log is for auditors: only tokens of audit scope read it, and they read nothing else but discovery.
void check_audit_scope(Route const& route, storage::TokenGrant const& grant) {
    bool const audit_token = grant.scope == storage::TokenScope::audit;
    if (route.endpoint == Endpoint::audit_events) {
        if (!audit_token)
            throw scim::Error::forbidden(
                "/AuditEvents needs a token with audit scope ('scimd token issue --scope audit')");
        return;
    }
    bool const discovery = route.endpoint == Endpoint::service_provider_config ||
                           route.endpoint == Endpoint::resource_types || route.endpoint == Endpoint::schemas;
    if (audit_token && !discovery)
        throw scim::Error::forbidden("a token with audit scope reads /AuditEvents (and the discovery endpoints) only");
}

HttpResponse method_not_allowed(std::string_view method, std::string_view path, std::string allow) {
    auto res = error_response(scim::Error::method_not_allowed(std::string(method) + " is not allowed on " +
                                                              std::string(path) + "; use " + allow));
    res.set_header("Allow", std::move(allow));
    return res;
}

// `run` is a lambda capturing by reference only: GCC 12 mishandles non-trivial temporaries in co_await expressions.
template <class Run>
Reply search(RequestContext& ctx, std::string_view path, Run const& run) {
    if (ctx.request.method != "POST") co_return method_not_allowed(ctx.request.method, path, "POST");
    auto const request = handlers::list_request_from_body(scim::parse_json_object(ctx.request.body));
    co_return co_await run(request);
}

Reply users(RequestContext& ctx, std::vector<std::string> const& rest) {
    auto const& method = ctx.request.method;
    if (rest.size() == 1) {
        if (method == "GET") co_return co_await handlers::list_users(ctx, handlers::list_request_from_query(ctx));
        if (method == "POST") co_return co_await handlers::create_user(ctx);
        co_return method_not_allowed(method, "/Users", "GET, POST");
    }
    auto const& id = rest[1];
    if (id == ".search")
        co_return co_await search(ctx, "/Users/.search", [&](auto const& r) { return handlers::list_users(ctx, r); });
    if (id == ".import") {
        if (method != "POST") co_return method_not_allowed(method, "/Users/.import", "POST");
        co_return co_await handlers::import_users_csv(ctx);
    }
    if (id == ".export") {
        if (method != "GET") co_return method_not_allowed(method, "/Users/.export", "GET");
        co_return co_await handlers::export_users_csv(ctx);
    }
    if (method == "GET") co_return co_await handlers::get_user(ctx, id);
    if (method == "PUT") co_return co_await handlers::replace_user(ctx, id);
    if (method == "DELETE") co_return co_await handlers::delete_user(ctx, id);
    if (method == "PATCH") co_return co_await handlers::patch_user(ctx, id);
    co_return method_not_allowed(method, "/Users/{id}", "GET, PUT, PATCH, DELETE");
}

Reply groups(RequestContext& ctx, std::vector<std::string> const& rest) {
    auto const& method = ctx.request.method;
    if (rest.size() == 1) {
        if (method == "GET") co_return co_await handlers::list_groups(ctx, handlers::list_request_from_query(ctx));
        if (method == "POST") co_return co_await handlers::create_group(ctx);
        co_return method_not_allowed(method, "/Groups", "GET, POST");
    }
    auto const& id = rest[1];
    if (id == ".search")
        co_return co_await search(ctx, "/Groups/.search", [&](auto const& r) { return handlers::list_groups(ctx, r); });
    if (method == "GET") co_return co_await handlers::get_group(ctx, id);
    if (method == "PUT") co_return co_await handlers::replace_group(ctx, id);
    if (method == "PATCH") co_return co_await handlers::patch_group(ctx, id);
    if (method == "DELETE") co_return co_await handlers::delete_group(ctx, id);
    co_return method_not_allowed(method, "/Groups/{id}", "GET, PUT, PATCH, DELETE");
}

Reply devices(RequestContext& ctx, std::vector<std::string> const& rest) {
    auto const& method = ctx.request.method;
    if (rest.size() == 1) {
        if (method == "GET") co_return co_await handlers::list_devices(ctx, handlers::list_request_from_query(ctx));
        if (method == "POST") co_return co_await handlers::create_device(ctx);
        co_return method_not_allowed(method, "/Devices", "GET, POST");
    }
    auto const& id = rest[1];
    if (rest.size() == 3) {
        if (rest[2] != ".activate")
            throw scim::Error::not_found("no endpoint \"/Devices/{id}/" + rest[2] + "\"; activate with .activate");
        if (method != "POST") co_return method_not_allowed(method, "/Devices/{id}/.activate", "POST");
        co_return co_await handlers::activate_device(ctx, id);
    }
    if (rest.size() > 3) throw scim::Error::not_found("no such endpoint under /Devices");
    if (id == ".search")
        co_return co_await search(ctx, "/Devices/.search",
                                  [&](auto const& r) { return handlers::list_devices(ctx, r); });
    if (id == ".redeem") {
        if (method != "POST") co_return method_not_allowed(method, "/Devices/.redeem", "POST");
        co_return co_await handlers::redeem_activation_code(ctx);
    }
    if (method == "GET") co_return co_await handlers::get_device(ctx, id);
    if (method == "PUT") co_return co_await handlers::replace_device(ctx, id);
    if (method == "PATCH") co_return co_await handlers::patch_device(ctx, id);
    if (method == "DELETE") co_return co_await handlers::delete_device(ctx, id);
    co_return method_not_allowed(method, "/Devices/{id}", "GET, PUT, PATCH, DELETE");
}

Reply sites(RequestContext& ctx, std::vector<std::string> const& rest) {
    auto const& method = ctx.request.method;
    if (rest.size() == 1) {
        if (method == "GET") co_return co_await handlers::list_sites(ctx, handlers::list_request_from_query(ctx));
        if (method == "POST") co_return co_await handlers::create_site(ctx);
        co_return method_not_allowed(method, "/Sites", "GET, POST");
    }
    auto const& id = rest[1];
    if (id == ".search")
        co_return co_await search(ctx, "/Sites/.search", [&](auto const& r) { return handlers::list_sites(ctx, r); });
    if (method == "GET") co_return co_await handlers::get_site(ctx, id);
    if (method == "PUT") co_return co_await handlers::replace_site(ctx, id);
    if (method == "PATCH") co_return co_await handlers::patch_site(ctx, id);
    if (method == "DELETE") co_return co_await handlers::delete_site(ctx, id);
    co_return method_not_allowed(method, "/Sites/{id}", "GET, PUT, PATCH, DELETE");
}

// Licence pools are read-only over SCIM: capacity is a commercial decision, made with 'scimd license set'.
Reply licenses(RequestContext& ctx, std::vector<std::string> const& rest) {
    auto const& method = ctx.request.method;
    if (rest.size() > 1 && rest[1] == ".search")
        co_return co_await search(ctx, "/Licenses/.search",
                                  [&](auto const& r) { return handlers::list_licenses(ctx, r); });
    if (method != "GET") co_return method_not_allowed(method, rest.size() == 1 ? "/Licenses" : "/Licenses/{id}", "GET");
    if (rest.size() == 1) co_return co_await handlers::list_licenses(ctx, handlers::list_request_from_query(ctx));
    co_return co_await handlers::get_license(ctx, rest[1]);
}

// /Me is the user the token acts for (RFC 7644 §3.11), with the operations of /Users/{id}.
Reply me(RequestContext& ctx, std::vector<std::string> const& rest) {
    if (rest.size() > 1) throw scim::Error::not_found("no such endpoint");
    if (ctx.grant.user_id.empty())
        throw scim::Error::not_implemented(
            "/Me needs a token bound to a user; this one is not (see 'scimd token issue --user')");
    auto const& method = ctx.request.method;
    auto const& id = ctx.grant.user_id;
    if (method == "GET") co_return co_await handlers::get_user(ctx, id);
    if (method == "PUT") co_return co_await handlers::replace_user(ctx, id);
    if (method == "PATCH") co_return co_await handlers::patch_user(ctx, id);
    if (method == "DELETE") co_return co_await handlers::delete_user(ctx, id);
    co_return method_not_allowed(method, "/Me", "GET, PUT, PATCH, DELETE");
}

Reply dispatch(RequestContext& ctx, Route const& route) {
    auto const& rest = route.rest;
    auto const& method = ctx.request.method;
    std::string_view const id = rest.size() > 1 ? std::string_view(rest[1]) : std::string_view();
    if (rest.size() > 2 && route.endpoint != Endpoint::devices) throw scim::Error::not_found("no such endpoint");
    auto const discovery = [&](std::string_view name) -> std::optional<HttpResponse> {
        if (method != "GET") return method_not_allowed(method, "/" + std::string(name), "GET");
        return std::nullopt;
    };
    switch (route.endpoint) {
        case Endpoint::none:
            throw scim::Error::not_found("name an endpoint, such as " + ctx.base_url + "/Users");
        case Endpoint::users:
            co_return co_await users(ctx, rest);
        case Endpoint::groups:
            co_return co_await groups(ctx, rest);
        case Endpoint::me:
            co_return co_await me(ctx, rest);
        case Endpoint::sites:
            co_return co_await sites(ctx, rest);
        case Endpoint::devices:
            co_return co_await devices(ctx, rest);
        case Endpoint::licenses:
            co_return co_await licenses(ctx, rest);
        case Endpoint::resource_types:
            if (auto refused = discovery("ResourceTypes")) co_return std::move(*refused);
            co_return handlers::resource_types(ctx, id);
        case Endpoint::schemas:
            if (auto refused = discovery("Schemas")) co_return std::move(*refused);
            co_return handlers::schemas(ctx, id);
        case Endpoint::service_provider_config:
            if (auto refused = discovery("ServiceProviderConfig")) co_return std::move(*refused);
            if (!id.empty()) throw scim::Error::not_found("no such endpoint");
            co_return handlers::service_provider_config(ctx);
        case Endpoint::search:
            if (rest.size() != 1) break;
            co_return co_await search(ctx, "/.search", [&](auto const& r) { return handlers::search_all(ctx, r); });
        case Endpoint::bulk:
            if (rest.size() != 1) break;
            if (method != "POST") co_return method_not_allowed(method, "/Bulk", "POST");
            co_return co_await handlers::bulk(ctx);
        case Endpoint::audit_events:
            if (rest.size() > 1 && rest[1] == ".search")
                co_return co_await search(ctx, "/AuditEvents/.search",
                                          [&](auto const& r) { return handlers::list_audit_events(ctx, r); });
            if (method != "GET")
                co_return method_not_allowed(method, rest.size() == 1 ? "/AuditEvents" : "/AuditEvents/{id}", "GET");
            if (rest.size() == 1)
                co_return co_await handlers::list_audit_events(ctx, handlers::list_request_from_query(ctx));
            co_return co_await handlers::get_audit_event(ctx, rest[1]);
        case Endpoint::events:
            if (rest.size() != 2) throw scim::Error::not_found("poll an event stream at /Events/{stream}");
            co_return co_await handlers::poll_events(ctx, rest[1]);
        case Endpoint::jwks:
        case Endpoint::directory_page:
        case Endpoint::oauth_token:
        case Endpoint::oauth_jwks:
        case Endpoint::oauth_metadata:
        case Endpoint::unknown:
            break;
    }
    throw scim::Error::not_found("no endpoint \"/" + rest[0] + "\"; see " + ctx.base_url + "/ResourceTypes");
}

std::string origin_of(App const& app, HttpRequest const& req, bool tls) {
    std::string origin = app.config.public_url;
    if (origin.empty()) origin = (tls ? "https://" : "http://") + (valid_host(req.host) ? req.host : app.config.listen);
    while (!origin.empty() && origin.back() == '/') origin.pop_back();
    return origin;
}

}  // namespace

bool valid_host(std::string_view host) {
    // host [":" port], where host is a name, an IPv4 address or a bracketed IPv6 address: nothing that could break
    // out of a URL (RFC 9110 §7.2). Anything else is not reflected into Location and meta.location.
    if (host.empty() || host.size() > 255) return false;
    for (char c : host)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']' ||
              c == '_'))
            return false;
    return true;
}

service::Caller RequestContext::caller() const {
    return {{grant.tenant_id, grant.token_id, request_id, now, grant.label},
            grant.user_id,
            {grant.strict_profile ? scim::UnknownAttributes::reject : grant.unknown_attributes,
             app.config.max_values_per_attribute, app.config.max_members_per_request, grant.strict_profile}};
}

std::string_view RequestContext::query_param(std::string_view name) const {
    for (auto const& [key, value] : query)
        if (scim::iequals(key, name)) return value;
    return {};
}

bool RequestContext::has_query_param(std::string_view name) const {
    for (auto const& entry : query)
        if (scim::iequals(entry.first, name)) return true;
    return false;
}

bool usable_request_id(std::string_view id) {
    if (id.empty() || id.size() > 128) return false;
    for (char c : id)
        if (!(std::isalnum(static_cast<unsigned char>(c)) ||
              std::string_view("-_.:@/+=").find(c) != std::string_view::npos))
            return false;
    return true;
}

Exchange::Exchange(App& app, bool tls, std::string peer, std::string_view client_request_id)
    : app_(app),
      tls_(tls),
      peer_(std::move(peer)),
      request_id_(usable_request_id(client_request_id) ? std::string(client_request_id) : new_request_id()),
      started_(std::chrono::steady_clock::now()) {
    app_.metrics.in_flight.add(1);
}

Exchange::~Exchange() { app_.metrics.in_flight.add(-1); }

void Exchange::too_many_requests(std::string const& limit, std::string detail, int wait) const {
    app_.metrics.rate_limited.with({limit}).inc();
    throw scim::Error::too_many_requests(std::move(detail), wait);
}

std::size_t Exchange::body_limit() const {
    switch (route_ ? route_->body_kind() : BodyKind::normal) {
        case BodyKind::bulk:
            return app_.config.bulk_max_payload_bytes;
        case BodyKind::csv_import:
            return app_.config.import_max_bytes;
        case BodyKind::oauth_form:
            return 16 * 1024;
        case BodyKind::normal:
            break;
    }
    return app_.config.max_body_bytes;
}

std::string Exchange::body_too_large_detail() const {
    auto const limit = std::to_string(body_limit());
    if (route_ && route_->body_kind() == BodyKind::bulk)
        return "the bulk request is larger than maxPayloadSize, " + limit + " bytes; split it into smaller requests";
    return "the request body is larger than the limit of " + limit + " bytes";
}

boost::asio::awaitable<std::optional<HttpResponse>> Exchange::admit(HttpRequest const& head) {
    try {
        auto const url = parse_target(head.target);
        route_ = resolve_route(url);
        for (auto const& param : url.params()) query_.emplace_back(param.key, param.has_value ? param.value : "");
        if (route_->endpoint == Endpoint::jwks || route_->endpoint == Endpoint::oauth_jwks ||
            route_->endpoint == Endpoint::oauth_metadata ||
            route_->endpoint == Endpoint::directory_page) {  // public documents: no token
            if (head.method != "GET" && head.method != "HEAD")
                throw scim::Error::method_not_allowed(head.method + " is not allowed on " + route_->template_name() +
                                                      "; use GET");
            co_return std::nullopt;
        }
        if (route_->endpoint == Endpoint::oauth_token) {  // the client authenticates itself to get a token
            if (!app_.oauth) throw scim::Error::not_found("OAuth is not enabled on this server");
            if (head.method != "POST")
                throw scim::Error::method_not_allowed(head.method + " is not allowed on /oauth2/token; use POST");
            if (auto const wait =
                    app_.auth_failures.wait(peer_, app_.config.auth_failure_limit, std::chrono::steady_clock::now());
                wait > 0)
                too_many_requests("auth_failures", "too many failed authentications from this address; wait", wait);
            co_return std::nullopt;
        }
        auto const now = std::chrono::steady_clock::now();
        // A source that keeps presenting bad tokens is turned away before they cost a database query; a token the
        // cache knows as good is not held up by others' failures from the same address (a shared NAT).
        grant_ = app_.auth.cached(head.authorization);
        if (!grant_) {
            if (auto const wait = app_.auth_failures.wait(peer_, app_.config.auth_failure_limit, now); wait > 0)
                too_many_requests("auth_failures", "too many failed authentications from this address; wait", wait);
            try {
                grant_ = co_await app_.auth.authenticate(head.authorization);
            } catch (scim::Error const& e) {
                if (e.status() == 401) app_.auth_failures.take(peer_, app_.config.auth_failure_limit, now);
                throw;
            }
        }
        auto const& grant = *grant_;
        // A token names its tenant; a path that names another one finds nothing, as if it did not exist.
        if (!route_->path_tenant.empty() && !scim::iequals(route_->path_tenant, grant.tenant_name))
            throw scim::Error::not_found("no tenant \"" + route_->path_tenant + "\" for this token");
        if (auto const wait =
                app_.rate_limits.take("t:" + grant.tenant_id, {grant.tenant_rate, grant.tenant_burst}, now))
            too_many_requests("tenant",
                              "tenant " + grant.tenant_name + " sends more than its " +
                                  std::to_string(static_cast<long>(grant.tenant_rate)) +
                                  " requests per second; retry after the time in Retry-After",
                              wait);
        if (auto const wait = app_.rate_limits.take("k:" + grant.token_id, {grant.token_rate, grant.token_burst}, now))
            too_many_requests("token", "this token sends more than its rate limit; retry after the time in Retry-After",
                              wait);
        auto const method = effective_method(head.method);
        if (route_->endpoint == Endpoint::audit_events && is_write(method, *route_))  // read-only, for everyone
            co_return finish(head, method_not_allowed(
                                       method, route_->rest.size() == 1 ? "/AuditEvents" : "/AuditEvents/{id}", "GET"));
        check_audit_scope(*route_, grant);
        if (is_write(method, *route_) && grant.scope != storage::TokenScope::write)
            throw scim::Error::forbidden("this token has read scope; " + method + " needs a token with write scope");
        check_user_bound(method, *route_, grant);
        if (has_body(method)) check_media_type(head, *route_);
        co_return std::nullopt;
    } catch (scim::Error const& e) {
        bool const token_endpoint = route_ && route_->endpoint == Endpoint::oauth_token;
        co_return finish(head, token_endpoint ? oauth_error_response(e) : error_response(e));
    } catch (std::exception const& e) {
        co_return finish(head, internal_error(e));
    }
}

boost::asio::awaitable<HttpResponse> Exchange::answer(HttpRequest request) {
    HttpResponse res;
    bool writes = false;
    // HEAD is GET without the body (RFC 9110 §9.3.2); the session leaves the body out. The log names what was sent.
    auto const sent_method = request.method;
    request.method = effective_method(request.method);
    try {
        if (route_->endpoint == Endpoint::directory_page) {
            res = handlers::directory_page(*route_, request.method);
            request.method = sent_method;
            request.body.clear();
            co_return finish(request, std::move(res));
        }
        if (route_->endpoint == Endpoint::jwks || route_->endpoint == Endpoint::oauth_jwks ||
            route_->endpoint == Endpoint::oauth_metadata || route_->endpoint == Endpoint::oauth_token) {
            if (route_->endpoint == Endpoint::jwks)
                res = co_await handlers::signing_keys(app_);
            else
                res = co_await handlers::oauth(app_, *route_, request);
            if (route_->endpoint == Endpoint::oauth_token && res.status == 401)
                app_.auth_failures.take(peer_, app_.config.auth_failure_limit, std::chrono::steady_clock::now());
            request.method = sent_method;
            request.body.clear();
            co_return finish(request, std::move(res));
        }
        RequestContext ctx{app_,        request,
                           request_id_, std::chrono::system_clock::now(),
                           *grant_,     origin_of(app_, request, tls_) + route_->prefix,
                           query_,      std::nullopt};
        if (!grant_->user_id.empty()) ctx.viewer = co_await handlers::directory_viewer(ctx);
        // A token's reads go to the primary from the moment it begins to write until the window after it ended.
        writes = app_.replica && is_write(request.method, *route_);
        if (writes) app_.replica->wrote(grant_->token_id, std::chrono::steady_clock::now());
        res = co_await dispatch(ctx, *route_);
    } catch (scim::Error const& e) {
        res = error_response(e);
    } catch (std::exception const& e) {
        res = internal_error(e);
    }
    if (writes) app_.replica->wrote(grant_->token_id, std::chrono::steady_clock::now());
    request.method = sent_method;
    request.body.clear();
    co_return finish(request, std::move(res));
}

std::string Exchange::effective_method(std::string const& method) { return method == "HEAD" ? "GET" : method; }

HttpResponse Exchange::internal_error(std::exception const& e) const {
    // The log names the request and, for a database error, its SQLSTATE: never the request's data.
    std::string what = "internal error";
    if (auto const* sql = dynamic_cast<pqxx::sql_error const*>(&e))
        what += " SQLSTATE " + sql->sqlstate();
    else
        what += std::string(" (") + typeid(e).name() + ")";
    log_line(what, LogLevel::error, request_id_);
    return error_response(scim::Error::internal());
}

HttpResponse Exchange::finish(HttpRequest const& request, HttpResponse res) const {
    res.set_header("X-Request-Id", request_id_);
    // Every response may carry personal data: no caching, no sniffing; browsers keep to HTTPS.
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Content-Type-Options", "nosniff");
    if (tls_) res.set_header("Strict-Transport-Security", "max-age=31536000");
    auto const seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    auto const route = route_ ? route_->template_name() : std::string("unmatched");
    app_.metrics.request(route, request.method, res.status, seconds);
    if (app_.config.access_log) {
        // The path without the query: queries may hold personal data.
        auto const path = printable(std::string_view(request.target).substr(0, request.target.find('?')));
        std::string ignored, unlinked;
        for (auto const& [name, value] : res.headers) {
            if (scim::iequals(name, ignored_attributes_header)) ignored = value;
            if (scim::iequals(name, unlinked_references_header)) unlinked = value;
        }
        auto const method = printable(request.method);
        log_access({request_id_, grant_ ? std::string_view(grant_->tenant_name) : std::string_view(), method, route,
                    path, res.status, seconds * 1000, res.body.size(), ignored, unlinked});
    }
    return res;
}

std::string Exchange::printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) out += (c > 0x20 && c < 0x7f) ? c : '?';
    return out;
}

}  // namespace server
