// Route resolution and dispatch.
#include "server/router.hpp"

#include <chrono>
#include <iterator>
#include <string>
#include <vector>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "scim/error.hpp"
#include "scim/resource.hpp"
#include "scim/text.hpp"
#include "server/crypto.hpp"
#include "server/error_response.hpp"
#include "server/handlers/handlers.hpp"
#include "server/log.hpp"
#include "server/request_context.hpp"
#include "server/responses.hpp"

namespace server {
namespace {

using Reply = handlers::Reply;

struct Route {
    std::string prefix;       // "/scim/v2" or "/customers/{tenant}/scim/v2", as the client wrote it
    std::string path_tenant;  // the {tenant} of the second form
    std::vector<std::string> rest;
};

Route resolve(boost::urls::url_view const& url) {
    std::vector<std::string> parts;
    for (auto const& segment : url.segments()) parts.emplace_back(segment);
    if (!parts.empty() && parts.back().empty()) parts.pop_back();  // a trailing slash
    Route route;
    std::size_t at = 0;
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
    return route;
}

bool is_search(Route const& route) { return !route.rest.empty() && route.rest.back() == ".search"; }

bool has_body(std::string_view method) { return method == "POST" || method == "PUT" || method == "PATCH"; }

// Everything but GET changes data, except POST .search, which is a query with a body.
bool is_write(std::string_view method, Route const& route) {
    return (has_body(method) || method == "DELETE") && !(method == "POST" && is_search(route));
}

bool is_csv_import(Route const& route) {
    return route.rest.size() == 2 && scim::iequals(route.rest[0], "Users") && route.rest[1] == ".import";
}

void check_media_type(HttpRequest const& req, Route const& route) {
    if (!req.has_body && req.content_type.empty()) return;
    auto media = std::string_view(req.content_type).substr(0, req.content_type.find(';'));
    while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
    if (is_csv_import(route)) {
        if (scim::iequals(media, "text/csv")) return;
        throw scim::Error::unsupported_media_type("Content-Type \"" + req.content_type +
                                                  "\" is not supported here; send the CSV as text/csv");
    }
    if (media.empty() || scim::iequals(media, "application/scim+json") || scim::iequals(media, "application/json"))
        return;
    throw scim::Error::unsupported_media_type("Content-Type \"" + req.content_type +
                                              "\" is not supported; send application/scim+json or application/json");
}

HttpResponse method_not_allowed(std::string_view method, std::string_view path, std::string allow) {
    auto res = error_response(
        scim::Error::method_not_allowed(std::string(method) + " is not allowed on " + std::string(path) + "; use " + allow));
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
        co_return co_await search(ctx, "/Licenses/.search", [&](auto const& r) { return handlers::list_licenses(ctx, r); });
    if (method != "GET")
        co_return method_not_allowed(method, rest.size() == 1 ? "/Licenses" : "/Licenses/{id}",
                                     "GET");
    if (rest.size() == 1) co_return co_await handlers::list_licenses(ctx, handlers::list_request_from_query(ctx));
    co_return co_await handlers::get_license(ctx, rest[1]);
}

// /Me is the user the token acts for (RFC 7644 §3.11), with the operations of /Users/{id}.
Reply me(RequestContext& ctx, std::vector<std::string> const& rest) {
    if (rest.size() > 1) throw scim::Error::not_found("no such endpoint");
    if (ctx.grant.user_id.empty())
        throw scim::Error::not_implemented("/Me needs a token bound to a user; this one is not (see 'scimd token issue --user')");
    auto const& method = ctx.request.method;
    auto const& id = ctx.grant.user_id;
    if (method == "GET") co_return co_await handlers::get_user(ctx, id);
    if (method == "PUT") co_return co_await handlers::replace_user(ctx, id);
    if (method == "PATCH") co_return co_await handlers::patch_user(ctx, id);
    if (method == "DELETE") co_return co_await handlers::delete_user(ctx, id);
    co_return method_not_allowed(method, "/Me", "GET, PUT, PATCH, DELETE");
}

Reply dispatch(RequestContext& ctx, std::vector<std::string> const& rest) {
    if (rest.empty()) throw scim::Error::not_found("name an endpoint, such as " + ctx.base_url + "/Users");
    auto const& endpoint = rest[0];
    auto const& method = ctx.request.method;
    std::string_view const id = rest.size() > 1 ? std::string_view(rest[1]) : std::string_view();
    if (rest.size() > 2) throw scim::Error::not_found("no such endpoint");

    if (scim::iequals(endpoint, "Users")) co_return co_await users(ctx, rest);
    if (scim::iequals(endpoint, "Groups")) co_return co_await groups(ctx, rest);
    if (scim::iequals(endpoint, "Me")) co_return co_await me(ctx, rest);
    if (scim::iequals(endpoint, "Sites")) co_return co_await sites(ctx, rest);
    if (scim::iequals(endpoint, "Licenses")) co_return co_await licenses(ctx, rest);
    if (scim::iequals(endpoint, "ServiceProviderConfig") || scim::iequals(endpoint, "ResourceTypes") ||
        scim::iequals(endpoint, "Schemas")) {
        if (method != "GET") co_return method_not_allowed(method, "/" + endpoint, "GET");
        if (scim::iequals(endpoint, "ResourceTypes")) co_return handlers::resource_types(ctx, id);
        if (scim::iequals(endpoint, "Schemas")) co_return handlers::schemas(ctx, id);
        if (!id.empty()) throw scim::Error::not_found("no such endpoint");
        co_return handlers::service_provider_config(ctx);
    }
    if (endpoint == ".search" && rest.size() == 1)
        co_return co_await search(ctx, "/.search", [&](auto const& r) { return handlers::search_all(ctx, r); });
    if (scim::iequals(endpoint, "Bulk") && rest.size() == 1) {
        if (method != "POST") co_return method_not_allowed(method, "/Bulk", "POST");
        co_return co_await handlers::bulk(ctx);
    }
    throw scim::Error::not_found("no endpoint \"/" + endpoint + "\"; see " + ctx.base_url + "/ResourceTypes");
}

Reply route(App& app, HttpRequest const& req, bool tls, std::string const& request_id, std::string& tenant_name) {
    auto const url = boost::urls::parse_origin_form(req.target);
    if (!url) throw scim::Error(400, scim::ScimType::none, "the request target is not a valid path and query");
    auto const route = resolve(*url);
    auto const grant = co_await app.auth.authenticate(req.authorization);
    tenant_name = grant.tenant_name;
    // A token names its tenant; a path that names another one finds nothing, as if it did not exist.
    if (!route.path_tenant.empty() && !scim::iequals(route.path_tenant, grant.tenant_name))
        throw scim::Error::not_found("no tenant \"" + route.path_tenant + "\" for this token");
    if (is_write(req.method, route) && grant.scope != storage::TokenScope::write)
        throw scim::Error::forbidden("this token has read scope; " + req.method + " needs a token with write scope");
    if (has_body(req.method)) check_media_type(req, route);
    std::string origin = app.config.public_url;
    if (origin.empty()) origin = (tls ? "https://" : "http://") + (req.host.empty() ? app.config.listen : req.host);
    while (!origin.empty() && origin.back() == '/') origin.pop_back();

    RequestContext ctx{app, req, request_id, std::chrono::system_clock::now(), grant, origin + route.prefix, {}};
    for (auto const& param : url->params()) ctx.query.emplace_back(param.key, param.has_value ? param.value : "");
    co_return co_await dispatch(ctx, route.rest);
}

}  // namespace

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

boost::asio::awaitable<HttpResponse> handle_request(App& app, HttpRequest const& request, bool tls) {
    auto const started = std::chrono::steady_clock::now();
    auto const request_id = new_request_id();
    std::string tenant_name;
    HttpResponse res;
    try {
        res = co_await route(app, request, tls, request_id, tenant_name);
    } catch (scim::Error const& e) {
        res = error_response(e);
    } catch (std::exception const& e) {
        log_line(request_id + " internal error: " + e.what());
        res = error_response(scim::Error::internal());
    }
    res.set_header("X-Request-Id", request_id);
    if (app.config.access_log) {
        auto const micros =
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
        auto path = std::string_view(request.target).substr(0, request.target.find('?'));  // queries may hold personal data
        std::string ignored;
        for (auto const& [name, value] : res.headers)
            if (scim::iequals(name, ignored_attributes_header)) ignored = " ignored=" + value;
        log_line(request_id + " " + request.method + " " + std::string(path) + " " + std::to_string(res.status) + " " +
                 std::to_string(micros / 1000) + "." + std::to_string(micros % 1000 / 100) + "ms" +
                 (tenant_name.empty() ? "" : " tenant=" + tenant_name) + ignored);
    }
    co_return res;
}

}  // namespace server
