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

TEST_CASE("a token bound to a user lists the directory as that user sees it, an admin's token lists everyone") {
    E2E e;
    e.admin({"site", "create", "London", "--tenant", "acme", "--site-code", "44"});
    std::string const dir = "urn:ietf:params:scim:schemas:extension:8x8:1.1:User";
    e.create_user("viewer@example.com", R"(,")" + dir + R"(":{"site":"Main"})");
    e.create_user("londoner@example.com", R"(,")" + dir + R"(":{"site":"London"})");
    e.create_user("colleague@example.com");
    e.create_user("hidden@example.com", R"(,")" + dir + R"(":{"displayInDirectory":false})");
    e.create_user("reception@example.com", R"(,")" + dir + R"(":{"site":"London","directoryScope":"SITE"})");
    auto const bound = [&](std::string const& user) {
        auto token = e.admin({"token", "issue", "--tenant", "acme", "--label", user, "--user", user});
        token.pop_back();
        return token;
    };
    auto const names = [&](std::string const& token, std::string const& query) {
        auto const r = e.call("GET", "/scim/v2/Users?count=50&sortBy=userName" + query, "", token);
        REQUIRE_MESSAGE(r.status == 200, r.body);
        std::vector<std::string> out;
        auto const document = r.json();
        for (auto const& u : document.at("Resources").as_array()) out.emplace_back(u.at("userName").as_string());
        return out;
    };
    using Names = std::vector<std::string>;
    auto const at_main = bound("viewer@example.com");
    CHECK(names(at_main, "") == Names{"colleague@example.com", "londoner@example.com", "viewer@example.com"});
    // The client's own filter is kept, and cannot reach what is hidden.
    CHECK(names(at_main, "&filter=userName%20sw%20%22hidden%22").empty());
    CHECK(names(at_main, "&filter=userName%20sw%20%22reception%22").empty());
    CHECK(names(bound("londoner@example.com"), "&filter=userName%20sw%20%22reception%22") ==
          Names{"reception@example.com"});
    CHECK(names(e.acme.read_token, "").size() == 5);
}
