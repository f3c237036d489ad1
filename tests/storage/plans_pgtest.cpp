// The hot statements on tables whose statistics were never gathered (a tenant loaded since the last ANALYZE): each
// must read only the rows it needs. Measured with PostgreSQL's own per-transaction row counters.
#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <pqxx/pqxx>

#include "scim/filter_parser.hpp"
#include "storage/group_repository.hpp"
#include "storage/resource_query.hpp"
#include "storage/user_repository.hpp"
#include "tests/support/test_database.hpp"

namespace {

scim::SchemaRegistry const& registry() { return scim::SchemaRegistry::builtin(); }

// 5,000 users, all in one group, inserted without ANALYZE.
struct LoadedTenant {
    TestDatabase db;
    storage::ChangeContext ctx;
    std::string group;
    std::string some_user;

    LoadedTenant() : ctx{db.create_tenant("loaded"), "", "", std::chrono::system_clock::now()} {
        pqxx::work tx(db.connection());
        tx.exec_params(
            "INSERT INTO users (tenant_id, data, created_at, modified_at) "
            "SELECT $1, jsonb_build_object('userName', 'user' || i || '@example.com'), "
            "now() + i * interval '1 ms', now() FROM generate_series(1, 5000) AS i",
            ctx.tenant_id);
        group = tx.exec_params1(
                      "INSERT INTO groups (tenant_id, data, created_at, modified_at) "
                      "VALUES ($1, '{\"displayName\":\"Everyone\"}', now(), now()) RETURNING id::text",
                      ctx.tenant_id)[0]
                    .as<std::string>();
        tx.exec_params(
            "INSERT INTO group_members (tenant_id, group_id, member_id, member_type) "
            "SELECT tenant_id, $2, id, 'User' FROM users WHERE tenant_id = $1",
            ctx.tenant_id, group);
        some_user =
            tx.exec_params1("SELECT id::text FROM users WHERE tenant_id = $1 AND user_name = 'user2500@example.com'",
                            ctx.tenant_id)[0]
                .as<std::string>();
        tx.commit();
    }
};

// Rows this transaction has read from `table` so far, through indexes and by sequential scans.
struct RowsRead {
    long by_index = 0;
    long by_scan = 0;
};
RowsRead rows_read(pqxx::transaction_base& tx, std::string const& table) {
    auto const row = tx.exec_params1(
        "SELECT coalesce(idx_tup_fetch, 0), coalesce(seq_tup_read, 0) FROM pg_stat_xact_user_tables "
        "WHERE relid = $1::regclass",
        table);
    return {row[0].as<long>(), row[1].as<long>()};
}

long index_rows_since(pqxx::transaction_base& tx, std::string const& table, RowsRead before) {
    auto const now = rows_read(tx, table);
    CHECK(now.by_scan == before.by_scan);  // no sequential scan at all
    return now.by_index - before.by_index;
}

}  // namespace

TEST_CASE("without statistics, removing one member of a 5,000-member group reads one membership") {
    LoadedTenant t;
    pqxx::work tx(t.db.connection());
    auto const before = rows_read(tx, "group_members");
    CHECK(storage::GroupRepository(tx, t.ctx).remove_members(t.group, {t.some_user}) == 1);
    CHECK(index_rows_since(tx, "group_members", before) <= 2);
}

TEST_CASE("without statistics, a user is read with its groups from its own memberships only") {
    LoadedTenant t;
    pqxx::work tx(t.db.connection());
    auto const before = rows_read(tx, "group_members");
    auto const user = storage::UserRepository(tx, t.ctx).find_with_groups(t.some_user);
    REQUIRE(user.has_value());
    CHECK(user->user_groups.value_or("").find(t.group) != std::string::npos);
    CHECK(index_rows_since(tx, "group_members", before) <= 2);
}

TEST_CASE("without statistics, a page of users or of a group's users reads about a page of rows") {
    LoadedTenant t;
    auto const bound = scim::bind_filter(scim::parse_filter("groups.value eq \"" + t.group + "\""),
                                         *registry().resource_type("User"), registry());
    for (bool const of_group : {false, true}) {
        CAPTURE(of_group);
        storage::ListQuery query;
        query.filter = of_group ? &bound : nullptr;
        query.count = 100;
        query.user_groups = true;
        pqxx::work tx(t.db.connection());
        auto const users_before = rows_read(tx, "users");
        auto const members_before = rows_read(tx, "group_members");
        auto const first = storage::list_resources(tx, storage::users_table(), t.ctx.tenant_id, query);
        REQUIRE(first.resources.size() == 100);
        CHECK(first.total == 5000);
        query.after = first.keys.back();  // the next page, as a cursor or a remembered startIndex reads it
        auto const second = storage::list_resources(tx, storage::users_table(), t.ctx.tenant_id, query);
        REQUIRE(second.resources.size() == 100);
        CHECK(second.resources.front().id != first.resources.back().id);
        // Two pages of 100 (and the row telling whether more follow), each user's groups, the total's counters.
        CHECK(index_rows_since(tx, "users", users_before) <= 210);
        CHECK(index_rows_since(tx, "group_members", members_before) <= 420);
    }
}
