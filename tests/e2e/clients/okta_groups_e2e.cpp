// Okta's group push, request by request: lookup, create with no members, rename sent with every membership change,
// remove-and-add in one request, replacing the whole member list (possibly empty), the import, the delete.
#include <doctest/doctest.h>

#include "tests/e2e/clients/client_requests.hpp"

using clients::encode;
using clients::ids_of;
using clients::member_ids;
using clients::patch;
using clients::sorted;
using clients::text;

TEST_CASE("Okta: group push from lookup to delete") {
    E2E e;
    auto const lookup =
        e.get("/scim/v2/Groups?filter=" + encode(R"(displayName eq "Test SCIMv2")") + "&startIndex=1&count=100");
    REQUIRE(lookup.status == 200);
    CHECK(lookup.json().at("totalResults") == 0);

    auto const created = e.call(
        "POST", "/scim/v2/Groups",
        R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Test SCIMv2","members":[]})",
        e.acme.write_token, {{"Content-Type", "application/json"}});
    REQUIRE_MESSAGE(created.status == 201, created.body);
    auto const id = text(created.json(), "id");
    CHECK(e.get("/scim/v2/Groups/" + id).status == 200);

    auto const u1 = e.create_user("u1@okta.local"), u2 = e.create_user("u2@okta.local"),
               u3 = e.create_user("u3@okta.local");
    // Okta repeats the group's id and name in a path-less replace with every change.
    auto const renamed = patch(
        e, "/scim/v2/Groups/" + id,
        R"([{"op":"replace","value":{"id":")" + id + R"(","displayName":"Test SCIMv2 renamed"}}])", "application/json");
    CHECK(renamed.status == 204);
    CHECK(text(e.get("/scim/v2/Groups/" + id).json(), "displayName") == "Test SCIMv2 renamed");

    auto const first = patch(e, "/scim/v2/Groups/" + id,
                             R"([{"op":"add","path":"members","value":[
        {"value":")" + u1 + R"(","display":"u1@okta.local"},{"value":")" +
                                 u2 + R"(","display":"u2@okta.local"}]}])",
                             "application/json");
    CHECK(first.status == 204);
    CHECK(member_ids(e, id) == sorted({u1, u2}));
    auto const swap = patch(e, "/scim/v2/Groups/" + id,
                            R"([
        {"op":"remove","path":"members[value eq \")" +
                                u1 + R"(\"]"},
        {"op":"add","path":"members","value":[{"value":")" +
                                u3 + R"(","display":"u3@okta.local"}]}])",
                            "application/json");
    CHECK(swap.status == 204);
    CHECK(member_ids(e, id) == sorted({u2, u3}));
    CHECK(patch(e, "/scim/v2/Groups/" + id,
                R"([{"op":"replace","path":"members","value":[{"value":")" + u1 + R"("}]}])", "application/json")
              .status == 204);
    CHECK(member_ids(e, id) == std::vector<std::string>{u1});
    CHECK(patch(e, "/scim/v2/Groups/" + id, R"([{"op":"replace","path":"members","value":[]}])", "application/json")
              .status == 204);
    CHECK(member_ids(e, id).empty());

    // A bad member id in one request changes nothing of it (atomic).
    auto const bad = patch(e, "/scim/v2/Groups/" + id,
                           R"([{"op":"add","path":"members","value":[{"value":")" + u1 +
                               R"("}]},{"op":"add","path":"members","value":[{"value":"nobody"}]}])",
                           "application/json");
    CHECK(bad.status == 400);
    CHECK(member_ids(e, id).empty());

    auto const import = e.get("/scim/v2/Groups?startIndex=1&count=100");
    CHECK(import.json().at("totalResults") == 1);
    CHECK(ids_of(import) == std::vector<std::string>{id});

    CHECK(e.del("/scim/v2/Groups/" + id).status == 204);
    CHECK(e.get("/scim/v2/Groups/" + id).status == 404);
}
