// Microsoft Entra ID's group provisioning cycle, request by request: the create with Microsoft's own schema URI,
// the lookups without members, the rename, the member adds with "$ref": null, both removal shapes, the delete.
#include <doctest/doctest.h>

#include "tests/e2e/clients/client_requests.hpp"

using clients::encode;
using clients::ids_of;
using clients::member_ids;
using clients::patch;
using clients::sorted;
using clients::text;

TEST_CASE("Entra: group create with its second schema URI, lookups without members, rename, members in and out") {
    E2E e;
    auto const sales_lookup =
        "/scim/v2/Groups?excludedAttributes=members&filter=" + encode(R"(displayName eq "Sales")");
    CHECK(e.get(sales_lookup).json().at("totalResults") == 0);

    auto const created = e.post("/scim/v2/Groups", R"({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group",
        "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
        "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159", "displayName": "Sales", "meta": {"resourceType": "Group"}})");
    REQUIRE_MESSAGE(created.status == 201, created.body);
    auto const id = text(created.json(), "id");
    CHECK(created.header("Location").ends_with("/scim/v2/Groups/" + id));
    CHECK(created.json().at("schemas") == boost::json::array{"urn:ietf:params:scim:schemas:core:2.0:Group"});
    CHECK(text(created.json(), "externalId") == "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159");
    CHECK(created.header("SCIM-Ignored-Attributes").empty());

    auto const found = e.get(sales_lookup);
    CHECK(found.json().at("totalResults") == 1);
    CHECK(ids_of(found) == std::vector<std::string>{id});
    CHECK_FALSE(found.json().at("Resources").at(0).as_object().contains("members"));
    auto const by_id = e.get("/scim/v2/Groups/" + id + "?excludedAttributes=members");
    REQUIRE(by_id.status == 200);
    CHECK(text(by_id.json(), "displayName") == "Sales");

    // The same create again: 409 uniqueness, naming the group that has the name.
    auto const again = e.post("/scim/v2/Groups",
                              R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"SALES"})");
    CHECK(again.status == 409);
    CHECK(again.json().at("scimType") == "uniqueness");
    CHECK(text(again.json(), "detail").find(id) != std::string::npos);

    auto const renamed =
        patch(e, "/scim/v2/Groups/" + id, R"([{"op":"Replace","path":"displayName","value":"Sales EMEA"}])");
    CHECK(renamed.status == 204);
    CHECK(text(e.get("/scim/v2/Groups/" + id).json(), "displayName") == "Sales EMEA");

    auto const a = e.create_user("a@x.com"), b = e.create_user("b@x.com"), c = e.create_user("c@x.com");
    auto const added =
        patch(e, "/scim/v2/Groups/" + id,
              R"([{"op":"Add","path":"members","value":[
        {"$ref":null,"value":")" +
                  a + R"("},{"$ref":null,"value":")" + b + R"("},{"$ref":null,"value":")" + c + R"("}]}])");
    REQUIRE_MESSAGE(added.status == 204, added.body);
    CHECK(member_ids(e, id) == sorted({a, b, c}));

    auto const removed = patch(e, "/scim/v2/Groups/" + id,
                               R"([{"op":"Remove","path":"members","value":[{"$ref":null,"value":")" + a + R"("}]}])");
    CHECK(removed.status == 204);
    CHECK(member_ids(e, id) == sorted({b, c}));
    CHECK(
        patch(e, "/scim/v2/Groups/" + id, R"([{"op":"Remove","path":"members[value eq \")" + b + R"(\"]"}])").status ==
        204);
    CHECK(member_ids(e, id) == std::vector<std::string>{c});
    // A user's groups show the membership Entra made.
    CHECK(e.get("/scim/v2/Users/" + c).json().at("groups").at(0).at("value") == boost::json::value(id));

    CHECK(e.del("/scim/v2/Groups/" + id).status == 204);
    CHECK(e.get("/scim/v2/Groups/" + id).status == 404);
    CHECK(e.get("/scim/v2/Users/" + c).status == 200);  // members outlive their group
}
