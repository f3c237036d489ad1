// /Users over HTTPS against the built scimd and a real PostgreSQL.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <pqxx/pqxx>

#include "tests/e2e/e2e_fixture.hpp"
#include "tests/support/race.hpp"

namespace json = boost::json;

namespace {

// The RFC 7643 example user; its manager is a user of the tenant, created first by full_user().
std::string const full_user_template = R"({
  "schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
  "externalId":"701984",
  "userName":"bjensen@example.com",
  "name":{"formatted":"Ms. Barbara J Jensen, III","familyName":"Jensen","givenName":"Barbara","middleName":"Jane",
          "honorificPrefix":"Ms.","honorificSuffix":"III"},
  "displayName":"Babs Jensen","nickName":"Babs","profileUrl":"https://login.example.com/bjensen",
  "emails":[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"}],
  "addresses":[{"type":"work","streetAddress":"100 Universal City Plaza","locality":"Hollywood","region":"CA",
                "postalCode":"91608","country":"USA","formatted":"100 Universal City Plaza\nHollywood, CA 91608 USA",
                "primary":true}],
  "phoneNumbers":[{"value":"555-555-5555","type":"work"},{"value":"555-555-4444","type":"mobile"}],
  "ims":[{"value":"someaimhandle","type":"aim"}],
  "photos":[{"value":"https://photos.example.com/profilephoto/72930000000Ccne/F","type":"photo"}],
  "userType":"Employee","title":"Tour Guide","preferredLanguage":"en-US","locale":"en-US",
  "timezone":"America/Los_Angeles","active":true,"password":"t1meMa$heen",
  "entitlements":[{"value":"phone"}],"roles":[{"value":"guide","primary":true}],
  "x509Certificates":[{"value":"MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMx"}],
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{
    "employeeNumber":"701984","costCenter":"4130","organization":"Universal Studios","division":"Theme Park",
    "department":"Tour Operations","manager":{"value":"MANAGER"}}
})";

std::string full_user(E2E& e) {
    auto body = full_user_template;
    body.replace(body.find("MANAGER"), 7, e.create_user("manager@example.com"));
    return body;
}

}  // namespace

TEST_CASE("POST /Users answers 201 with Location, ETag and full meta, and never returns the password") {
    E2E e;
    auto const r = e.post("/scim/v2/Users", full_user(e));
    REQUIRE_MESSAGE(r.status == 201, r.body);
    CHECK(r.header("Content-Type") == "application/scim+json");
    auto const body = r.json().as_object();
    auto const id = std::string(body.at("id").as_string());
    auto const& meta = body.at("meta").as_object();
    CHECK(meta.at("resourceType") == "User");
    CHECK(meta.at("location").as_string() ==
          "https://127.0.0.1:" + std::to_string(e.server->port()) + "/scim/v2/Users/" + id);
    CHECK(r.header("Location") == meta.at("location").as_string());
    CHECK(r.header("ETag") == meta.at("version").as_string());
    CHECK(meta.at("created") == meta.at("lastModified"));
    CHECK_FALSE(body.contains("password"));
    CHECK(r.body.find("t1meMa$heen") == std::string::npos);

    pqxx::read_transaction tx(e.db.connection());
    auto const hash = tx.exec_params1("SELECT password_hash FROM users WHERE id = $1", id)[0].as<std::string>();
    CHECK(hash.rfind("$pbkdf2-sha256$", 0) == 0);
    CHECK(hash.find("t1meMa$heen") == std::string::npos);
}

TEST_CASE("every core and enterprise attribute comes back as it was sent") {
    E2E e;
    auto const sent_text = full_user(e);
    auto const created = e.post("/scim/v2/Users", sent_text);
    REQUIRE(created.status == 201);
    auto const id = std::string(created.json().at("id").as_string());
    auto const got = e.get("/scim/v2/Users/" + id);
    REQUIRE(got.status == 200);
    auto sent = json::parse(sent_text).as_object();
    sent.erase("password");
    auto body = got.json().as_object();
    // The manager is linked: the server adds its $ref and displayName to the value sent.
    auto& manager = body.at("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User").at("manager").as_object();
    CHECK(manager.at("$ref").as_string().ends_with("/Users/" + std::string(manager.at("value").as_string())));
    CHECK(manager.at("displayName") == "manager@example.com");
    manager.erase("$ref");
    manager.erase("displayName");
    for (auto const& [key, value] : sent) {
        CAPTURE(key);
        if (key == "schemas") continue;  // the response also names the directory extension
        CHECK_MESSAGE(body.at(key) == value, json::serialize(body.at(key)));  // objects compare regardless of order
    }
    CHECK(body.at("schemas") == json::parse(R"(["urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","urn:ietf:params:scim:schemas:extension:8x8:1.1:User"])"));
    // Placed in the tenant's default site as a contact.
    CHECK(body.at("urn:ietf:params:scim:schemas:extension:8x8:1.1:User") ==
          json::parse(
              R"({"site":"Main","directoryScope":"CUSTOMER","displayInDirectory":true,"profileType":"contact"})"));
    CHECK(got.header("ETag") == "W/\"1\"");
}

TEST_CASE("attribute names in any case and Entra's \"False\" are accepted on create") {
    E2E e;
    auto const r =
        e.post("/scim/v2/Users", std::string("{") + core_user_schema +
                                     R"(,"UserName":"Case@x.com","ACTIVE":"False","name":{"GivenName":"A"}})");
    REQUIRE_MESSAGE(r.status == 201, r.body);
    auto const body = r.json().as_object();
    CHECK(body.at("userName") == "Case@x.com");
    CHECK(body.at("active") == false);
    CHECK(body.at("name").at("givenName") == "A");
}

TEST_CASE("a duplicate userName in another case is 409 uniqueness and changes nothing") {
    E2E e;
    e.create_user("JDoe@x.com");
    auto const before = e.users_snapshot();
    auto const r = e.post("/scim/v2/Users", std::string("{") + core_user_schema + R"(,"userName":"jdoe@X.com"})");
    CHECK(r.status == 409);
    CHECK(r.json().at("scimType") == "uniqueness");
    CHECK(r.json().at("status") == "409");
    CHECK(e.users_snapshot() == before);
}

TEST_CASE("concurrent creates of one userName: one 201, the rest 409") {
    E2E e;
    std::atomic<int> created{0}, conflicts{0}, other{0};
    race(
        8, [&] { return HttpsClient(e.server->port(), true); },
        [&](int, HttpsClient& client) {
            auto const r = client.request(
                "POST", "/scim/v2/Users", std::string("{") + core_user_schema + R"(,"userName":"racer"})",
                {{"Authorization", "Bearer " + e.acme.write_token}, {"Content-Type", "application/scim+json"}});
            (r.status == 201 ? created : r.status == 409 ? conflicts : other)++;
        });
    CHECK(created == 1);
    CHECK(conflicts == 7);
    CHECK(other == 0);
    CHECK(e.count_users("acme") == 1);
}

TEST_CASE("GET /Users/{id} of an unknown or malformed id is 404") {
    E2E e;
    for (std::string id : {"00000000-0000-0000-0000-000000000000", "nope", "%27%20or%201=1"}) {
        CAPTURE(id);
        auto const r = e.get("/scim/v2/Users/" + id);
        CHECK(r.status == 404);
        CHECK(r.json().at("status") == "404");
    }
}

TEST_CASE("GET with If-None-Match of the current version is 304") {
    E2E e;
    auto const id = e.create_user("etag");
    CHECK(e.get("/scim/v2/Users/" + id, {{"If-None-Match", "W/\"1\""}}).status == 304);
    CHECK(e.get("/scim/v2/Users/" + id, {{"If-None-Match", "W/\"7\""}}).status == 200);
}

TEST_CASE("PUT replaces what the client owns, keeps id and created, and bumps the version") {
    E2E e;
    e.admin({"site", "create", "London", "--tenant", "acme", "--site-code", "44"});
    e.admin({"license", "set", "--tenant", "acme", "--type", "X4", "--capacity", "5"});
    auto const created =
        e.post("/scim/v2/Users", std::string("{") + core_user_schema +
                                     R"(,"userName":"put","title":"Boss","displayName":"P",)"
                                     R"("urn:ietf:params:scim:schemas:extension:8x8:1.1:User":)"
                                     R"({"site":"London","licenses":["X4"],"extensionNumber":"1001"}})");
    REQUIRE(created.status == 201);
    auto const id = std::string(created.json().at("id").as_string());
    auto const r = e.put("/scim/v2/Users/" + id, std::string("{") + core_user_schema +
                                                     R"(,"id":"ignored","userName":"put2","displayName":"Q",)"
                                                     R"("meta":{"version":"W/\"99\""}})");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto const body = r.json().as_object();
    CHECK(body.at("id").as_string() == id);
    CHECK(body.at("userName") == "put2");
    CHECK(body.at("displayName") == "Q");
    CHECK_FALSE(body.contains("title"));
    CHECK(body.at("meta").at("version") == "W/\"2\"");
    CHECK(r.header("ETag") == "W/\"2\"");
    CHECK(body.at("meta").at("created") == created.json().at("meta").at("created"));
    // The directory assignments the identity provider did not send are kept.
    auto const& directory = body.at("urn:ietf:params:scim:schemas:extension:8x8:1.1:User").as_object();
    CHECK(directory.at("extensionNumber") == "1001");
    CHECK(directory.at("licenses").as_array().size() == 1);
}

TEST_CASE("PUT with a stale If-Match is 412 and changes nothing - the current one succeeds") {
    E2E e;
    auto const id = e.create_user("match");
    auto const body = std::string("{") + core_user_schema + R"(,"userName":"match2"})";
    auto const before = e.users_snapshot();
    auto const stale = e.put("/scim/v2/Users/" + id, body, {{"If-Match", "W/\"5\""}});
    CHECK(stale.status == 412);
    CHECK(e.users_snapshot() == before);
    CHECK(e.put("/scim/v2/Users/" + id, body, {{"If-Match", "W/\"1\""}}).status == 200);
    CHECK(e.put("/scim/v2/Users/" + id, body, {{"If-Match", "W/\"1\""}}).status == 412);
}

TEST_CASE("PUT that repeats the stored user keeps its version") {
    E2E e;
    auto const id = e.create_user("same", R"(,"title":"T")");
    auto const r =
        e.put("/scim/v2/Users/" + id, std::string("{") + core_user_schema + R"(,"userName":"same","title":"T"})");
    REQUIRE(r.status == 200);
    CHECK(r.header("ETag") == "W/\"1\"");
}

TEST_CASE("PUT to another user's userName is 409 and PUT to an unknown id is 404") {
    E2E e;
    e.create_user("taken");
    auto const id = e.create_user("mine");
    auto const before = e.users_snapshot();
    auto const r = e.put("/scim/v2/Users/" + id, std::string("{") + core_user_schema + R"(,"userName":"TAKEN"})");
    CHECK(r.status == 409);
    CHECK(r.json().at("scimType") == "uniqueness");
    CHECK(e.users_snapshot() == before);
    CHECK(e.put("/scim/v2/Users/00000000-0000-0000-0000-000000000000",
                std::string("{") + core_user_schema + R"(,"userName":"x"})")
              .status == 404);
}

TEST_CASE("DELETE answers 204, then the user is gone") {
    E2E e;
    auto const id = e.create_user("gone");
    auto const r = e.del("/scim/v2/Users/" + id);
    CHECK(r.status == 204);
    CHECK(r.body.empty());
    CHECK(e.get("/scim/v2/Users/" + id).status == 404);
    CHECK(e.del("/scim/v2/Users/" + id).status == 404);
    CHECK(e.count_users("acme") == 0);
}

TEST_CASE("DELETE with a stale If-Match is 412 and keeps the user") {
    E2E e;
    auto const id = e.create_user("kept");
    CHECK(e.del("/scim/v2/Users/" + id, {{"If-Match", "W/\"2\""}}).status == 412);
    CHECK(e.count_users("acme") == 1);
    CHECK(e.del("/scim/v2/Users/" + id, {{"If-Match", "W/\"1\""}}).status == 204);
}

TEST_CASE("GET /Users lists the tenant's users page by page with integer counts") {
    E2E e;
    for (int i = 0; i < 5; ++i) e.create_user("page" + std::to_string(i));
    auto const r = e.get("/scim/v2/Users?startIndex=2&count=2");
    REQUIRE(r.status == 200);
    auto const body = r.json().as_object();
    CHECK(body.at("totalResults") == 5);
    CHECK(body.at("itemsPerPage") == 2);
    CHECK(body.at("startIndex") == 2);
    CHECK(body.at("Resources").as_array().at(0).at("userName") == "page1");
    CHECK(e.get("/scim/v2/Users?count=0").json().at("Resources").as_array().empty());
    CHECK(e.get("/scim/v2/Users?count=x").status == 400);
}

TEST_CASE("attributes and excludedAttributes shape the response") {
    E2E e;
    auto const id = e.create_user("shape", R"(,"title":"T","name":{"givenName":"G","familyName":"F"})");
    auto const only = e.get("/scim/v2/Users/" + id + "?attributes=name.familyName").json().as_object();
    CHECK(only.size() == 3);
    CHECK(only.at("name").as_object().size() == 1);
    auto const without = e.get("/scim/v2/Users/" + id + "?excludedAttributes=title,meta").json().as_object();
    CHECK_FALSE(without.contains("title"));
    CHECK_FALSE(without.contains("meta"));
    CHECK(without.contains("userName"));
}
