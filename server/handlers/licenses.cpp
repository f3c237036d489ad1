// /Licenses: the tenant's licence pools, read-only (an admin changes them with 'scimd license set'). A pool's id is
// its licence type.
#include "server/handlers/handlers.hpp"

#include <pqxx/transaction>

#include "scim/error.hpp"
#include "server/handlers/views.hpp"
#include "server/reads.hpp"
#include "server/responses.hpp"
#include "storage/license_repository.hpp"

namespace server::handlers {
namespace {

scim::ResourceType const& license_type(RequestContext const& ctx) { return *ctx.app.registry.resource_type("License"); }

}  // namespace

Reply list_licenses(RequestContext& ctx, ListRequest const& request) {
    return list_resources(ctx, license_type(ctx), storage::licenses_table(), request);
}

Reply get_license(RequestContext& ctx, std::string_view id) {
    auto const& type = license_type(ctx);
    auto const selection = request_selection(ctx, type);
    auto const found = co_await read_only(ctx, ReadShape::statements, [&](pqxx::transaction_base& tx) {
        return render_for_get(tx, ctx, type, storage::LicenseRepository(tx, ctx.change()).find_resource(id), selection);
    });
    if (!found) throw scim::Error::not_found("this tenant has no licence pool \"" + std::string(id) + "\"");
    co_return get_response(ctx, type, *found);
}

}  // namespace server::handlers
