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
#include "server/reads.hpp"
#include "server/responses.hpp"
#include "service/writes.hpp"
#include "storage/user_repository.hpp"

namespace server::handlers {
namespace {

constexpr auto user = scim::ResourceKind::user;

scim::ResourceType const& user_type(RequestContext const& ctx) { return *ctx.app.registry.resource_type("User"); }

scim::Error no_such_user(std::string_view id) {
    return scim::Error::not_found("no user with id \"" + std::string(id) + "\" in this tenant");
}

boost::asio::awaitable<std::optional<std::string>> password_hash(RequestContext& ctx,
                                                                 std::optional<std::string> const& password) {
    if (!password) co_return std::nullopt;
    auto hash = [&password] { return hash_password(*password); };
    co_return co_await run_on(ctx.app.cpu, hash);
}

Rendered rendered(pqxx::transaction_base& tx, RequestContext const& ctx, storage::StoredResource stored,
                  scim::Selection const& selection) {
    return render_one(tx, ctx, user_type(ctx), std::move(stored), selection);
}

void add_unlinked_manager(HttpResponse& res, storage::StoredResource const& stored) {
    add_unlinked_reference(res, std::string(scim::urn::enterprise_user) + ":manager", unlinked_manager(stored));
}

}  // namespace

Reply create_user(RequestContext& ctx) {
    auto const& type = user_type(ctx);
    auto const input = co_await resource_from_request(ctx, type);
    auto const selection = request_selection(ctx, type);
    auto const hash = co_await password_hash(ctx, input.password);
    auto const [stored, text] = co_await ctx.app.db.run([&](pqxx::work& tx) {
        return rendered(tx, ctx, service::create(tx, ctx.caller(), user, input, hash), selection);
    });
    auto res = text_resource_response(201, ctx, type, stored, text);
    add_ignored_attributes(res, input.ignored);
    add_unlinked_manager(res, stored);
    co_return res;
}

Reply list_users(RequestContext& ctx, ListRequest const& request) {
    return list_resources(ctx, user_type(ctx), storage::users_table(), request);
}

Reply get_user(RequestContext& ctx, std::string_view id) {
    auto const& type = user_type(ctx);
    auto const selection = request_selection(ctx, type);
    auto const change = ctx.change();
    auto const found = co_await read_only(ctx, ReadShape::statements, [&](pqxx::transaction_base& tx) {
        storage::UserRepository users(tx, change);
        auto user = wants_user_groups(ctx, type, selection) ? users.find_with_groups(id) : users.find(id);
        if (user && !shown_to_viewer(ctx, user->id, user->attributes)) user.reset();  // hidden from this person
        return render_for_get(tx, ctx, type, std::move(user), selection);
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
        return rendered(tx, ctx, service::replace(tx, ctx.caller(), user, id, input, hash, ctx.request.if_match),
                        selection);
    });
    auto res = modified_response(ctx, type, stored, text, input.ignored);
    add_unlinked_manager(res, stored);
    co_return res;
}

Reply patch_user(RequestContext& ctx, std::string_view id) {
    auto const& type = user_type(ctx);
    scim::IgnoredAttributes ignored;
    auto const request = co_await patch_from_request(ctx, type, ignored);
    auto const selection = request_selection(ctx, type);
    auto const hash = co_await password_hash(ctx, scim::patch_password(request));
    auto const [stored, text] = co_await ctx.app.db.run([&](pqxx::work& tx) {
        return rendered(tx, ctx, service::patch(tx, ctx.caller(), user, id, request, hash, ctx.request.if_match),
                        selection);
    });
    auto res = modified_response(ctx, type, stored, text, ignored);
    add_unlinked_manager(res, stored);
    co_return res;
}

Reply delete_user(RequestContext& ctx, std::string_view id) {
    co_await ctx.app.db.run([&](pqxx::work& tx) { service::remove(tx, ctx.caller(), user, id, ctx.request.if_match); });
    co_return no_content();
}

}  // namespace server::handlers
