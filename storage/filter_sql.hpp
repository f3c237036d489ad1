// Bound filters and sort paths -> parameterised SQL over a resource table. Values are always bind parameters.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scim/filter_binding.hpp"

namespace storage {

/// The bind parameters of one statement, numbered after those the statement already has.
class SqlParameters {
public:
    explicit SqlParameters(std::size_t already_bound = 0) : first_(already_bound) {}
    /// Adds a value and returns its placeholder, e.g. "$3".
    std::string add(std::string value);
    std::vector<std::string> const& values() const { return values_; }

private:
    std::size_t first_;
    std::vector<std::string> values_;
};

/// How a resource type is stored: the table's alias in queries, the columns that hold some attributes
/// (derived, indexed copies of the jsonb document), and the multi-valued attributes whose lower-cased
/// `value`s are indexed through scimd_lower_values().
struct ResourceTable {
    struct Column {
        std::string_view path;  // canonical attribute path, e.g. "userName", "meta.lastModified"
        std::string_view sql;   // an expression of the attribute's SQL type, e.g. "r.user_name", "r.created_at"
        bool nullable = true;
    };
    std::string_view resource_type;  // "User"
    std::string_view core_schema;    // its core schema URN
    std::string_view name;           // the table, "users"
    std::string_view alias;          // "r"; the jsonb document is <alias>.data
    std::vector<Column> columns;
    std::vector<std::string_view> indexed_values;  // e.g. "emails": emails.value eq uses a GIN index
    std::string_view members_attribute;            // kept in group_members by group: Group "members"
    std::string_view groups_attribute;             // derived from group_members by member: User "groups"
    std::string_view id_type = "uuid";             // the SQL type of <alias>.id: a cursor's keyset compares to it
    bool counted = true;                           // resource_counts holds its unfiltered totalResults
};

ResourceTable const& users_table();
ResourceTable const& groups_table();
ResourceTable const& sites_table();
ResourceTable const& devices_table();
ResourceTable const& licenses_table();
ResourceTable const& audit_events_table();

/// A jsonb key from the schema (an attribute name or URN) as an SQL string literal.
/// @throws std::logic_error for a quote or backslash, which no schema name has.
std::string sql_key(std::string_view key);

/// A WHERE condition (without "WHERE") equivalent to `filter` on `table`.
std::string filter_sql(scim::BoundFilter const& filter, ResourceTable const& table, SqlParameters& parameters);

/// A sort key: an SQL expression, its SQL type, and whether it can be NULL.
struct SortKey {
    std::string expression;
    std::string sql_type;  // "text", "timestamptz", "numeric", "boolean"
    bool nullable = true;
};

/// The sort key of a sortBy path: case-insensitive strings sort by lower(); a multi-valued complex attribute by
/// its primary (else first) value.
SortKey sort_key(scim::ResolvedPath const& path, ResourceTable const& table);

/// The sort key when the client names none: creation time.
SortKey default_sort_key(ResourceTable const& table);

}  // namespace storage
