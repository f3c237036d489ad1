// The change records as AuditEvent resources (the audit_events view of V015), and their retention.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <pqxx/transaction_base>

#include "storage/stored_resource.hpp"

namespace storage {

/// One change record of the tenant as the AuditEvent resource `id` (the record's number), or nullopt.
std::optional<StoredResource> find_audit_event(pqxx::transaction_base& tx, std::string const& tenant_id,
                                               std::string_view id);

/// Deletes up to `batch` change records, over every tenant, older than their tenant's audit retention; returns how
/// many it deleted. Called again until it returns less than `batch`, each call in its own short transaction.
std::int64_t delete_expired_changes(pqxx::transaction_base& tx, int batch);

}  // namespace storage
