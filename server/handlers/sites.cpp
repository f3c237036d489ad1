// /Sites: a tenant's business locations as SCIM resources. A site with users cannot be deleted; renaming a site or
// changing its code, locale or time zone carries its users along in the same transaction.
#include "server/handlers/handlers.hpp"

#include <pqxx/transaction>

#include "scim/error.hpp"
#include "scim/patch.hpp"
#include "scim/resource.hpp"
#include "server/handlers/request_body.hpp"
#include "server/handlers/views.hpp"
#include "server/reads.hpp"
#include "server/responses.hpp"
#include "service/writes.hpp"
#include "storage/site_repository.hpp"

namespace server::handlers {
namespace {

constexpr auto site = scim::ResourceKind::site;

scim::ResourceType const& site_type(RequestContext const& ctx) { return *ctx.app.registry.resource_type("Site"); }

scim::Error no_such_site(std::string_view id) {
    return scim::Error::not_found("no site with id \"" + std::string(id) + "\" in this tenant");
}

Rendered rendered(pqxx::transaction_base& tx, RequestContext const& ctx, storage::StoredResource stored,
                  scim::Selection const& selection) {
    return render_one(tx, ctx, site_type(ctx), std::move(stored), selection);
}

}  // namespace

Reply create_site(RequestContext& ctx) {
    auto const& type = site_type(ctx);
    auto const input = co_await resource_from_request(ctx, type);
    auto const selection = request_selection(ctx, type);
    auto const [stored, text] = co_await ctx.app.db.run(
        [&](pqxx::work& tx) { return rendered(tx, ctx, service::create(tx, ctx.caller(), site, input), selection); });
    auto res = text_resource_response(201, ctx, type, stored, text);
    add_ignored_attributes(res, input.ignored);
    co_return res;
}

Reply list_sites(RequestContext& ctx, ListRequest const& request) {
    return list_resources(ctx, site_type(ctx), storage::sites_table(), request);
}

Reply get_site(RequestContext& ctx, std::string_view id) {
    auto const& type = site_type(ctx);
    auto const selection = request_selection(ctx, type);
    auto const found = co_await read_only(ctx, ReadShape::statements, [&](pqxx::transaction_base& tx) {
        return render_for_get(tx, ctx, type, storage::SiteRepository(tx, ctx.change()).find_resource(id), selection);
    });
    if (!found) throw no_such_site(id);
    co_return get_response(ctx, type, *found);
}

Reply replace_site(RequestContext& ctx, std::string_view id) {
    auto const& type = site_type(ctx);
    auto const input = co_await resource_from_request(ctx, type);
    auto const selection = request_selection(ctx, type);
    auto const [stored, text] = co_await ctx.app.db.run([&](pqxx::work& tx) {
        return rendered(tx, ctx, service::replace(tx, ctx.caller(), site, id, input, {}, ctx.request.if_match),
                        selection);
    });
    co_return modified_response(ctx, type, stored, text, input.ignored);
}

Reply patch_site(RequestContext& ctx, std::string_view id) {
    auto const& type = site_type(ctx);
    scim::IgnoredAttributes ignored;
    auto const request = co_await patch_from_request(ctx, type, ignored);
    auto const selection = request_selection(ctx, type);
    auto const [stored, text] = co_await ctx.app.db.run([&](pqxx::work& tx) {
        return rendered(tx, ctx, service::patch(tx, ctx.caller(), site, id, request, {}, ctx.request.if_match),
                        selection);
    });
    co_return modified_response(ctx, type, stored, text, ignored);
}

Reply delete_site(RequestContext& ctx, std::string_view id) {
    co_await ctx.app.db.run([&](pqxx::work& tx) { service::remove(tx, ctx.caller(), site, id, ctx.request.if_match); });
    co_return no_content();
}

}  // namespace server::handlers
