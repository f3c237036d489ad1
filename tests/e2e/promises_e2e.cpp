// What the README promises and no other test checks: /Me PUT, conditional requests on groups, sites and licences,
// site replacements carrying users, a user's own locale, the tenant, number and CSV commands with their options,
// the serve flags, graceful SIGINT, the idle timeout, and the default token cache.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <thread>

#include <boost/json/serialize.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <pqxx/pqxx>

#include "tests/e2e/e2e_fixture.hpp"
#include "tests/support/raw_connection.hpp"

namespace {

std::string encode(std::string_view text) { return boost::urls::encode(text, boost::urls::unreserved_chars); }

std::string patch_body(std::string const& operations) {
    return R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":)" + operations + "}";
}

constexpr char const* directory = "urn:ietf:params:scim:schemas:extension:8x8:1.1:User";

std::string user_token(E2E& e, std::string const& user_name) {
    auto token = run_scimd({"token", "issue", "--tenant", "acme", "--user", user_name}, e.db.url()).out;
    token.pop_back();
    return token;
}

}  // namespace

TEST_CASE("PUT /Me replaces what the person owns of themselves") {
    E2E e;
    auto const id = e.create_user("me@x.com", R"(,"title":"Old")");
    auto const token = user_token(e, "me@x.com");
    auto const me = e.call("GET", "/scim/v2/Me", "", token).json();
    auto body = me.as_object();
    body["title"] = "New";
    body["name"] = boost::json::object{{"givenName", "Me"}};
    auto const put =
        e.call("PUT", "/scim/v2/Me", boost::json::serialize(body), token, {{"Content-Type", "application/scim+json"}});
    REQUIRE_MESSAGE(put.status == 200, put.body);
    CHECK(put.json().at("title") == "New");
    CHECK(e.get("/scim/v2/Users/" + id).json().at("name").at("givenName") == "Me");
    CHECK(e.call("DELETE", "/scim/v2/Me", "", token).status == 403);  // a person does not delete themselves
}

TEST_CASE("If-None-Match and If-Match work on groups, sites and licences as on users") {
    E2E e;
    e.admin({"license", "set", "--tenant", "acme", "--type", "X4", "--capacity", "5"});
    auto const group =
        e.post("/scim/v2/Groups", R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G"})");
    auto const site =
        e.post("/scim/v2/Sites",
               R"({"schemas":["urn:8x8:scim:schemas:1.1:Site"],"name":"Paris","siteCode":"33","extensionLength":4})");
    REQUIRE(group.status == 201);
    REQUIRE(site.status == 201);
    for (auto const& location : {"/scim/v2/Groups/" + std::string(group.json().at("id").as_string()),
                                 "/scim/v2/Sites/" + std::string(site.json().at("id").as_string())}) {
        CAPTURE(location);
        auto const current = e.get(location);
        auto const etag = current.header("ETag");
        CHECK(etag == "W/\"1\"");
        CHECK(e.get(location, {{"If-None-Match", etag}}).status == 304);
        CHECK(e.get(location, {{"If-None-Match", "W/\"9\""}}).status == 200);
        auto const stale =
            e.call("PATCH", location, patch_body(R"([{"op":"replace","path":"displayName","value":"x"}])"),
                   e.acme.write_token, {{"Content-Type", "application/scim+json"}, {"If-Match", "W/\"9\""}});
        CHECK(stale.status == 412);
        CHECK(e.del(location, {{"If-Match", "W/\"9\""}}).status == 412);
        CHECK(e.get(location).header("ETag") == etag);  // nothing changed
    }
    auto const pool = e.get("/scim/v2/Licenses/X4");
    REQUIRE(pool.status == 200);
    CHECK(e.get("/scim/v2/Licenses/X4", {{"If-None-Match", pool.header("ETag")}}).status == 304);
}

TEST_CASE("PUT /Sites with a new site code carries its users' fully qualified extensions along") {
    E2E e;
    e.admin({"license", "set", "--tenant", "acme", "--type", "X4", "--capacity", "5"});
    auto const site = e.post(
        "/scim/v2/Sites",
        R"({"schemas":["urn:8x8:scim:schemas:1.1:Site"],"name":"Paris","siteCode":"33","extensionLength":4,"locale":"fr-FR"})");
    REQUIRE(site.status == 201);
    auto const site_id = std::string(site.json().at("id").as_string());
    auto const licensed = e.create_user(
        "l@x.com", R"(,"urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"site":"Paris","licenses":["X4"]})");
    auto const own_locale = e.create_user(
        "o@x.com", R"(,"locale":"de-DE","urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"site":"Paris"})");
    CHECK(e.get("/scim/v2/Users/" + licensed).json().at(directory).at("fqExtensionNumber") == "331000");
    auto const put = e.put(
        "/scim/v2/Sites/" + site_id,
        R"({"schemas":["urn:8x8:scim:schemas:1.1:Site"],"name":"Paris","siteCode":"34","extensionLength":4,"locale":"fr-BE"})");
    REQUIRE_MESSAGE(put.status == 200, put.body);
    CHECK(put.json().at("siteCode") == "34");
    auto const moved = e.get("/scim/v2/Users/" + licensed).json();
    CHECK(moved.at(directory).at("fqExtensionNumber") == "341000");
    CHECK(moved.at("locale") == "fr-BE");  // inherited from the site, so it follows it
    CHECK(e.get("/scim/v2/Users/" + own_locale).json().at("locale") == "de-DE");  // the user's own wins
}

TEST_CASE("tenant, number and purge commands do what their help says") {
    E2E e;
    e.admin({"tenant", "create", "gamma", "--domain", "gamma.example"});
    auto const list = e.admin({"tenant", "list"});
    CHECK(list.find("acme\n") != std::string::npos);
    CHECK(list.find("gamma\n") != std::string::npos);
    auto const gamma = issue_token(e.db.url(), "gamma", "write", "g");
    auto const created =
        e.call("POST", "/scim/v2/Users", std::string("{") + core_user_schema + R"(,"userName":"nomail"})", gamma,
               {{"Content-Type", "application/scim+json"}});
    REQUIRE(created.status == 201);
    CHECK(created.json().at("emails").at(0).at("value") == "noreply@gamma.example");

    e.admin({"number", "claim", "--tenant", "acme", "+442071234500,+442071234501"});
    e.admin({"license", "set", "--tenant", "acme", "--type", "X4", "--capacity", "5"});
    e.create_user(
        "holder@x.com",
        R"(,"urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"licenses":["X4"],"didNumbers":["+442071234500"]})");
    auto const held = run_scimd({"number", "release", "--tenant", "acme", "+442071234500"}, e.db.url());
    CHECK(held.exit_code == 1);
    CHECK(held.err.find("held by holder@x.com") != std::string::npos);
    e.admin({"number", "release", "--tenant", "acme", "+442071234501"});
    CHECK(e.admin({"number", "list", "--tenant", "acme"}) == "+442071234500\tholder@x.com\n");

    e.admin({"user", "purge", "--tenant", "acme", "--user", "holder@x.com"});
    CHECK(e.count_users("acme") == 0);
    CHECK(e.admin({"number", "list", "--tenant", "acme"}) == "+442071234500\tfree\n");
    CHECK(run_scimd({"user", "purge", "--tenant", "acme", "--user", "holder@x.com"}, e.db.url()).exit_code == 1);
}

TEST_CASE("the CSV commands read standard input, name users after --company, and write --output") {
    E2E e;
    auto const imported =
        run_scimd_with_input({"import-csv", "--tenant", "acme", "--company", "Initech", "-"}, e.db.url(),
                             "User.FirstName,User.LastName,User.Email,User.Site\nPeter,Gibbons,p@x.com,Main\n");
    REQUIRE_MESSAGE(imported.exit_code == 0, imported.err);
    CHECK(imported.out.find("\tInitech.Peter.Gibbons\t") != std::string::npos);
    auto const over_http = e.call("POST", "/scim/v2/Users/.import?company=Initrode",
                                  "User.FirstName,User.LastName,User.Email,User.Site\nBill,Lumbergh,b@x.com,Main\n",
                                  e.acme.write_token, {{"Content-Type", "text/csv"}});
    REQUIRE(over_http.status == 200);
    CHECK(over_http.json().at("users").at(0).at("userName") == "Initrode.Bill.Lumbergh");
    auto const file = std::string("/tmp/scimd-export-") + e.db.schema() + ".csv";
    e.admin({"export-csv", "--tenant", "acme", "--output", file, "--filter", "name.familyName eq \"Gibbons\""});
    std::ifstream in(file);
    std::string const text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::remove(file.c_str());
    CHECK(text.find("Peter,Gibbons,p@x.com,Main,Initech.Peter.Gibbons") != std::string::npos);
    CHECK(text.find("Lumbergh") == std::string::npos);
}

TEST_CASE("serve's flags: --database-url, --public-url and --import-max-bytes") {
    TestDatabase db;
    auto const by_flag = run_scimd({"tenant", "create", "delta", "--database-url", db.url()}, "");
    CHECK(by_flag.exit_code == 0);
    auto const token = issue_token(db.url(), "delta", "write", "w");
    ScimdServer server(db.url(), {true, {"--public-url", "https://scim.example.com/", "--import-max-bytes", "1024"}});
    HttpsClient client(server.port(), true);
    auto const created =
        client.request("POST", "/scim/v2/Users", std::string("{") + core_user_schema + R"(,"userName":"u"})",
                       {{"Authorization", "Bearer " + token}, {"Content-Type", "application/scim+json"}});
    REQUIRE(created.status == 201);
    CHECK(created.header("Location").starts_with("https://scim.example.com/scim/v2/Users/"));
    HttpsClient upload(server.port(), true);
    auto const big =
        upload.request("POST", "/scim/v2/Users/.import",
                       "User.FirstName,User.LastName,User.Email,User.Site\n" + std::string(2000, 'x') + "\n",
                       {{"Authorization", "Bearer " + token}, {"Content-Type", "text/csv"}});
    CHECK(big.status == 413);
}

TEST_CASE("SIGINT lets a request in flight finish before scimd exits") {
    E2E e;
    {
        pqxx::work tx(e.db.connection());
        tx.exec(
            "CREATE FUNCTION slow_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            " IF NEW.data ->> 'userName' = 'slow@x.com' THEN PERFORM pg_sleep(1); END IF; RETURN NEW; END $$;"
            "CREATE TRIGGER slow_insert BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION slow_insert()");
        tx.commit();
    }
    auto const port = e.server->port();
    auto const token = e.acme.write_token;
    auto pending = std::async(std::launch::async, [port, token] {
        HttpsClient client(port, true);
        return client
            .request("POST", "/scim/v2/Users", std::string("{") + core_user_schema + R"(,"userName":"slow@x.com"})",
                     {{"Authorization", "Bearer " + token}, {"Content-Type", "application/scim+json"}})
            .status;
    });
    // Until the request is in its trigger's sleep, as another session sees it.
    bool sleeping = false;
    for (int i = 0; i < 200 && !sleeping; ++i) {
        pqxx::read_transaction tx(e.db.connection());
        sleeping = tx.exec1(
                         "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'"
                         " AND query LIKE '%INSERT INTO users%'")[0]
                       .as<int>() > 0;
        if (!sleeping) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    REQUIRE(sleeping);
    CHECK(e.server->stop(SIGINT) == 0);
    CHECK(pending.get() == 201);
    CHECK(e.count_users("acme") == 1);
}

TEST_CASE("a kept-alive connection that sends nothing is closed after --idle-timeout") {
    E2E e({false, {"--idle-timeout", "1"}});
    RawConnection c(e.server->port());
    c.read_until_closed(std::chrono::milliseconds(5000));  // the default would keep it 60 s
    CHECK(c.closed());
}

TEST_CASE("with the default token cache, a client's whole cycle works") {
    E2E e({true, {"--token-cache-ms", "5000"}});
    auto const id = e.create_user("cached@x.com");
    CHECK(e.call("PATCH", "/scim/v2/Users/" + id, patch_body(R"([{"op":"replace","path":"active","value":false}])"),
                 e.acme.write_token, {{"Content-Type", "application/scim+json"}})
              .status == 200);
    CHECK(e.get("/scim/v2/Users?filter=" + encode("active eq false")).json().at("totalResults") == 1);
    CHECK(e.call("GET", "/scim/v2/Users", "", "not-a-token").status == 401);
    CHECK(e.call("GET", "/scim/v2/Users", "", "not-a-token").status == 401);  // remembered as unknown
    CHECK(e.del("/scim/v2/Users/" + id).status == 204);
}
