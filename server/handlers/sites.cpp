// /Sites: a tenant's business locations as SCIM resources. A site with users cannot be deleted; renaming a site or
// changing its code, locale or time zone carries its users along in the same transaction.
#include "server/handlers/handlers.hpp"

#include <pqxx/transaction>

#include "scim/error.hpp"
#include "scim/patch.hpp"
#include "scim/resource.hpp"
#include "server/handlers/request_body.hpp"
#include "server/handlers/views.hpp"
#include "server/handlers/writes.hpp"
#include "server/responses.hpp"
#include "storage/site_repository.hpp"

namespace server::handlers {
namespace {

scim::ResourceType const& site_type(RequestContext const& ctx) { return *ctx.app.registry.resource_type("Site"); }

scim::Error no_such_site(std::string_view id) {
    return scim::Error::not_found("no site with id \"" + std::string(id) + "\" in this tenant");
}

storage::StoredResource lock_for_change(storage::SiteRepository& sites, std::string_view id, std::string_view if_match) {
    auto current = sites.find_resource(id, true);
    if (!current) throw no_such_site(id);
    check_if_match(if_match, current->version);
    return std::move(*current);
}

Rendered rendered(pqxx::transaction_base& tx, RequestContext const& ctx, storage::StoredResource stored,
                  scim::Selection const& selection) {
    return render_one(tx, ctx, site_type(ctx), std::move(stored), selection);
}

}  // namespace

storage::StoredResource create_site_in(pqxx::work& tx, RequestContext const& ctx, scim::ResourceInput const& input) {
    return storage::SiteRepository(tx, ctx.grant.tenant_id).create_resource(input.attributes);
}

storage::StoredResource replace_site_in(pqxx::work& tx, RequestContext const& ctx, std::string_view id,
                                        scim::ResourceInput const& input, std::string_view if_match) {
    storage::SiteRepository sites(tx, ctx.grant.tenant_id);
    auto current = lock_for_change(sites, id, if_match);
    auto merged = scim::merge_for_replace(current.attributes, input.attributes, site_type(ctx), ctx.app.registry);
    if (merged == current.attributes) return current;
    return sites.update_resource(id, merged);
}

storage::StoredResource patch_site_in(pqxx::work& tx, RequestContext const& ctx, std::string_view id,
                                      scim::PatchRequest const& request, std::string_view if_match) {
    storage::SiteRepository sites(tx, ctx.grant.tenant_id);
    auto current = lock_for_change(sites, id, if_match);
    auto outcome = scim::apply_patch(current.attributes, request, site_type(ctx), ctx.app.registry, read_options(ctx));
    if (!outcome.changed) return current;
    return sites.update_resource(id, outcome.attributes);
}

void delete_site_in(pqxx::work& tx, RequestContext const& ctx, std::string_view id, std::string_view if_match) {
    storage::SiteRepository sites(tx, ctx.grant.tenant_id);
    lock_for_change(sites, id, if_match);
    sites.remove(id);
}

Reply create_site(RequestContext& ctx) {
    auto const& type = site_type(ctx);
    auto const input = co_await resource_from_request(ctx, type);
    auto const selection = request_selection(ctx, type);
    auto const [stored, text] = co_await ctx.app.db.run([&](pqxx::work& tx) {
        return rendered(tx, ctx, create_site_in(tx, ctx, input), selection);
    });
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
    auto const found = co_await ctx.app.db.read([&](pqxx::transaction_base& tx) {
        return render_for_get(tx, ctx, type, storage::SiteRepository(tx, ctx.grant.tenant_id).find_resource(id), selection);
    });
    if (!found) throw no_such_site(id);
    co_return get_response(ctx, type, *found);
}

Reply replace_site(RequestContext& ctx, std::string_view id) {
    auto const& type = site_type(ctx);
    auto const input = co_await resource_from_request(ctx, type);
    auto const selection = request_selection(ctx, type);
    auto const [stored, text] = co_await ctx.app.db.run([&](pqxx::work& tx) {
        return rendered(tx, ctx, replace_site_in(tx, ctx, id, input, ctx.request.if_match), selection);
    });
    co_return modified_response(ctx, type, stored, text, input.ignored);
}

Reply patch_site(RequestContext& ctx, std::string_view id) {
    auto const& type = site_type(ctx);
    scim::IgnoredAttributes ignored;
    auto const request = co_await patch_from_request(ctx, type, ignored);
    auto const selection = request_selection(ctx, type);
    auto const [stored, text] = co_await ctx.app.db.run([&](pqxx::work& tx) {
        return rendered(tx, ctx, patch_site_in(tx, ctx, id, request, ctx.request.if_match), selection);
    });
    co_return modified_response(ctx, type, stored, text, ignored);
}

Reply delete_site(RequestContext& ctx, std::string_view id) {
    co_await ctx.app.db.run([&](pqxx::work& tx) { delete_site_in(tx, ctx, id, ctx.request.if_match); });
    co_return no_content();
}

}  // namespace server::handlers
