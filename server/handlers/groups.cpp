// /Groups: create, read, replace, patch, delete, list. Members live in the membership table: adding one member to
// a group of any size is one insert, and members are never read unless the response shows them.
#include "server/handlers/handlers.hpp"

#include <algorithm>

#include <pqxx/transaction>

#include "scim/error.hpp"
#include "scim/etag.hpp"
#include "scim/group_members.hpp"
#include "scim/resource.hpp"
#include "server/handlers/request_body.hpp"
#include "server/handlers/views.hpp"
#include "server/reads.hpp"
#include "server/responses.hpp"
#include "service/writes.hpp"
#include "storage/group_repository.hpp"

namespace server::handlers {
namespace {

constexpr auto group = scim::ResourceKind::group;

scim::ResourceType const& group_type(RequestContext const& ctx) { return *ctx.app.registry.resource_type("Group"); }

scim::Error no_such_group(std::string_view id) {
    return scim::Error::not_found("no group with id \"" + std::string(id) + "\" in this tenant");
}

// After a write the change stands even when the group is too large to show with its members.
Rendered rendered(pqxx::work& tx, RequestContext const& ctx, storage::StoredResource stored,
                  scim::Selection const& selection, LargeGroups large = LargeGroups::omit_members) {
    return render_one(tx, ctx, group_type(ctx), std::move(stored), selection, large);
}

}  // namespace

Reply create_group(RequestContext& ctx) {
    auto const& type = group_type(ctx);
    auto const input = co_await resource_from_request(ctx, type);
    auto const selection = request_selection(ctx, type);
    auto const [stored, text] = co_await ctx.app.db.run(
        [&](pqxx::work& tx) { return rendered(tx, ctx, service::create(tx, ctx.caller(), group, input), selection); });
    auto res = text_resource_response(201, ctx, type, stored, text);
    add_ignored_attributes(res, input.ignored);
    co_return res;
}

Reply list_groups(RequestContext& ctx, ListRequest const& request) {
    return list_resources(ctx, group_type(ctx), storage::groups_table(), request);
}

Reply get_group(RequestContext& ctx, std::string_view id) {
    auto const& type = group_type(ctx);
    auto const selection = request_selection(ctx, type);
    auto const change = ctx.change();
    auto const found = co_await read_only(ctx, ReadShape::transaction, [&](pqxx::transaction_base& tx) {
        return render_for_get(tx, ctx, type, storage::GroupRepository(tx, change).find(id), selection);
    });
    if (!found) throw no_such_group(id);
    co_return get_response(ctx, type, *found);
}

Reply replace_group(RequestContext& ctx, std::string_view id) {
    auto const& type = group_type(ctx);
    auto const input = co_await resource_from_request(ctx, type);
    auto const selection = request_selection(ctx, type);
    auto const [stored, text] = co_await ctx.app.db.run([&](pqxx::work& tx) {
        return rendered(tx, ctx, service::replace(tx, ctx.caller(), group, id, input, {}, ctx.request.if_match),
                        selection);
    });
    co_return modified_response(ctx, type, stored, text, input.ignored);
}

Reply patch_group(RequestContext& ctx, std::string_view id) {
    auto const& type = group_type(ctx);
    scim::IgnoredAttributes ignored;
    auto const request = co_await patch_from_request(ctx, type, ignored);
    auto const selection = request_selection(ctx, type);
    // A membership change answers 204 (RFC 7644 §3.5.2; what Okta and Entra expect), so adding one member to a
    // 100,000-member group never writes 100,000 members back. Asking for attributes gets the 200 with a body.
    bool const body = ctx.has_query_param("attributes") || ctx.has_query_param("excludedAttributes");
    auto const [stored, text] = co_await ctx.app.db.run([&](pqxx::work& tx) {
        auto changed = service::patch(tx, ctx.caller(), group, id, request, {}, ctx.request.if_match);
        return body ? rendered(tx, ctx, std::move(changed), selection) : Rendered{std::move(changed), std::string()};
    });
    if (!body) {
        auto res = no_content();
        res.set_header("ETag", scim::weak_etag(stored.version));
        add_ignored_attributes(res, ignored);
        co_return res;
    }
    co_return modified_response(ctx, type, stored, text, ignored);
}

Reply delete_group(RequestContext& ctx, std::string_view id) {
    co_await ctx.app.db.run(
        [&](pqxx::work& tx) { service::remove(tx, ctx.caller(), group, id, ctx.request.if_match); });
    co_return no_content();
}

}  // namespace server::handlers
