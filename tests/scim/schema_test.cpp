#include "scim/schema.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

#include "scim/urns.hpp"

TEST_CASE("the built-in registry has the ten published schemas and six resource types") {
    auto const& r = scim::SchemaRegistry::builtin();
    CHECK(r.schemas().size() == 10);
    for (auto urn :
         {scim::urn::user, scim::urn::group, scim::urn::enterprise_user, scim::urn::directory_user, scim::urn::site,
          scim::urn::license, scim::urn::device, scim::urn::ethernet_mab_device, scim::urn::directory_device})
        CHECK(r.schema(urn) != nullptr);
    CHECK(r.resource_types().size() == 6);
    CHECK(r.resource_type("Device")->endpoint == "/Devices");
    CHECK(r.resource_type("Device")->extensions.size() == 2);
    CHECK(r.resource_type("AuditEvent")->endpoint == "/AuditEvents");
    CHECK(r.resource_type("Site")->endpoint == "/Sites");
    CHECK(r.resource_type("License")->endpoint == "/Licenses");
    REQUIRE(r.resource_type("User") != nullptr);
    CHECK(r.resource_type("User")->endpoint == "/Users");
    CHECK(r.resource_type("user") != nullptr);
    CHECK(r.resource_type("Group") != nullptr);
}

TEST_CASE("attribute lookups are case-insensitive and carry the RFC characteristics") {
    auto const& user = *scim::SchemaRegistry::builtin().schema(scim::urn::user);
    auto const* user_name = user.find("USERNAME");
    REQUIRE(user_name != nullptr);
    CHECK(user_name->name == "userName");
    CHECK(user_name->required);
    CHECK_FALSE(user_name->case_exact);
    CHECK(user_name->uniqueness == scim::Uniqueness::server);
    auto const* password = user.find("password");
    REQUIRE(password != nullptr);
    CHECK(password->returned == scim::Returned::never);
    CHECK(password->mutability == scim::Mutability::write_only);
    auto const* emails = user.find("emails");
    REQUIRE(emails != nullptr);
    CHECK(emails->multi_valued);
    CHECK(emails->find_sub("Type")->canonical_values.size() == 3);
}

TEST_CASE("the alias URN of the directory extension names the published schema") {
    auto const& r = scim::SchemaRegistry::builtin();
    CHECK(r.canonical_urn("urn:8x8:scim:schemas:extension:8x8user:2.0:User") == scim::urn::directory_user);
    CHECK(r.schema("urn:8x8:scim:schemas:extension:8x8user:2.0:User")->id == scim::urn::directory_user);
    CHECK(r.canonical_urn("urn:example:unknown").empty());
}

TEST_CASE("malformed schema documents are rejected naming the file") {
    std::vector<scim::EmbeddedFile> const files{{"broken.json", R"({"id":"urn:x","name":"X","attributes":[{}]})"}};
    CHECK_THROWS_WITH_AS(scim::SchemaRegistry::from_documents(files), doctest::Contains("schemas/broken.json"),
                         std::runtime_error);
}
