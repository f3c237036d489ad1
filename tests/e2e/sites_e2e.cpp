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
    auto const too_long = run_scimd(
        {"site", "create", "Big", "--tenant", "acme", "--site-code", "1234567", "--extension-length", "4"}, e.db.url());
    CHECK(too_long.exit_code == 1);
    CHECK(too_long.err.find("longer than 10 digits") != std::string::npos);
    CHECK(run_scimd({"site", "create", "NoCode", "--tenant", "acme"}, e.db.url()).exit_code == 2);
    CHECK(run_scimd({"site", "create", "X", "--tenant", "nobody", "--site-code", "9"}, e.db.url()).exit_code == 1);
    CHECK(run_scimd({"site", "list", "--tenant", "acme"}, e.db.url()).out == listed.out);
}

namespace {

constexpr char const* site_schema = R"("schemas":["urn:8x8:scim:schemas:1.1:Site"])";
constexpr char const* directory_urn = "urn:ietf:params:scim:schemas:extension:8x8:1.1:User";

std::string site_body(std::string const& members) { return std::string("{") + site_schema + "," + members + "}"; }

}  // namespace

TEST_CASE("admins manage sites over SCIM: create, read, list with a filter, replace, patch, and delete") {
    E2E e;
    auto const created =
        e.post("/scim/v2/Sites", site_body(R"("name":"London","siteCode":"44","extensionLength":4,)"
                                           R"("locale":"en-GB","timezone":"Europe/London",)"
                                           R"("emergencyAddress":{"streetAddress":"1 Main St","country":"GB"})"));
    REQUIRE(created.status == 201);
    auto const site = created.json();
    auto const id = std::string(site.at("id").as_string());
    CHECK(created.header("Location") == std::string(site.at("meta").at("location").as_string()));
    CHECK(site.at("meta").at("resourceType") == "Site");
    CHECK(site.at("emergencyAddress").at("country") == "GB");
    CHECK(e.get("/scim/v2/Sites/" + id).json().at("siteCode") == "44");

    auto const listed = e.get("/scim/v2/Sites?filter=siteCode%20eq%20%2244%22");
    REQUIRE(listed.status == 200);
    CHECK(listed.json().at("totalResults") == 1);
    CHECK(e.get("/scim/v2/Sites").json().at("totalResults") == 2);  // and the first site, Main

    // Errors: a taken name or code, a bad dial plan, a read token.
    CHECK(e.post("/scim/v2/Sites", site_body(R"("name":"London","siteCode":"45","extensionLength":4)")).status == 409);
    CHECK(e.post("/scim/v2/Sites", site_body(R"("name":"Leeds","siteCode":"44","extensionLength":4)")).status == 409);
    auto const too_long =
        e.post("/scim/v2/Sites", site_body(R"("name":"Big","siteCode":"1234567","extensionLength":4)"));
    CHECK(too_long.status == 400);
    CHECK(e.post("/scim/v2/Sites", site_body(R"("name":"NoCode","extensionLength":4)")).status == 400);
    CHECK(e.call("POST", "/scim/v2/Sites", site_body(R"("name":"R","siteCode":"7","extensionLength":4)"),
                 e.acme.read_token, {{"Content-Type", "application/scim+json"}})
              .status == 403);
    CHECK(e.call("GET", "/scim/v2/Sites/" + id, "", e.beta.write_token).status == 404);  // another tenant's

    // A user at the site; renaming the site and changing its locale carry the user along.
    auto const user = e.post("/scim/v2/Users", std::string("{") + core_user_schema + R"(,"userName":"ann",")" +
                                                   directory_urn + R"(":{"site":"London"}})");
    REQUIRE(user.status == 201);
    auto const user_id = std::string(user.json().at("id").as_string());
    auto const patched =
        e.call("PATCH", "/scim/v2/Sites/" + id,
               R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[)"
               R"({"op":"replace","value":{"name":"London HQ","locale":"en-IE"}}]})",
               e.acme.write_token, {{"Content-Type", "application/scim+json"}, {"If-Match", "W/\"1\""}});
    REQUIRE(patched.status == 200);
    CHECK(patched.json().at("name") == "London HQ");
    auto const moved = e.get("/scim/v2/Users/" + user_id).json();
    CHECK(moved.at(directory_urn).at("site") == "London HQ");
    CHECK(moved.at("locale") == "en-IE");
    CHECK(moved.at("meta").at("version") == "W/\"2\"");

    // A stale version and a site with users cannot be deleted.
    CHECK(e.del("/scim/v2/Sites/" + id, {{"If-Match", "W/\"1\""}}).status == 412);
    auto const refused = e.del("/scim/v2/Sites/" + id);
    CHECK(refused.status == 409);
    CHECK(std::string(refused.json().at("detail").as_string()).find("has 1 user") != std::string::npos);
    REQUIRE(e.del("/scim/v2/Users/" + user_id).status == 204);
    CHECK(e.del("/scim/v2/Sites/" + id).status == 204);
    CHECK(e.get("/scim/v2/Sites/" + id).status == 404);

    auto const types = e.get("/scim/v2/ResourceTypes/Site").json();
    CHECK(types.at("endpoint") == "/Sites");
    CHECK(e.get("/scim/v2/Schemas/urn:8x8:scim:schemas:1.1:Site").status == 200);
}

TEST_CASE("licence pools are readable over SCIM and read-only there") {
    E2E e;
    e.admin({"license", "set", "--tenant", "acme", "--type", "X4", "--capacity", "5"});
    e.admin({"license", "set", "--tenant", "acme", "--type", "VCC Agent", "--capacity", "2"});
    REQUIRE(e.post("/scim/v2/Users", std::string("{") + core_user_schema + R"(,"userName":"ann",")" + directory_urn +
                                         R"(":{"licenses":["X4"]}})")
                .status == 201);
    auto const listed = e.get("/scim/v2/Licenses?sortBy=licenseType");
    REQUIRE(listed.status == 200);
    auto const body = listed.json();
    CHECK(body.at("totalResults") == 2);
    auto const x4 = e.get("/scim/v2/Licenses/X4").json();
    CHECK(x4.at("capacity") == 5);
    CHECK(x4.at("assigned") == 1);
    CHECK(x4.at("available") == 4);
    CHECK(e.get("/scim/v2/Licenses/VCC%20Agent").json().at("assigned") == 0);
    CHECK(e.get("/scim/v2/Licenses/X9").status == 404);
    CHECK(e.call("GET", "/scim/v2/Licenses", "", e.beta.write_token).json().at("totalResults") == 0);
    CHECK(e.post("/scim/v2/Licenses", "{}").status == 405);
    CHECK(e.del("/scim/v2/Licenses/X4").status == 405);
}

TEST_CASE("a bulk creates a site and users in it, in dependency order") {
    E2E e;
    e.admin({"license", "set", "--tenant", "acme", "--type", "X4", "--capacity", "5"});
    std::string const body =
        std::string(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[)") +
        R"({"method":"POST","path":"/Sites","bulkId":"s","data":{"schemas":["urn:8x8:scim:schemas:1.1:Site"],)"
        R"("name":"Oslo","siteCode":"47","extensionLength":3}},)" +
        R"({"method":"POST","path":"/Users","bulkId":"u","data":{)" + core_user_schema + R"(,"userName":"olga",")" +
        directory_urn + R"(":{"site":"Oslo","licenses":["X4"]}}}]})";
    auto const r = e.post("/scim/v2/Bulk", body);
    REQUIRE(r.status == 200);
    auto const ops = r.json().at("Operations").as_array();
    REQUIRE(ops.size() == 2);
    CHECK(ops[0].at("status") == "201");
    CHECK(ops[1].at("status") == "201");
    auto const olga = e.get("/scim/v2/Users?filter=userName%20eq%20%22olga%22").json().at("Resources").at(0);
    CHECK(olga.at(directory_urn).at("fqExtensionNumber") == "47100");
}
