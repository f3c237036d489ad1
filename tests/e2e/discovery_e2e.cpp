// /ServiceProviderConfig, /ResourceTypes and /Schemas.
#include <doctest/doctest.h>

#include "tests/e2e/e2e_fixture.hpp"

TEST_CASE("ServiceProviderConfig tells what is supported") {
    E2E e;
    auto const r = e.get("/scim/v2/ServiceProviderConfig");
    REQUIRE(r.status == 200);
    CHECK(r.header("Content-Type") == "application/scim+json");
    auto const body = r.json().as_object();
    CHECK(body.at("schemas").at(0) == "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig");
    CHECK(body.at("etag").at("supported") == true);
    CHECK(body.at("patch").at("supported") == true);
    CHECK(body.at("bulk").at("supported") == true);
    CHECK(body.at("bulk").at("maxOperations") == 1000);
    CHECK(body.at("bulk").at("maxPayloadSize") == 1048576);
    CHECK(body.at("filter").at("supported") == true);
    CHECK(body.at("filter").at("maxResults") == 1000);
    CHECK(body.at("sort").at("supported") == true);
    CHECK(body.at("pagination").at("cursor") == true);
    CHECK(body.at("pagination").at("cursorTimeout") == 3600);
    CHECK(body.at("authenticationSchemes").at(0).at("type") == "oauthbearertoken");
    CHECK(body.at("meta").at("location").as_string().ends_with("/scim/v2/ServiceProviderConfig"));
}

TEST_CASE("ResourceTypes lists the served resource types, with their extensions") {
    E2E e;
    auto const list = e.get("/scim/v2/ResourceTypes").json().as_object();
    CHECK(list.at("totalResults") == 6);  // User, Group, Site, Device, License, AuditEvent
    auto const& user = list.at("Resources").at(0).as_object();
    CHECK(user.at("endpoint") == "/Users");
    CHECK(user.at("schemaExtensions").as_array().size() == 2);
    auto const one = e.get("/scim/v2/ResourceTypes/User");
    REQUIRE(one.status == 200);
    CHECK(one.json().at("schema") == "urn:ietf:params:scim:schemas:core:2.0:User");
    CHECK(e.get("/scim/v2/ResourceTypes/Group").json().at("endpoint") == "/Groups");
    CHECK(e.get("/scim/v2/ResourceTypes/Printer").status == 404);
}

TEST_CASE("Schemas publishes User, Group, EnterpriseUser, the directory extension, Site, License, AuditEvent, Device") {
    E2E e;
    auto const list = e.get("/scim/v2/Schemas").json().as_object();
    CHECK(list.at("totalResults") == 10);  // and the Device's Ethernet MAB and directory extensions
    auto const directory = e.get("/scim/v2/Schemas/urn:ietf:params:scim:schemas:extension:8x8:1.1:User");
    REQUIRE(directory.status == 200);
    auto const directory_schema = directory.json();
    bool has_site = false;
    for (auto const& a : directory_schema.at("attributes").as_array()) has_site = has_site || a.at("name") == "site";
    CHECK(has_site);
    auto const alias = e.get("/scim/v2/Schemas/urn:8x8:scim:schemas:extension:8x8user:2.0:User");
    CHECK(alias.json().at("id") == "urn:ietf:params:scim:schemas:extension:8x8:1.1:User");
    auto const user = e.get("/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User").json();
    bool password_never_returned = false;
    for (auto const& a : user.at("attributes").as_array())
        if (a.at("name") == "password") password_never_returned = a.at("returned") == "never";
    CHECK(password_never_returned);
    CHECK(e.get("/scim/v2/Schemas/urn:example:nothing").status == 404);
}

TEST_CASE("unknown query flags such as Entra's aadOptscim062020 are ignored") {
    E2E e;
    CHECK(e.get("/scim/v2/ServiceProviderConfig?aadOptscim062020").status == 200);
}
