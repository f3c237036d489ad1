// The change records (storage/migrations/V012__changes.sql): one row per resource a write changed, appended in the
// write's own transaction, so that a write that rolls back leaves none and one that commits leaves its records.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/transaction_base>

#include "scim/resource_kind.hpp"

namespace storage {

enum class ChangeOperation {
    create,
    replace,  // PUT
    patch,    // PATCH
    remove,   // DELETE (recorded as "delete")
    update,   // a change the server made as a consequence: a site's users moving with it, a pool's seats, a setting
};

std::string_view to_string(ChangeOperation operation) noexcept;

/// Who changes what, and when. Held by value: it is a handful of strings and a time point.
struct ChangeContext {
    std::string tenant_id = {};
    std::string token_id = {};    // empty for changes made from the command line
    std::string request_id = {};  // empty from the command line
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now();  // the request's clock
    std::string actor = "cli";                                                     // the token's label, or "cli"
};

/// The JSON text a change statement reads its context from as one parameter: the tenant, the time, the actor, the
/// token, the request, and `attributes` (the names of what changed).
std::string change_context_json(ChangeContext const& context, std::vector<std::string> const& attributes = {});

namespace detail {

/// SQL that appends one change record per row of `source` (a CTE or table expression with the rows changed), to
/// be used as a data-modifying CTE of the write itself: `context` is the placeholder of the change_context_json
/// parameter ("$5"); `id` and `version` are SQL expressions over `source` (aliased s); the attributes come from
/// the context unless `attributes` names a text[] expression.
std::string change_insert(std::string const& source, scim::ResourceKind kind, ChangeOperation operation,
                          std::string const& context, std::string const& id = "s.id::text",
                          std::string const& version = "s.version", std::string const& attributes = {});

}  // namespace detail

/// One change record as stored.
struct ChangeRecord {
    std::int64_t id = 0;      // increasing in the order the records were written
    std::string occurred_at;  // RFC 3339 UTC with milliseconds
    std::string resource_type;
    std::string resource_id;
    std::string operation;
    std::optional<std::int64_t> version;
    std::string actor;
    std::string request_id;
    std::vector<std::string> attributes;
};

/// Which of a tenant's change records to read: from a time on (RFC 3339, inclusive), of one resource, or all.
struct ChangeQuery {
    std::string since;
    std::string resource_id;
};

/// Calls `each` for every record of the tenant that `query` selects, oldest first, reading a thousand at a time.
/// @throws scim::Error 400 invalidValue when `query.since` is not a dateTime.
void for_each_change(pqxx::transaction_base& tx, std::string const& tenant_id, ChangeQuery const& query,
                     std::function<void(ChangeRecord const&)> const& each);

/// Appends change records with a statement of their own, for changes that are not one row of one statement.
class ChangeLog {
public:
    ChangeLog(pqxx::transaction_base& tx, ChangeContext context) : tx_(tx), context_(std::move(context)) {}

    void record(scim::ResourceKind kind, std::string const& id, ChangeOperation operation,
                std::optional<std::int64_t> version, std::vector<std::string> const& attributes = {});

    /// One record per licence pool of the tenant named in `types`, with the pool's current version: the seats they
    /// count changed (assigned, available).
    void record_pools(std::vector<std::string> const& types);

    /// One `update` record per group of the tenant named in `ids`, with its current version and `attributes`.
    void record_groups(std::vector<std::string> const& ids, std::vector<std::string> const& attributes);

private:
    pqxx::transaction_base& tx_;
    ChangeContext context_;
};

}  // namespace storage
