// /AuditEvents: the tenant's change records as a read-only SCIM resource, listed, filtered, sorted and paged by the
// same code as users (filter=resourceId eq "...", meta.created gt "..."). Only tokens of audit scope reach it.
#include "server/handlers/handlers.hpp"

#include "scim/error.hpp"
#include "server/handlers/views.hpp"
#include "server/reads.hpp"
#include "server/responses.hpp"
#include "storage/audit_events.hpp"

namespace server::handlers {
namespace {

scim::ResourceType const& audit_event_type(RequestContext const& ctx) {
    return *ctx.app.registry.resource_type("AuditEvent");
}

}  // namespace

Reply list_audit_events(RequestContext& ctx, ListRequest const& request) {
    return list_resources(ctx, audit_event_type(ctx), storage::audit_events_table(), request);
}

Reply get_audit_event(RequestContext& ctx, std::string_view id) {
    auto const& type = audit_event_type(ctx);
    auto const selection = request_selection(ctx, type);
    auto const found = co_await read_only(ctx, ReadShape::statements, [&](pqxx::transaction_base& tx) {
        return render_for_get(tx, ctx, type, storage::find_audit_event(tx, ctx.grant.tenant_id, id), selection);
    });
    if (!found) throw scim::Error::not_found("this tenant has no audit event \"" + std::string(id) + "\"");
    co_return get_response(ctx, type, *found);
}

}  // namespace server::handlers
