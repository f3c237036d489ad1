// Bearer tokens, scopes and tenant isolation over HTTPS.
#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include "tests/e2e/e2e_fixture.hpp"

TEST_CASE("no token or a bad one is 401 with WWW-Authenticate: Bearer") {
    E2E e;
    for (auto const& token : {std::string(), std::string("scimd_not-a-real-token")}) {
        CAPTURE(token);
        auto const r = e.call("GET", "/scim/v2/ServiceProviderConfig", "", token);
        CHECK(r.status == 401);
        CHECK(r.header("WWW-Authenticate").rfind("Bearer", 0) == 0);
        CHECK(r.json().at("status") == "401");
    }
    auto const basic = e.call("GET", "/scim/v2/Users", "", "", {{"Authorization", "Basic dXNlcjpwYXNz"}});
    CHECK(basic.status == 401);
}

TEST_CASE("a read token reads but every write is 403 and changes nothing") {
    E2E e;
    auto const id = e.create_user("reader-sees");
    auto const token = e.acme.read_token;
    CHECK(e.call("GET", "/scim/v2/Users/" + id, "", token).status == 200);
    auto const before = e.users_snapshot();
    std::map<std::string, std::string> const json{{"Content-Type", "application/scim+json"}};
    auto const body = std::string("{") + core_user_schema + R"(,"userName":"x"})";
    CHECK(e.call("POST", "/scim/v2/Users", body, token, json).status == 403);
    CHECK(e.call("PUT", "/scim/v2/Users/" + id, body, token, json).status == 403);
    CHECK(e.call("DELETE", "/scim/v2/Users/" + id, "", token).status == 403);
    CHECK(
        e.call(
             "PATCH", "/scim/v2/Users/" + id,
             R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"x"}]})",
             token, json)
            .status == 403);
    CHECK(e.users_snapshot() == before);
}

TEST_CASE("a revoked token is refused") {
    E2E e;
    CHECK(e.call("GET", "/scim/v2/Users", "", e.acme.write_token).status == 200);
    auto const revoked = run_scimd({"token", "revoke", "--tenant", "acme", "--label", "writer"}, e.db.url());
    REQUIRE(revoked.exit_code == 0);
    CHECK(e.call("GET", "/scim/v2/Users", "", e.acme.write_token).status == 401);
}

TEST_CASE("tokens are stored only as SHA-256 hashes") {
    E2E e;
    pqxx::read_transaction tx(e.db.connection());
    auto const r = tx.exec("SELECT token_sha256 FROM api_tokens");
    REQUIRE(r.size() == 4);
    for (auto const& row : r) {
        CHECK(row[0].as<std::string>().size() == 64);
        CHECK(row[0].as<std::string>() != e.acme.write_token);
    }
    CHECK(e.acme.write_token.size() >= 43);  // 256 random bits, base64url
}

TEST_CASE("one tenant can never see or touch another's users") {
    E2E e;
    auto const id = e.create_user("acme-only");
    auto const beta = e.beta.write_token;
    std::map<std::string, std::string> const json{{"Content-Type", "application/scim+json"}};
    CHECK(e.call("GET", "/scim/v2/Users/" + id, "", beta).status == 404);
    CHECK(e.call("PUT", "/scim/v2/Users/" + id, std::string("{") + core_user_schema + R"(,"userName":"stolen"})", beta,
                 json)
              .status == 404);
    CHECK(e.call("DELETE", "/scim/v2/Users/" + id, "", beta).status == 404);
    CHECK(e.call("GET", "/scim/v2/Users", "", beta).json().at("totalResults") == 0);
    // The same userName is free in the other tenant.
    CHECK(e.call("POST", "/scim/v2/Users", std::string("{") + core_user_schema + R"(,"userName":"acme-only"})", beta,
                 json)
              .status == 201);
    CHECK(e.get("/scim/v2/Users/" + id).json().at("userName") == "acme-only");
}

TEST_CASE("/customers/{tenant}/scim/v2 serves the token's tenant and 404s any other") {
    E2E e;
    auto const id = e.create_user("routed");
    auto const own = e.get("/customers/acme/scim/v2/Users/" + id);
    REQUIRE(own.status == 200);
    CHECK(own.json().at("meta").at("location").as_string().find("/customers/acme/scim/v2/Users/") != std::string::npos);
    CHECK(e.get("/customers/beta/scim/v2/Users/" + id).status == 404);
    CHECK(e.call("GET", "/customers/acme/scim/v2/Users/" + id, "", e.beta.write_token).status == 404);
    CHECK(e.get("/customers/acme/scim/v2/ServiceProviderConfig").status == 200);
}
