// /Me: the user a token acts for (RFC 7644 §3.11).
#include <doctest/doctest.h>

#include "tests/e2e/e2e_fixture.hpp"

TEST_CASE("a token bound to a user reads and changes that user through /Me") {
    E2E e;
    auto const id = e.create_user("Me@Example.com", R"(,"title":"Mine")");
    auto const issued =
        run_scimd({"token", "issue", "--tenant", "acme", "--label", "self", "--user", "me@example.com"}, e.db.url());
    REQUIRE_MESSAGE(issued.exit_code == 0, issued.err);
    auto token = issued.out;
    token.pop_back();
    auto const me = e.call("GET", "/scim/v2/Me", "", token);
    REQUIRE_MESSAGE(me.status == 200, me.body);
    CHECK(me.json().at("id").as_string() == id);
    CHECK(me.json().at("meta").at("location").as_string().ends_with("/scim/v2/Users/" + id));
    auto const patched = e.call("PATCH", "/scim/v2/Me",
                                R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                                    "Operations":[{"op":"replace","path":"title","value":"Still mine"}]})",
                                token, {{"Content-Type", "application/scim+json"}});
    CHECK(patched.status == 200);
    CHECK(e.get("/scim/v2/Users/" + id).json().at("title") == "Still mine");
    CHECK(e.call("POST", "/scim/v2/Me", "{}", token, {{"Content-Type", "application/scim+json"}}).status == 405);
    // Deleting the user ends the token.
    CHECK(e.del("/scim/v2/Users/" + id).status == 204);
    CHECK(e.call("GET", "/scim/v2/Me", "", token).status == 401);
}

TEST_CASE("a token not bound to a user gets 501 from /Me, with a SCIM error body") {
    E2E e;
    auto const r = e.get("/scim/v2/Me");
    CHECK(r.status == 501);
    CHECK(r.json().at("status") == "501");
    CHECK(std::string(r.json().at("detail").as_string()).find("--user") != std::string::npos);
    auto const unknown = run_scimd({"token", "issue", "--tenant", "acme", "--user", "nobody"}, e.db.url());
    CHECK(unknown.exit_code == 1);
    CHECK(unknown.err.find("nobody") != std::string::npos);
}
