// Listing a tenant's resources: filter, sort, and a page by offset (startIndex) or by keyset (cursors).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/transaction_base>

#include "scim/filter_binding.hpp"
#include "scim/projection.hpp"
#include "storage/filter_sql.hpp"
#include "storage/stored_resource.hpp"

namespace storage {

/// A row's place in the sort order: its sort key as text (nullopt when NULL) and its id, the tie-breaker.
struct Keyset {
    std::optional<std::string> sort_value;
    std::string id;
};

struct ListQuery {
    scim::BoundFilter const* filter = nullptr;  // null: every resource
    std::optional<SortKey> sort;                // nullopt: the table's default (creation time)
    bool descending = false;
    std::int64_t count = 100;
    std::int64_t offset = 0;       // index pagination: rows to skip
    std::optional<Keyset> after;   // keyset pagination: the rows after this one...
    std::optional<Keyset> before;  // ...or the rows before it, in the same order
    bool count_total = true;       // also count every match (a second query)
    scim::StoredMembers members;   // read only these members of each stored resource (projection)
    bool user_groups = false;      // users: also read each one's groups, in the same statement
};

struct ListPage {
    std::optional<std::int64_t> total;
    std::vector<StoredResource> resources;
    std::vector<Keyset> keys;  // the place of each resource, for cursors
    bool more_after = false;   // rows follow the last one
    bool more_before = false;  // rows precede the first one
};

/// One page of the tenant's resources in `table`, ordered by the sort key then id (so the order is total and
/// stable). A keyset page costs the same wherever it is in the set: the condition seeks in the order's index.
/// `tx` must be a transaction when list_needs_transaction() says so: such a page sets how it is planned for the rest
/// of the transaction.
ListPage list_resources(pqxx::transaction_base& tx, ResourceTable const& table, std::string const& tenant_id,
                        ListQuery const& query);

/// Whether list_resources needs a real transaction for `query` (an unfiltered page or a page of a group's users);
/// other pages can be read without one, saving its two round trips.
bool list_needs_transaction(ResourceTable const& table, ListQuery const& query);

}  // namespace storage
