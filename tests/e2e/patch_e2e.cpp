// PATCH /Users over HTTPS: the provisioning cycles of Entra and Okta, atomicity and versions.
#include <doctest/doctest.h>

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <pqxx/pqxx>

#include "tests/e2e/e2e_fixture.hpp"

namespace {

std::string patch_body(std::string_view operations) {
    return std::string(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":)") +
           std::string(operations) + "}";
}

HttpResult patch(E2E& e, std::string const& id, std::string_view operations,
                 std::map<std::string, std::string> headers = {}, std::string const& query = "") {
    headers.emplace("Content-Type", "application/scim+json");
    return e.call("PATCH", "/scim/v2/Users/" + id + query, patch_body(operations), e.acme.write_token, headers);
}

std::string filter(std::string_view text) {
    return "/scim/v2/Users?filter=" + boost::urls::encode(text, boost::urls::unreserved_chars);
}

}  // namespace

TEST_CASE("Entra's provisioning cycle: look up, create, update with dotted keys, deactivate") {
    E2E e;
    auto const lookup = e.get(filter(R"(userName eq "ada@example.com")"));
    CHECK(lookup.json().at("totalResults") == 0);
    auto const created = e.post("/scim/v2/Users", R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"externalId":"aad-1","userName":"ada@example.com",
        "active":"True","displayName":"Ada","emails":[{"primary":true,"type":"work","value":"ada@example.com"}],
        "name":{"familyName":"Lovelace","givenName":"Ada"},
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Maths"}})");
    REQUIRE_MESSAGE(created.status == 201, created.body);
    auto const id = std::string(created.json().at("id").as_string());
    CHECK(e.get(filter(R"(externalId eq "aad-1")")).json().at("totalResults") == 1);

    auto const manager = e.create_user("babbage@example.com");
    auto const updated = patch(e, id,
                               R"([
        {"op":"Replace","value":{"displayName":"Countess","name.givenName":"Augusta",
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"1815"}},
        {"op":"Add","path":"phoneNumbers[type eq \"mobile\"].value","value":"+44 20 7946 0000"},
        {"op":"Replace","path":"emails[type eq \"work\"].value","value":"countess@example.com"},
        {"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":")" +
                                   manager + R"("}])");
    REQUIRE_MESSAGE(updated.status == 200, updated.body);
    auto const body = updated.json().as_object();
    CHECK(body.at("displayName") == "Countess");
    CHECK(body.at("name").at("givenName") == "Augusta");
    CHECK(body.at("name").at("familyName") == "Lovelace");
    CHECK(body.at("phoneNumbers").at(0).at("value") == "+44 20 7946 0000");
    CHECK(body.at("emails").as_array().size() == 1);
    CHECK(body.at("emails").at(0).at("value") == "countess@example.com");
    auto const& ent = body.at("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User").as_object();
    CHECK(ent.at("employeeNumber") == "1815");
    CHECK(ent.at("department") == "Maths");
    CHECK(ent.at("manager").at("value") == boost::json::value(manager));
    CHECK(updated.header("ETag") == "W/\"2\"");

    auto const off = patch(e, id, R"([{"op":"Replace","path":"active","value":"False"}])");
    CHECK(off.json().at("active") == false);
    // Soft-deleted users stay readable and filterable.
    CHECK(e.get(filter(R"(active eq false)")).json().at("totalResults") == 1);
}

TEST_CASE("Okta's cycle: PUT updates and a path-less deactivate") {
    E2E e;
    auto const id = e.create_user("okta@example.com", R"(,"name":{"givenName":"O","familyName":"K"},"active":true)");
    auto const put = e.put("/scim/v2/Users/" + id,
                           std::string("{") + core_user_schema +
                               R"(,"userName":"okta@example.com","name":{"givenName":"Oz","familyName":"K"},)"
                               R"("active":true,"groups":[]})");
    REQUIRE_MESSAGE(put.status == 200, put.body);
    auto const off = patch(e, id, R"([{"op":"replace","value":{"active":false}}])");
    REQUIRE(off.status == 200);
    CHECK(off.json().at("active") == false);
    CHECK(off.json().at("name").at("givenName") == "Oz");
}

TEST_CASE("a failing operation anywhere leaves the user and its version unchanged") {
    E2E e;
    auto const id = e.create_user("atomic", R"(,"title":"Before")");
    auto const before = e.users_snapshot();
    auto const r = patch(e, id, R"([{"op":"replace","path":"title","value":"After"},
                                    {"op":"remove","path":"emails[type eq \"work\"]"}])");
    CHECK(r.status == 400);
    CHECK(r.json().at("scimType") == "noTarget");
    CHECK(e.users_snapshot() == before);
    for (
        auto const* ops :
        {R"([{"op":"replace","path":"title","value":"x"},{"op":"replace","path":"emails[type eq \"home\"]","value":7}])",
         R"([{"op":"remove","path":"userName"}])", R"([{"op":"replace","path":"id","value":"x"}])",
         R"([{"op":"replace","path":"active","value":"perhaps"}])"}) {
        CAPTURE(ops);
        CHECK(patch(e, id, ops).status == 400);
        CHECK(e.users_snapshot() == before);
    }
}

TEST_CASE("PATCH honours If-Match, keeps the version when nothing changes, and answers 204 when asked for nothing") {
    E2E e;
    auto const id = e.create_user("versions", R"(,"title":"T")");
    CHECK(patch(e, id, R"([{"op":"replace","path":"title","value":"U"}])", {{"If-Match", "W/\"7\""}}).status == 412);
    auto const same = patch(e, id, R"([{"op":"replace","path":"title","value":"T"}])");
    CHECK(same.header("ETag") == "W/\"1\"");
    auto const changed = patch(e, id, R"([{"op":"replace","path":"title","value":"U"}])", {{"If-Match", "W/\"1\""}});
    CHECK(changed.header("ETag") == "W/\"2\"");
    auto const quiet = patch(e, id, R"([{"op":"replace","path":"title","value":"V"}])", {}, "?attributes=");
    CHECK(quiet.status == 204);
    CHECK(quiet.body.empty());
    auto const projected = patch(e, id, R"([{"op":"replace","path":"title","value":"W"}])", {}, "?attributes=title");
    CHECK(projected.json().as_object().size() == 3);
    CHECK(e.call("PATCH", "/scim/v2/Users/00000000-0000-0000-0000-000000000000",
                 patch_body(R"([{"op":"replace","path":"title","value":"x"}])"), e.acme.write_token,
                 {{"Content-Type", "application/scim+json"}})
              .status == 404);
}

TEST_CASE("PATCH can set a password, which is hashed and never returned") {
    E2E e;
    auto const id = e.create_user("pw");
    auto const r = patch(e, id, R"([{"op":"replace","value":{"password":"n3w-Secret"}}])");
    REQUIRE(r.status == 200);
    CHECK(r.body.find("n3w-Secret") == std::string::npos);
    pqxx::read_transaction tx(e.db.connection());
    CHECK(tx.exec_params1("SELECT password_hash FROM users WHERE id = $1", id)[0].as<std::string>().rfind("$pbkdf2",
                                                                                                          0) == 0);
}
