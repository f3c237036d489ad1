#include "storage/site_repository.hpp"

#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include "tests/support/expect_error.hpp"
#include "tests/support/test_database.hpp"

TEST_CASE("sites are created with their dial plan and listed per tenant") {
    TestDatabase db;
    auto const acme = db.create_tenant("Acme");
    auto const beta = db.create_tenant("Beta");
    pqxx::work tx(db.connection());
    storage::SiteRepository sites(tx, {acme});
    auto const london = sites.create({"", "London", "44", 4, "en-GB", "Europe/London", {}});
    CHECK(london.extension_length == 4);
    sites.create({"", "Austin", "2", 5, "", "", {}});
    REQUIRE(sites.list().size() == 3);  // with the first site, Main
    CHECK(sites.list()[0].name == "Austin");
    CHECK(sites.find_by_name("London")->timezone == "Europe/London");
    CHECK_FALSE(sites.find_by_name("london"));                      // names match exactly
    CHECK(storage::SiteRepository(tx, {beta}).list().size() == 1);  // only its own first site
}

TEST_CASE("site names and site codes are unique per tenant, and a dial plan has at most 10 digits") {
    TestDatabase db;
    auto const acme = db.create_tenant("Acme");
    auto const beta = db.create_tenant("Beta");
    {
        pqxx::work tx(db.connection());
        storage::SiteRepository(tx, {acme}).create({"", "London", "44", 4, "", "", {}});
        tx.commit();
    }
    auto const refused = [&](storage::Site const& site) {
        return expect_error([&] {
            pqxx::work tx(db.connection());
            storage::SiteRepository(tx, {acme}).create(site);
        });
    };
    auto const taken_name = refused({"", "London", "45", 4, "", "", {}});
    CHECK(taken_name.status() == 409);
    CHECK(taken_name.detail().find("London") != std::string::npos);
    auto const taken_code = refused({"", "Paris", "44", 4, "", "", {}});
    CHECK(taken_code.status() == 409);
    CHECK(taken_code.detail().find("siteCode") != std::string::npos);
    CHECK(refused({"", "Long", "1234567", 4, "", "", {}}).status() == 400);
    CHECK(refused({"", "Letters", "4a", 4, "", "", {}}).status() == 400);
    CHECK(refused({"", " ", "9", 4, "", "", {}}).status() == 400);
    pqxx::work tx(db.connection());
    CHECK(storage::SiteRepository(tx, {beta}).create({"", "London", "44", 4, "", "", {}}).name == "London");
    CHECK(storage::SiteRepository(tx, {acme}).list().size() == 2);  // London and the first site, Main
}
