// Okta's user provisioning, request by request as its SCIM 2.0 protocol reference shows it: the lookup before
// every create, the create with password and groups, PUT-based updates, path-less deactivation, password sync,
// and the paged import. Okta sends application/json.
#include <doctest/doctest.h>

#include <set>

#include "tests/e2e/clients/client_requests.hpp"

using clients::encode;
using clients::ids_of;
using clients::patch;
using clients::text;

namespace {

std::string okta_user(std::string const& user_name, std::string const& given, std::string const& extra = "") {
    return R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":")" + user_name +
           R"(","name":{"givenName":")" + given + R"(","familyName":"User"},
        "emails":[{"primary":true,"value":")" +
           user_name + R"(","type":"work"}],
        "displayName":")" +
           given + R"( User","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7",
        "groups":[],"password":"1mz050nq","active":true)" +
           extra + "}";
}

HttpResult okta(E2E& e, std::string const& method, std::string const& path, std::string const& body = "") {
    return e.call(method, path, body, e.acme.write_token,
                  body.empty() ? std::map<std::string, std::string>{}
                               : std::map<std::string, std::string>{{"Content-Type", "application/json"}});
}

}  // namespace

TEST_CASE("Okta: lookup, create, duplicate, read, PUT update, deactivate and reactivate, password sync") {
    E2E e;
    std::string const name = "test.user@okta.local";
    auto const lookup =
        okta(e, "GET", "/scim/v2/Users?filter=" + encode("userName eq \"" + name + "\"") + "&startIndex=1&count=100");
    REQUIRE(lookup.status == 200);
    CHECK(lookup.json().at("totalResults") == 0);
    CHECK(lookup.json().at("startIndex") == 1);

    auto const created = okta(e, "POST", "/scim/v2/Users", okta_user(name, "Test"));
    REQUIRE_MESSAGE(created.status == 201, created.body);
    auto const id = text(created.json(), "id");
    CHECK_FALSE(created.json().as_object().contains("password"));  // write-only, never returned
    CHECK(text(created.json(), "locale") == "en-US");

    // Okta retries a create after a timeout; the same userName in another case is taken, and the detail says by whom.
    auto const duplicate = okta(e, "POST", "/scim/v2/Users", okta_user("TEST.USER@okta.local", "Test"));
    CHECK(duplicate.status == 409);
    CHECK(duplicate.json().at("scimType") == "uniqueness");
    CHECK(text(duplicate.json(), "detail").find(id) != std::string::npos);

    auto const got = okta(e, "GET", "/scim/v2/Users/" + id);
    REQUIRE(got.status == 200);
    CHECK(text(got.json(), "userName") == name);

    // Updates are a PUT of the whole user after a GET, repeating id and meta.
    auto const put = okta(e, "PUT", "/scim/v2/Users/" + id,
                          okta_user(name, "Another", R"(,"id":")" + id + R"(","meta":{"resourceType":"User"})"));
    REQUIRE_MESSAGE(put.status == 200, put.body);
    CHECK(put.json().at("name").at("givenName") == "Another");
    CHECK(text(put.json(), "displayName") == "Another User");
    CHECK(text(put.json(), "id") == id);

    auto const deactivated =
        patch(e, "/scim/v2/Users/" + id, R"([{"op":"replace","value":{"active":false}}])", "application/json");
    REQUIRE_MESSAGE(deactivated.status == 200, deactivated.body);
    CHECK(deactivated.json().at("active") == false);
    auto const reactivated =
        patch(e, "/scim/v2/Users/" + id, R"([{"op":"replace","value":{"active":true}}])", "application/json");
    CHECK(reactivated.json().at("active") == true);

    auto const password = patch(e, "/scim/v2/Users/" + id, R"([{"op":"replace","value":{"password":"n3wPassw0rd"}}])",
                                "application/json");
    REQUIRE(password.status == 200);
    CHECK_FALSE(password.json().as_object().contains("password"));
    CHECK(password.header("ETag") != reactivated.header("ETag"));  // a new password is a change
}

TEST_CASE("Okta: the import pages by startIndex and count until totalResults, in a stable order") {
    E2E e;
    e.seed_users("acme", 250);
    std::set<std::string> seen;
    for (int start = 1; start <= 250; start += 100) {
        auto const page = okta(e, "GET", "/scim/v2/Users?startIndex=" + std::to_string(start) + "&count=100");
        REQUIRE(page.status == 200);
        auto const body = page.json();
        CHECK(body.at("totalResults") == 250);  // integers, as Okta parses them
        CHECK(body.at("startIndex") == start);
        CHECK(body.at("itemsPerPage") == (start == 201 ? 50 : 100));
        for (auto const& id : ids_of(page)) CHECK(seen.insert(id).second);
    }
    CHECK(seen.size() == 250);
}
