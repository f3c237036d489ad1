// /Users: create, read, replace, patch, delete, list.
#include "server/handlers/handlers.hpp"

#include <pqxx/transaction>

#include "scim/error.hpp"
#include "scim/patch.hpp"
#include "scim/resource.hpp"
#include "scim/urns.hpp"
#include "server/crypto.hpp"
#include "server/handlers/request_body.hpp"
#include "server/handlers/views.hpp"
#include "server/handlers/writes.hpp"
#include "server/responses.hpp"
#include "storage/user_repository.hpp"

namespace server::handlers {
namespace {

scim::ResourceType const& user_type(RequestContext const& ctx) { return *ctx.app.registry.resource_type("User"); }

scim::Error no_such_user(std::string_view id) {
    return scim::Error::not_found("no user with id \"" + std::string(id) + "\" in this tenant");
}

// The user, locked until the transaction ends, once If-Match has been checked against it.
storage::StoredResource lock_for_change(storage::UserRepository& users, std::string_view id, std::string_view if_match) {
    auto current = users.find(id, true);
    if (!current) throw no_such_user(id);
    check_if_match(if_match, current->version);
    return std::move(*current);
}

boost::asio::awaitable<std::optional<std::string>> password_hash(RequestContext& ctx,
                                                                 std::optional<std::string> const& password) {
    if (!password) co_return std::nullopt;
    auto hash = [&password] { return hash_password(*password); };
    co_return co_await run_on(ctx.app.cpu, hash);
}

// A token bound to a user changes that person's own details, not what admins assign: the directory extension
// (site, licences, extension, numbers, visibility), active, roles and entitlements.
void check_self_service(RequestContext const& ctx, boost::json::object const& before, boost::json::object const& after) {
    if (ctx.grant.user_id.empty()) return;
    for (std::string_view const key : {scim::urn::directory_user, std::string_view("active"), std::string_view("roles"),
                                       std::string_view("entitlements")}) {
        auto const* was = before.if_contains(key);
        auto const* is = after.if_contains(key);
        if ((was == nullptr) != (is == nullptr) || (was && *was != *is))
            throw scim::Error::forbidden("\"" + std::string(key) + "\" is set by the tenant's admins; a token bound to a "
                                         "user cannot change it");
    }
}

Rendered rendered(pqxx::transaction_base& tx, RequestContext const& ctx, storage::StoredResource stored,
                  scim::Selection const& selection) {
    return render_one(tx, ctx, user_type(ctx), std::move(stored), selection);
}

}  // namespace

storage::StoredResource create_user_in(pqxx::work& tx, RequestContext const& ctx, scim::ResourceInput const& input,
                                       PasswordHash const& hash) {
    auto const change = ctx.change();
    return storage::UserRepository(tx, change).create(input.attributes, input.password ? hash : std::nullopt);
}

storage::StoredResource replace_user_in(pqxx::work& tx, RequestContext const& ctx, std::string_view id,
                                        scim::ResourceInput const& input, PasswordHash const& hash,
                                        std::string_view if_match) {
    auto const change = ctx.change();
    storage::UserRepository users(tx, change);
    auto current = lock_for_change(users, id, if_match);
    auto merged = scim::merge_for_replace(current.attributes, input.attributes, user_type(ctx), ctx.app.registry);
    auto const user = users.directory().apply(std::move(merged), &current.attributes);
    check_self_service(ctx, current.attributes, user.attributes);
    bool const new_password = input.password && hash;
    if (user.attributes == current.attributes && !new_password) return current;  // nothing changes: same version
    return users.update(id, user, new_password ? hash : std::nullopt, current.attributes);
}

storage::StoredResource patch_user_in(pqxx::work& tx, RequestContext const& ctx, std::string_view id,
                                      scim::PatchRequest const& request, PasswordHash const& hash,
                                      std::string_view if_match) {
    auto const change = ctx.change();
    storage::UserRepository users(tx, change);
    auto current = lock_for_change(users, id, if_match);
    auto outcome = scim::apply_patch(current.attributes, request, user_type(ctx), ctx.app.registry, read_options(ctx));
    if (!outcome.changed) return current;  // same version
    auto const user = users.directory().apply(std::move(outcome.attributes), &current.attributes);
    check_self_service(ctx, current.attributes, user.attributes);
    if (user.attributes == current.attributes && !outcome.password) return current;
    return users.update(id, user, outcome.password ? hash : std::nullopt, current.attributes);
}

void delete_user_in(pqxx::work& tx, RequestContext const& ctx, std::string_view id, std::string_view if_match) {
    auto const change = ctx.change();
    storage::UserRepository users(tx, change);
    if (users.directory().tenant().delete_mode == "deactivate") {
        // The tenant keeps people on delete, as the phone system does: DELETE deactivates, a purge removes.
        auto current = lock_for_change(users, id, if_match);
        auto attributes = current.attributes;
        attributes["active"] = false;
        if (attributes == current.attributes) return;
        users.update(id, users.directory().apply(std::move(attributes), &current.attributes), std::nullopt,
                     current.attributes);
        return;
    }
    if (!if_match.empty()) lock_for_change(users, id, if_match);
    if (!users.remove(id)) throw no_such_user(id);
}

Reply create_user(RequestContext& ctx) {
    auto const& type = user_type(ctx);
    auto const input = co_await resource_from_request(ctx, type);
    auto const selection = request_selection(ctx, type);
    auto const hash = co_await password_hash(ctx, input.password);
    auto const [stored, text] = co_await ctx.app.db.run([&](pqxx::work& tx) {
        return rendered(tx, ctx, create_user_in(tx, ctx, input, hash), selection);
    });
    auto res = text_resource_response(201, ctx, type, stored, text);
    add_ignored_attributes(res, input.ignored);
    co_return res;
}

Reply list_users(RequestContext& ctx, ListRequest const& request) {
    return list_resources(ctx, user_type(ctx), storage::users_table(), request);
}

Reply get_user(RequestContext& ctx, std::string_view id) {
    auto const& type = user_type(ctx);
    auto const selection = request_selection(ctx, type);
    auto const change = ctx.change();
    auto const found = co_await ctx.app.db.read([&](pqxx::transaction_base& tx) {
        return render_for_get(tx, ctx, type, storage::UserRepository(tx, change).find(id), selection);
    });
    if (!found) throw no_such_user(id);
    co_return get_response(ctx, type, *found);
}

Reply replace_user(RequestContext& ctx, std::string_view id) {
    auto const& type = user_type(ctx);
    auto const input = co_await resource_from_request(ctx, type);
    auto const selection = request_selection(ctx, type);
    auto const hash = co_await password_hash(ctx, input.password);
    auto const [stored, text] = co_await ctx.app.db.run([&](pqxx::work& tx) {
        return rendered(tx, ctx, replace_user_in(tx, ctx, id, input, hash, ctx.request.if_match), selection);
    });
    co_return modified_response(ctx, type, stored, text, input.ignored);
}

Reply patch_user(RequestContext& ctx, std::string_view id) {
    auto const& type = user_type(ctx);
    scim::IgnoredAttributes ignored;
    auto const request = co_await patch_from_request(ctx, type, ignored);
    auto const selection = request_selection(ctx, type);
    auto const hash = co_await password_hash(ctx, scim::patch_password(request));
    auto const [stored, text] = co_await ctx.app.db.run([&](pqxx::work& tx) {
        return rendered(tx, ctx, patch_user_in(tx, ctx, id, request, hash, ctx.request.if_match), selection);
    });
    co_return modified_response(ctx, type, stored, text, ignored);
}

Reply delete_user(RequestContext& ctx, std::string_view id) {
    co_await ctx.app.db.run([&](pqxx::work& tx) { delete_user_in(tx, ctx, id, ctx.request.if_match); });
    co_return no_content();
}

}  // namespace server::handlers
