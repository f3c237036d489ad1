// AuditEvent reads and retention.
#include "storage/audit_events.hpp"

#include "storage/detail/rows.hpp"
#include "storage/detail/statements.hpp"

namespace storage {

std::optional<StoredResource> find_audit_event(pqxx::transaction_base& tx, std::string const& tenant_id,
                                               std::string_view id) {
    auto const rows = detail::exec_sql(
        tx, "SELECT " + std::string(detail::resource_columns) + " FROM audit_events WHERE tenant_id = $1 AND id = $2",
        tenant_id, std::string(id));
    if (rows.empty()) return std::nullopt;
    return detail::resource_from(rows[0]);
}

std::int64_t delete_expired_changes(pqxx::transaction_base& tx, int batch) {
    return static_cast<std::int64_t>(
        detail::exec_sql(tx,
                         "WITH d AS (DELETE FROM changes WHERE id IN (SELECT c.id FROM tenants t CROSS JOIN LATERAL"
                         " (SELECT id FROM changes WHERE tenant_id = t.id"
                         " AND occurred_at < now() - make_interval(days => t.audit_retention_days)"
                         " ORDER BY occurred_at LIMIT $1) c LIMIT $1) RETURNING id),"
                         " o AS (DELETE FROM event_outbox WHERE change_id IN (SELECT id FROM d))"  // never delivered
                         " SELECT id FROM d",
                         batch)
            .size());
}

}  // namespace storage
