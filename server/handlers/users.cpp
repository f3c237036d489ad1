// /Users: create, read, replace, delete, and an unfiltered list.
#include "server/handlers/handlers.hpp"

#include <pqxx/transaction>

#include "scim/error.hpp"
#include "scim/etag.hpp"
#include "scim/patch.hpp"
#include "scim/resource.hpp"
#include "server/crypto.hpp"
#include "server/responses.hpp"
#include "storage/user_repository.hpp"

namespace server::handlers {
namespace {

scim::ResourceType const& user_type(RequestContext const& ctx) { return *ctx.app.registry.resource_type("User"); }

scim::Error no_such_user(std::string_view id) {
    return scim::Error::not_found("no user with id \"" + std::string(id) + "\" in this tenant");
}

// RFC 7644 §3.14: a stale If-Match means the client would overwrite a change it has not seen.
void check_if_match(RequestContext const& ctx, std::int64_t version) {
    if (ctx.request.if_match.empty() || scim::etag_list_matches(ctx.request.if_match, version)) return;
    throw scim::Error::precondition_failed("If-Match " + ctx.request.if_match + " does not match the current version " +
                                           scim::weak_etag(version) + "; read the resource again and retry");
}

// The user, locked until the transaction ends, once If-Match has been checked against it.
storage::StoredResource lock_for_change(storage::UserRepository& users, RequestContext const& ctx, std::string_view id) {
    auto current = users.find(id, true);
    if (!current) throw no_such_user(id);
    check_if_match(ctx, current->version);
    return std::move(*current);
}

boost::asio::awaitable<std::optional<std::string>> password_hash(RequestContext& ctx,
                                                                 std::optional<std::string> const& password) {
    if (!password) co_return std::nullopt;
    auto hash = [&password] { return hash_password(*password); };
    co_return co_await run_on(ctx.app.cpu, hash);
}

}  // namespace

Reply create_user(RequestContext& ctx) {
    auto const& type = user_type(ctx);
    auto const input = scim::read_resource(scim::parse_json_object(ctx.request.body), type, ctx.app.registry);
    auto const selection = request_selection(ctx, type);
    auto const hash = co_await password_hash(ctx, input.password);
    auto const change = ctx.change();
    auto const stored = co_await ctx.app.db.run(
        [&](pqxx::work& tx) { return storage::UserRepository(tx, change).create(input.attributes, hash); });
    co_return resource_response(201, ctx, type, stored, selection);
}

Reply list_users(RequestContext& ctx, ListRequest const& request) {
    return list_resources(ctx, user_type(ctx), storage::users_table(), request);
}

Reply get_user(RequestContext& ctx, std::string_view id) {
    auto const& type = user_type(ctx);
    auto const selection = request_selection(ctx, type);
    auto const change = ctx.change();
    auto const stored =
        co_await ctx.app.db.run([&](pqxx::work& tx) { return storage::UserRepository(tx, change).find(id); });
    if (!stored) throw no_such_user(id);
    if (!ctx.request.if_none_match.empty() && scim::etag_list_matches(ctx.request.if_none_match, stored->version)) {
        HttpResponse not_modified;
        not_modified.status = 304;
        not_modified.set_header("ETag", scim::weak_etag(stored->version));
        co_return not_modified;
    }
    co_return resource_response(200, ctx, type, *stored, selection);
}

Reply replace_user(RequestContext& ctx, std::string_view id) {
    auto const& type = user_type(ctx);
    auto const input = scim::read_resource(scim::parse_json_object(ctx.request.body), type, ctx.app.registry);
    auto const selection = request_selection(ctx, type);
    auto const hash = co_await password_hash(ctx, input.password);
    auto const change = ctx.change();
    auto const stored = co_await ctx.app.db.run([&](pqxx::work& tx) {
        storage::UserRepository users(tx, change);
        auto current = lock_for_change(users, ctx, id);
        auto merged = scim::merge_for_replace(current.attributes, input.attributes, type, ctx.app.registry);
        if (merged == current.attributes && !hash) return current;  // nothing changes: same version
        return users.update(id, merged, hash);
    });
    co_return resource_response(200, ctx, type, stored, selection);
}

Reply patch_user(RequestContext& ctx, std::string_view id) {
    auto const& type = user_type(ctx);
    auto const request = scim::parse_patch_request(scim::parse_json_object(ctx.request.body));
    auto const selection = request_selection(ctx, type);
    auto const hash = co_await password_hash(ctx, scim::patch_password(request));
    auto const change = ctx.change();
    auto const stored = co_await ctx.app.db.run([&](pqxx::work& tx) {
        storage::UserRepository users(tx, change);
        auto current = lock_for_change(users, ctx, id);
        auto outcome = scim::apply_patch(current.attributes, request, type, ctx.app.registry);
        if (!outcome.changed) return current;  // nothing changes: same version
        return users.update(id, outcome.attributes, outcome.password ? hash : std::nullopt);
    });
    // RFC 7644 §3.5.2: 204 is allowed; a client that asks for no attributes ("attributes=") gets it.
    if (ctx.has_query_param("attributes") && ctx.query_param("attributes").empty()) {
        HttpResponse res;
        res.status = 204;
        res.set_header("ETag", scim::weak_etag(stored.version));
        co_return res;
    }
    co_return resource_response(200, ctx, type, stored, selection);
}

Reply delete_user(RequestContext& ctx, std::string_view id) {
    auto const change = ctx.change();
    co_await ctx.app.db.run([&](pqxx::work& tx) {
        storage::UserRepository users(tx, change);
        if (!ctx.request.if_match.empty()) lock_for_change(users, ctx, id);
        if (!users.remove(id)) throw no_such_user(id);
    });
    HttpResponse res;
    res.status = 204;
    co_return res;
}

}  // namespace server::handlers
