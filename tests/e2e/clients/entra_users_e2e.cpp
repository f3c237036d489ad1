// Microsoft Entra ID's user provisioning cycle, request by request as its provisioning service sends it (Microsoft's
// "Develop and plan provisioning for a SCIM endpoint"), asserting what Entra reads back from every answer.
#include <doctest/doctest.h>

#include "tests/e2e/clients/client_requests.hpp"

using clients::encode;
using clients::enterprise_urn;
using clients::ids_of;
using clients::patch;
using clients::text;

namespace {

std::string entra_user(std::string const& user_name, std::string const& external_id) {
    return R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User",
                          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "externalId":")" +
           external_id + R"(","userName":")" + user_name + R"(","active":true,
        "emails":[{"primary":true,"type":"work","value":")" +
           user_name + R"("}],
        "meta":{"resourceType":"User"},
        "name":{"formatted":"givenName familyName","familyName":"familyName","givenName":"givenName"},
        "roles":[],"title":"scim tester",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"99887766","department":"Sales"},
        "urn:ietf:params:scim:schemas:extension:custom:2.0:User":{"worksiteId":"180"}})";
}

}  // namespace

TEST_CASE("Entra: test connection, create, read back, the four lookups, PATCH updates, disable, delete") {
    E2E e;
    // Test connection: a userName that exists nowhere, with Entra's feature flag on the query.
    auto const probe = e.get("/scim/v2/Users?aadOptscim062020&filter=" +
                             encode(R"(userName eq "e3b4a7a1-0f54-4c6b-9d53-3a2f5bfa5f71")"));
    REQUIRE(probe.status == 200);
    CHECK(probe.json().at("totalResults") == 0);
    CHECK(probe.json().at("schemas").at(0) == "urn:ietf:params:scim:api:messages:2.0:ListResponse");

    // Before every create Entra asks whether the user exists.
    std::string const name = "Test_User_ab6490ee@testuser.com";
    CHECK(e.get("/scim/v2/Users?filter=" + encode("userName eq \"" + name + "\"")).json().at("totalResults") == 0);

    auto const created = e.post("/scim/v2/Users", entra_user(name, "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"));
    REQUIRE_MESSAGE(created.status == 201, created.body);
    auto const user = created.json();
    auto const id = text(user, "id");
    CHECK(created.header("Location").ends_with("/scim/v2/Users/" + id));
    CHECK(created.header("ETag") == "W/\"1\"");
    CHECK(created.header("Content-Type").starts_with("application/scim+json"));
    CHECK(text(user, "userName") == name);
    CHECK(user.at("active") == true);
    CHECK(user.at("emails").at(0).at("value") == boost::json::value(name));
    CHECK(user.at(enterprise_urn).at("employeeNumber") == "99887766");
    // The custom extension an admin mapped in Entra is not the server's: dropped, named, never echoed.
    CHECK(created.header("SCIM-Ignored-Attributes") == "urn:ietf:params:scim:schemas:extension:custom:2.0:User");
    CHECK_FALSE(user.as_object().contains("urn:ietf:params:scim:schemas:extension:custom:2.0:User"));
    for (auto const& schema : user.at("schemas").as_array()) CHECK(std::string(schema.as_string()).starts_with("urn:"));

    auto const got = e.get("/scim/v2/Users/" + id);
    REQUIRE(got.status == 200);
    CHECK(text(got.json(), "externalId") == "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef");

    // The lookups Entra matches users with: userName (any case), externalId, the work e-mail.
    for (auto const& filter : {"userName eq \"" + std::string("TEST_USER_AB6490EE@testuser.com") + "\"",
                               std::string(R"(externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef")"),
                               "emails[type eq \"work\"].value eq \"" + name + "\""}) {
        CAPTURE(filter);
        auto const found = e.get("/scim/v2/Users?filter=" + encode(filter));
        REQUIRE(found.status == 200);
        CHECK(found.json().at("totalResults") == 1);
        CHECK(ids_of(found) == std::vector<std::string>{id});
    }

    // Update multi-valued and single-valued attributes, with Entra's capitalised ops and its Add on a value filter.
    auto const updated = patch(e, "/scim/v2/Users/" + id, R"([
        {"op":"Replace","path":"emails[type eq \"work\"].value","value":"updatedEmail@testuser.com"},
        {"op":"Replace","path":"name.familyName","value":"updatedFamilyName"},
        {"op":"Add","path":"phoneNumbers[type eq \"mobile\"].value","value":"+44 7700 900123"},
        {"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"Marketing"},
        {"op":"Replace","path":"title","value":"tester"}])");
    REQUIRE_MESSAGE(updated.status == 200, updated.body);
    auto const after = updated.json();
    CHECK(after.at("emails").at(0).at("value") == "updatedEmail@testuser.com");
    CHECK(after.at("name").at("familyName") == "updatedFamilyName");
    CHECK(after.at("phoneNumbers").at(0).at("type") == "mobile");
    CHECK(after.at(enterprise_urn).at("department") == "Marketing");
    CHECK(updated.header("ETag") == "W/\"2\"");

    // A manager given as a bare id, and a path-less replace with dotted and URN-qualified keys.
    auto const manager = e.create_user("manager@testuser.com");
    auto const managed = patch(e, "/scim/v2/Users/" + id,
                               R"([
        {"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":")" +
                                   manager + R"("},
        {"op":"Replace","value":{"displayName":"Given Family","name.givenName":"Given",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"7"}}])");
    REQUIRE_MESSAGE(managed.status == 200, managed.body);
    CHECK(managed.json().at(enterprise_urn).at("manager").at("value") == boost::json::value(manager));
    CHECK(managed.json().at(enterprise_urn).at("employeeNumber") == "7");
    CHECK(managed.json().at("name").at("givenName") == "Given");

    // A new userName, then the soft delete Entra sends when a user is unassigned: "False" as a string.
    auto const renamed =
        patch(e, "/scim/v2/Users/" + id, R"([{"op":"Replace","path":"userName","value":"5b50642d@testuser.com"}])");
    CHECK(renamed.status == 200);
    CHECK(text(renamed.json(), "userName") == "5b50642d@testuser.com");
    auto const disabled = patch(e, "/scim/v2/Users/" + id, R"([{"op":"Replace","path":"active","value":"False"}])");
    REQUIRE(disabled.status == 200);
    CHECK(disabled.json().at("active") == false);
    auto const inactive = e.get("/scim/v2/Users?filter=" + encode("active eq false"));
    CHECK(ids_of(inactive) == std::vector<std::string>{id});  // inactive users stay readable and filterable

    // The hard delete, 30 days later.
    CHECK(e.del("/scim/v2/Users/" + id).status == 204);
    auto const gone = e.get("/scim/v2/Users/" + id);
    CHECK(gone.status == 404);
    CHECK(gone.json().at("status") == "404");
}

TEST_CASE("Entra: an attribute mapped in Entra that the server does not define") {
    E2E e;
    auto const body = std::string("{") + core_user_schema +
                      R"(,"userName":"typo@testuser.com","adreses":[{"streetAddress":"1 Main St"}],"active":true})";
    SUBCASE("goes through by default, dropped and named in the response and the access log") {
        auto const r = e.post("/scim/v2/Users", body);
        REQUIRE_MESSAGE(r.status == 201, r.body);
        CHECK(r.header("SCIM-Ignored-Attributes") == "adreses");
        CHECK_FALSE(r.json().as_object().contains("adreses"));
        auto const id = text(r.json(), "id");
        auto const patched = patch(e, "/scim/v2/Users/" + id, R"([{"op":"Replace","path":"adreses","value":"x"},
                                                                 {"op":"Replace","path":"title","value":"Chef"}])");
        REQUIRE_MESSAGE(patched.status == 200, patched.body);
        CHECK(patched.header("SCIM-Ignored-Attributes") == "adreses");
        CHECK(text(patched.json(), "title") == "Chef");
        auto const put = e.put("/scim/v2/Users/" + id, body);
        CHECK(put.status == 200);
        CHECK(put.header("SCIM-Ignored-Attributes") == "adreses");
        e.server->stop();                  // the whole log, read to its end
        auto const log = e.server->log();  // as text or as JSON (SCIMD_TEST_LOG_FORMAT)
        CHECK((log.find("ignored=adreses") != std::string::npos ||
               log.find("\"ignored\":\"adreses\"") != std::string::npos));
    }
    SUBCASE("is 400 naming it for a tenant that rejects unknown attributes, and nothing is stored") {
        e.admin({"tenant", "set", "--tenant", "beta", "--unknown-attributes", "reject"});
        auto const r =
            e.call("POST", "/scim/v2/Users", body, e.beta.write_token, {{"Content-Type", "application/scim+json"}});
        CHECK(r.status == 400);
        CHECK(r.json().at("scimType") == "invalidSyntax");
        CHECK(text(r.json(), "detail").find("adreses") != std::string::npos);
        CHECK(e.count_users("beta") == 0);
        CHECK(e.admin({"tenant", "show", "--tenant", "beta"}).find("unknown-attributes\treject") != std::string::npos);
    }
}
