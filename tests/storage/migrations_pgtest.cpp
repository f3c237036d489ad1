#include "storage/migrations.hpp"

#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include "tests/support/test_database.hpp"

TEST_CASE("migrations are idempotent and report where the database stands") {
    TestDatabase db;
    auto const status = storage::migration_status(db.connection());
    CHECK(status.applied == status.latest);
    CHECK(status.latest >= 1);
    CHECK(storage::migrate(db.connection()).empty());
    pqxx::read_transaction tx(db.connection());
    CHECK(tx.exec1("SELECT count(*) FROM schema_migrations")[0].as<int>() == status.latest);
}

TEST_CASE("an empty schema needs every migration") {
    TestDatabase db;
    {
        pqxx::work tx(db.connection());
        tx.exec("DROP SCHEMA " + tx.quote_name(db.schema()) + " CASCADE");
        tx.exec("CREATE SCHEMA " + tx.quote_name(db.schema()));
        tx.commit();
    }
    CHECK(storage::migration_status(db.connection()).applied == 0);
    CHECK_FALSE(storage::migrate(db.connection()).empty());
    CHECK(storage::migration_status(db.connection()).applied == storage::migration_status(db.connection()).latest);
}
