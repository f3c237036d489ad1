#include "storage/tenant_repository.hpp"
#include "storage/token_repository.hpp"

#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include "tests/support/expect_error.hpp"
#include "tests/support/test_database.hpp"

TEST_CASE("tenant names are unique regardless of case") {
    TestDatabase db;
    db.create_tenant("Acme");
    pqxx::work tx(db.connection());
    storage::TenantRepository tenants(tx);
    CHECK(expect_error([&] { tenants.create("ACME", ""); }).status() == 409);
}

TEST_CASE("tenants are found by name in any case and listed") {
    TestDatabase db;
    auto const id = db.create_tenant("Acme");
    db.create_tenant("Beta");
    pqxx::work tx(db.connection());
    storage::TenantRepository tenants(tx);
    REQUIRE(tenants.find_by_name("acme"));
    CHECK(tenants.find_by_name("acme")->id == id);
    CHECK_FALSE(tenants.find_by_name("gamma"));
    CHECK(tenants.list().size() == 2);
}

TEST_CASE("a token grants its tenant and scope until it is revoked") {
    TestDatabase db;
    auto const tenant = db.create_tenant("Acme");
    pqxx::work tx(db.connection());
    storage::TokenRepository tokens(tx);
    tokens.issue(tenant, "aa11", "okta", storage::TokenScope::write);
    tokens.issue(tenant, "bb22", "reader", storage::TokenScope::read);
    auto const grant = tokens.find_active("aa11");
    REQUIRE(grant);
    CHECK(grant->tenant_id == tenant);
    CHECK(grant->tenant_name == "Acme");
    CHECK(grant->scope == storage::TokenScope::write);
    CHECK(tokens.find_active("bb22")->scope == storage::TokenScope::read);
    CHECK_FALSE(tokens.find_active("cc33"));
    CHECK(tokens.list_active(tenant).size() == 2);

    CHECK(tokens.revoke(tenant, "okta"));
    CHECK_FALSE(tokens.find_active("aa11"));
    CHECK_FALSE(tokens.revoke(tenant, "okta"));
    CHECK(tokens.list_active(tenant).size() == 1);
}

TEST_CASE("a label is unique among a tenant's active tokens, and free again once revoked") {
    TestDatabase db;
    auto const tenant = db.create_tenant("Acme");
    {
        pqxx::work tx(db.connection());
        storage::TokenRepository(tx).issue(tenant, "aa11", "okta", storage::TokenScope::write);
        tx.commit();
    }
    {
        pqxx::work tx(db.connection());
        storage::TokenRepository tokens(tx);
        CHECK(expect_error([&] { tokens.issue(tenant, "bb22", "okta", storage::TokenScope::read); }).status() == 409);
    }
    pqxx::work tx(db.connection());
    storage::TokenRepository tokens(tx);
    CHECK(tokens.revoke(tenant, "okta"));
    tokens.issue(tenant, "bb22", "okta", storage::TokenScope::read);
    CHECK(tokens.find_active("bb22"));
}

TEST_CASE("recording a use marks the token as used recently") {
    TestDatabase db;
    auto const tenant = db.create_tenant("Acme");
    pqxx::work tx(db.connection());
    storage::TokenRepository tokens(tx);
    tokens.issue(tenant, "aa11", "okta", storage::TokenScope::write);
    auto const grant = tokens.find_active("aa11");
    CHECK_FALSE(grant->used_recently);
    tokens.record_use(grant->token_id);
    CHECK(tokens.find_active("aa11")->used_recently);
    CHECK_FALSE(tokens.list_active(tenant)[0].last_used_at.empty());
}
