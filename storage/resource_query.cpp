// List queries.
#include "storage/resource_query.hpp"

#include <algorithm>
#include <variant>

#include <boost/json/parse.hpp>
#include <pqxx/pqxx>

#include "storage/detail/rows.hpp"
#include "storage/detail/statements.hpp"
#include "storage/group_repository.hpp"

namespace storage {
namespace {

// Rows strictly after `key` in the order "sort key (ascending: NULL last), then id", or in its exact
// reverse when `descending`.
std::string after_condition(SortKey const& sort, std::string const& id_column, std::string_view id_type,
                            Keyset const& key, bool descending, SqlParameters& params) {
    auto const s = sort.expression;
    auto const id = params.add(key.id) + "::" + std::string(id_type);
    char const* beyond = descending ? " < " : " > ";
    if (!key.sort_value) {
        // After a NULL key: ascending, only later NULLs; descending, later NULLs and every non-NULL.
        return descending ? "((" + s + ") IS NOT NULL OR " + id_column + " < " + id + ")"
                          : "((" + s + ") IS NULL AND " + id_column + " > " + id + ")";
    }
    auto const k = params.add(*key.sort_value) + "::" + sort.sql_type;
    auto const row_order = "(" + s + ", " + id_column + ")" + beyond + "(" + k + ", " + id + ")";
    if (!sort.nullable) return row_order;  // a row comparison: an index range scan
    return "(" + row_order + (descending ? "" : " OR (" + s + ") IS NULL") + ")";
}

// The stored document, or only the members a projection can use.
std::string document_sql(std::string const& alias, scim::StoredMembers const& members) {
    auto const document = alias + ".data";
    if (!members.only.empty()) {
        std::string out = "jsonb_strip_nulls(jsonb_build_object(";
        for (std::size_t i = 0; i < members.only.size(); ++i)
            out += (i ? ", " : "") + sql_key(members.only[i]) + ", " + document + "->" + sql_key(members.only[i]);
        return out + "))";
    }
    std::string out = document;
    for (auto const& name : members.without) out = "(" + out + " - " + sql_key(name) + ")";
    return out;
}

// The group of a users list whose whole filter is `groups.value eq "<group id>"` with no sortBy: the way clients
// are told to page a group's members, read from the group's memberships in member order.
std::optional<std::string> members_page_group(ResourceTable const& table, ListQuery const& query) {
    if (!query.filter || query.sort || table.groups_attribute.empty()) return std::nullopt;
    auto const* c = std::get_if<scim::BoundComparison>(&query.filter->node);
    if (!c || c->op != scim::CompareOp::eq || c->path.is_common() || c->path.in_extension ||
        c->path.attribute->name != table.groups_attribute)
        return std::nullopt;
    if (c->path.sub_attribute && c->path.sub_attribute->name != "value") return std::nullopt;
    if (!c->value.is_string() || !is_uuid(c->value.get_string())) return std::nullopt;
    return std::string(c->value.get_string());
}

// The group and every group nested in it, found through the group-in-group memberships only (UNION stops at
// cycles): a recursive CTE named `nested`.
std::string nested_groups_cte(std::string const& tenant, std::string const& group) {
    return "WITH RECURSIVE nested(id) AS (SELECT " + group +
           " UNION SELECT m.member_id FROM group_members m JOIN nested n ON m.tenant_id = " + tenant +
           " AND m.group_id = n.id WHERE m.member_type = 'Group') ";
}

}  // namespace

bool list_needs_transaction(ResourceTable const& table, ListQuery const& query) {
    return !query.filter || members_page_group(table, query).has_value();
}

ListPage list_resources(pqxx::transaction_base& tx, ResourceTable const& table, std::string const& tenant_id,
                        ListQuery const& query) {
    std::string const alias(table.alias);
    std::string const id_column = alias + ".id";
    auto const sort = query.sort ? *query.sort : default_sort_key(table);
    std::string const from = " FROM " + std::string(table.name) + " " + alias + " WHERE ";
    SqlParameters params;
    auto const tenant_parameter = params.add(tenant_id) + "::uuid";

    bool const backwards = query.before.has_value();
    bool const descending = query.descending != backwards;  // a previous page is read in reverse, then flipped
    auto const direction = descending ? " DESC" : " ASC";
    auto const columns = "SELECT " + alias + ".id, " + document_sql(alias, query.members) + "::text AS document, " +
                         alias + ".version, " + detail::rfc3339_sql(alias + ".created_at") + " AS created, " +
                         detail::rfc3339_sql(alias + ".modified_at") + " AS modified, ";
    auto const limit = " LIMIT " + std::to_string(query.count + 1) +
                       (query.offset > 0 ? " OFFSET " + std::to_string(query.offset) : "");

    auto const group = members_page_group(table, query);
    std::string matches = alias + ".tenant_id = " + tenant_parameter;  // the rows a filtered count counts
    std::vector<std::string> match_params;
    std::string sql;
    if (group) {
        // Ordered by member id, each group's memberships read in order from the primary key, at most as many as
        // the page can use; each user then found by its id. A page costs the same in a group of 10 or of 100,000.
        auto const group_id = params.add(*group) + "::uuid";
        auto const key = query.after ? query.after : query.before;
        auto const seek =
            key ? " AND member_id " + std::string(descending ? "< " : "> ") + params.add(key->id) + "::uuid"
                : std::string();
        auto const ids =
            "SELECT DISTINCT x.member_id AS id FROM nested g CROSS JOIN LATERAL (SELECT member_id FROM "
            "group_members WHERE tenant_id = " +
            tenant_parameter + " AND group_id = g.id AND member_type = 'User'" + seek + " ORDER BY member_id" +
            direction + " LIMIT " + std::to_string(query.offset + query.count + 1) + ") x ORDER BY 1" + direction +
            limit;
        sql = nested_groups_cte(tenant_parameter, group_id) + ", ids AS (" + ids + ") " + columns + alias +
              ".id::text AS sort_value FROM ids CROSS JOIN LATERAL (SELECT * FROM " + std::string(table.name) +
              " WHERE tenant_id = " + tenant_parameter + " AND id = ids.id OFFSET 0) " + alias + " ORDER BY " +
              id_column + direction;
    } else {
        if (query.filter) matches += " AND " + filter_sql(*query.filter, table, params);
        match_params = params.values();  // the count query takes these; keyset parameters come after
        std::string where = matches;
        if (query.after)
            where += " AND " + after_condition(sort, id_column, table.id_type, *query.after, descending, params);
        if (query.before)
            where += " AND " + after_condition(sort, id_column, table.id_type, *query.before, descending, params);
        sql = columns + "(" + sort.expression + ")::text AS sort_value" + from + where + " ORDER BY " +
              sort.expression + direction + ", " + id_column + direction + limit;
    }
    // The groups of the page's users only, not of the rows an OFFSET skips: computed over the page, in its order.
    if (query.user_groups)
        sql = "SELECT page.*, " + user_groups_sql(tenant_parameter, "page.id") + " FROM (" + sql + ") page";
    // Without a filter the page is a walk of the order's index, whatever the size of the tenant. The planner only
    // knows that when its statistics show the tenant as large; when they do not (a tenant loaded since the last
    // ANALYZE, one of many in a shared table), it sorts every row of the tenant for each page. A group's page reads
    // each membership list in order the same way.
    if (!query.filter || group) detail::exec_sql(tx, "SET LOCAL enable_sort = off");
    auto const rows = detail::exec_sql(tx, sql, pqxx::prepare::make_dynamic_params(params.values()));

    ListPage page;
    auto const n = std::min<std::size_t>(rows.size(), static_cast<std::size_t>(std::max<std::int64_t>(query.count, 0)));
    bool const more = rows.size() > n;
    for (std::size_t i = 0; i < n; ++i) {
        auto const& row = rows[static_cast<pqxx::result::size_type>(i)];
        page.resources.push_back({row[0].as<std::string>(), boost::json::parse(row[1].c_str()).as_object(),
                                  row[2].as<std::int64_t>(), row[3].as<std::string>(), row[4].as<std::string>(),
                                  std::nullopt});
        if (query.user_groups) page.resources.back().user_groups = row[6].as<std::string>();
        page.keys.push_back({row[5].is_null() ? std::nullopt : std::optional<std::string>(row[5].as<std::string>()),
                             row[0].as<std::string>()});
    }
    if (backwards) {
        std::reverse(page.resources.begin(), page.resources.end());
        std::reverse(page.keys.begin(), page.keys.end());
        page.more_before = more;
        page.more_after = true;
    } else {
        page.more_after = more;
        page.more_before = query.after.has_value() || query.offset > 0;
    }
    if (!query.count_total) return page;
    if (!more && !backwards && !query.after && (n > 0 || query.offset == 0)) {
        page.total = query.offset + static_cast<std::int64_t>(n);  // the last page: the count is known
    } else if (group) {
        // A group without nested groups: its counters. With them: its users counted once, whichever groups they
        // are in (only the branch the CASE takes runs).
        page.total = detail::exec_sql1(tx,
                                       nested_groups_cte("$1::uuid", "$2::uuid") +
                                           "SELECT CASE WHEN (SELECT count(*) FROM nested) = 1 THEN "
                                           "(SELECT coalesce(sum(n), 0) FROM group_user_counts "
                                           "WHERE tenant_id = $1 AND group_id = $2) "
                                           "ELSE (SELECT count(DISTINCT m.member_id) FROM group_members m "
                                           "WHERE m.tenant_id = $1 AND m.group_id IN (SELECT id FROM nested) "
                                           "AND m.member_type = 'User') END::bigint",
                                       tenant_id, *group)[0]
                         .as<std::int64_t>();
    } else if (!query.filter && table.counted) {
        page.total = detail::exec_sql1(tx,
                                       "SELECT coalesce(sum(n), 0)::bigint FROM resource_counts "
                                       "WHERE tenant_id = $1 AND resource_type = $2",
                                       tenant_id, std::string(table.resource_type))[0]
                         .as<std::int64_t>();
    } else {
        page.total = detail::exec_sql1(tx, "SELECT count(*)" + from + matches,
                                       pqxx::prepare::make_dynamic_params(match_params))[0]
                         .as<std::int64_t>();
    }
    return page;
}

}  // namespace storage
