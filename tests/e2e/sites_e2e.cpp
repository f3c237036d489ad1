// Sites from the command line: scimd site create | list.
#include <doctest/doctest.h>

#include "tests/e2e/e2e_fixture.hpp"

TEST_CASE("scimd site create and site list keep a tenant's sites apart from another's") {
    E2E e;
    auto const created = run_scimd({"site", "create", "London", "--tenant", "acme", "--site-code", "44",
                                    "--extension-length", "4", "--locale", "en-GB", "--timezone", "Europe/London"},
                                   e.db.url());
    REQUIRE_MESSAGE(created.exit_code == 0, created.err);
    CHECK(created.err.find("created site London") != std::string::npos);
    CHECK(run_scimd({"site", "create", "Austin", "--tenant", "acme", "--site-code", "2"}, e.db.url()).exit_code == 0);
    auto const listed = run_scimd({"site", "list", "--tenant", "acme"}, e.db.url());
    CHECK(listed.exit_code == 0);
    CHECK(listed.out == "Austin\t2\t4\t\t\nLondon\t44\t4\ten-GB\tEurope/London\nMain\t1\t4\t\t\n");
    CHECK(run_scimd({"site", "list", "--tenant", "beta"}, e.db.url()).out == "Main\t1\t4\t\t\n");

    auto const taken = run_scimd({"site", "create", "Paris", "--tenant", "acme", "--site-code", "44"}, e.db.url());
    CHECK(taken.exit_code == 1);
    CHECK(taken.err.find("siteCode \"44\"") != std::string::npos);
    auto const too_long = run_scimd({"site", "create", "Big", "--tenant", "acme", "--site-code", "1234567",
                                     "--extension-length", "4"}, e.db.url());
    CHECK(too_long.exit_code == 1);
    CHECK(too_long.err.find("longer than 10 digits") != std::string::npos);
    CHECK(run_scimd({"site", "create", "NoCode", "--tenant", "acme"}, e.db.url()).exit_code == 2);
    CHECK(run_scimd({"site", "create", "X", "--tenant", "nobody", "--site-code", "9"}, e.db.url()).exit_code == 1);
    CHECK(run_scimd({"site", "list", "--tenant", "acme"}, e.db.url()).out == listed.out);
}
