// An HR system's joiner, mover and leaver: a hire with employeeNumber, department and manager at a site; a move of
// department and site; a leaver deactivated on the last day and deleted later.
#include <doctest/doctest.h>

#include "tests/e2e/clients/client_requests.hpp"

using clients::directory_urn;
using clients::encode;
using clients::enterprise_urn;
using clients::ids_of;
using clients::patch;
using clients::text;

TEST_CASE("HR: joiner, mover, leaver") {
    E2E e;
    e.admin({"site", "create", "Paris", "--tenant", "acme", "--site-code", "33", "--locale", "fr-FR", "--timezone",
             "Europe/Paris"});
    auto const manager = e.create_user("boss@acme.example");

    // Joiner: the HR system owns the employee number, department, manager and site.
    auto const hired = e.post("/scim/v2/Users", R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","urn:ietf:params:scim:schemas:extension:8x8:1.1:User"],
        "userName":"jane.doe@acme.example","externalId":"HR-10042","name":{"givenName":"Jane","familyName":"Doe"},
        "title":"Analyst","emails":[{"value":"jane.doe@acme.example","type":"work","primary":true}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"10042","department":"Finance",
            "manager":{"value":")" + manager + R"("}},
        "urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"site":"Main"}})");
    REQUIRE_MESSAGE(hired.status == 201, hired.body);
    auto const id = text(hired.json(), "id");
    CHECK(hired.json().at(enterprise_urn).at("employeeNumber") == "10042");
    CHECK(hired.json().at(enterprise_urn).at("manager").at("value") == boost::json::value(manager));
    CHECK(hired.json().at(directory_urn).at("site") == "Main");
    CHECK(hired.json().at(directory_urn).at("profileType") == "contact");
    auto const by_number =
        e.get("/scim/v2/Users?filter=" + encode(std::string(enterprise_urn) + ":employeeNumber eq \"10042\""));
    CHECK(ids_of(by_number) == std::vector<std::string>{id});

    // Mover: a new department and a new site; the site's locale and time zone come with it.
    auto const moved = patch(e, "/scim/v2/Users/" + id, R"([
        {"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"Treasury"},
        {"op":"replace","path":"urn:ietf:params:scim:schemas:extension:8x8:1.1:User:site","value":"Paris"},
        {"op":"replace","path":"title","value":"Senior Analyst"}])");
    REQUIRE_MESSAGE(moved.status == 200, moved.body);
    CHECK(moved.json().at(enterprise_urn).at("department") == "Treasury");
    CHECK(moved.json().at(directory_urn).at("site") == "Paris");
    CHECK(text(moved.json(), "locale") == "fr-FR");
    CHECK(text(moved.json(), "timezone") == "Europe/Paris");
    CHECK(e.get("/scim/v2/Users?filter=" + encode(std::string(enterprise_urn) + ":department eq \"Treasury\""))
              .json()
              .at("totalResults") == 1);

    // A move to a site that does not exist changes nothing.
    auto const nowhere = patch(e, "/scim/v2/Users/" + id, R"([
        {"op":"replace","path":"urn:ietf:params:scim:schemas:extension:8x8:1.1:User:site","value":"Atlantis"}])");
    CHECK(nowhere.status == 400);
    CHECK(e.get("/scim/v2/Users/" + id).json().at(directory_urn).at("site") == "Paris");

    // Leaver: deactivated on the last day, still there for the audit; deleted when HR purges.
    auto const left = patch(e, "/scim/v2/Users/" + id, R"([{"op":"replace","path":"active","value":false}])");
    REQUIRE(left.status == 200);
    CHECK(left.json().at("active") == false);
    auto const inactive = e.get("/scim/v2/Users?filter=" + encode("active eq false and externalId eq \"HR-10042\""));
    CHECK(ids_of(inactive) == std::vector<std::string>{id});
    CHECK(e.del("/scim/v2/Users/" + id).status == 204);
    CHECK(e.get("/scim/v2/Users/" + id).status == 404);
    CHECK(e.get("/scim/v2/Users?filter=" + encode("externalId eq \"HR-10042\"")).json().at("totalResults") == 0);
}
