// What identity providers send that a resource type does not define: ignored and named, or refused, per policy.
#include "scim/unknown_attributes.hpp"

#include <doctest/doctest.h>

#include <algorithm>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "scim/patch.hpp"
#include "scim/resource.hpp"
#include "scim/urns.hpp"
#include "tests/support/expect_error.hpp"

namespace json = boost::json;

namespace {

scim::SchemaRegistry const& registry() { return scim::SchemaRegistry::builtin(); }
scim::ResourceType const& type(std::string_view name) { return *registry().resource_type(name); }

scim::ResourceInput read(std::string_view resource, std::string_view body, scim::UnknownAttributes policy) {
    return scim::read_resource(scim::parse_json_object(body), type(resource), registry(), scim::ReadOptions{policy});
}

constexpr auto ignore = scim::UnknownAttributes::ignore;
constexpr auto reject = scim::UnknownAttributes::reject;

scim::PatchRequest patch_request(std::string_view operations) {
    return scim::parse_patch_request(
        json::parse(std::string(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":)") +
                    std::string(operations) + "}")
            .as_object());
}

}  // namespace

TEST_CASE("Entra's group create with Microsoft's own schema URI and meta.resourceType is read in either mode") {
    for (auto policy : {ignore, reject}) {
        auto const in = read("Group", R"({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group",
             "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
             "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159", "displayName": "Sales",
             "meta": {"resourceType": "Group"}})",
                             policy);
        CHECK(json::serialize(in.attributes) ==
              R"({"externalId":"8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159","displayName":"Sales"})");
        CHECK(in.ignored.empty());  // a schema URI is not data; meta is read-only and ignored as always
    }
}

TEST_CASE("an object under a schema URI the server does not know is dropped and named, in either mode") {
    for (auto policy : {ignore, reject}) {
        auto const in =
            read("User", R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:example:hr:1.0:User"],
            "userName":"a","urn:example:hr:1.0:User":{"badge":"7"},"urn:example:hr:1.0:User:floor":3})",
                 policy);
        CHECK(json::serialize(in.attributes) == R"({"userName":"a"})");
        CHECK(in.ignored.names() ==
              std::vector<std::string>{"urn:example:hr:1.0:User", "urn:example:hr:1.0:User:floor"});
    }
}

TEST_CASE("a misspelt attribute is dropped and named under ignore, and refused under reject") {
    auto const body = R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","title":"Chef",
        "adreses":[{"street":"x"}],"name":{"givenName":"Ann","middel":"B"},
        "emails":[{"value":"a@x","type":"work","label":"main"}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"R&D","shoeSize":9}})";
    auto const in = read("User", body, ignore);
    CHECK(json::serialize(in.attributes) ==
          R"({"userName":"a","title":"Chef","name":{"givenName":"Ann"},"emails":[{"value":"a@x","type":"work"}],)"
          R"("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"R&D"}})");
    CHECK(in.ignored.names() ==
          std::vector<std::string>{"adreses", "name.middel", "emails.label",
                                   "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:shoeSize"});
    auto const e = expect_error([&] { read("User", body, reject); });
    CHECK(e.scim_type() == scim::ScimType::invalid_syntax);
    CHECK(e.detail().find("adreses") != std::string::npos);
}

TEST_CASE("being liberal never weakens what keeps data correct") {
    // No core schema, a schema the server has but of another type, a missing required attribute, a bad value.
    for (
        auto const* body :
        {R"({"schemas":["urn:example:other"],"userName":"a"})",
         R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:core:2.0:Group"],"userName":"a"})",
         R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"nickName":"a"})",
         R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","active":"perhaps","x":1})"}) {
        CAPTURE(body);
        CHECK(expect_error([&] { read("User", body, ignore); }).status() == 400);
    }
}

TEST_CASE("PATCH: unknown paths and keys are taken out and named under ignore") {
    auto request = patch_request(R"([
        {"op":"replace","path":"adreses","value":"x"},
        {"op":"Replace","path":"urn:example:hr:1.0:User:badge","value":"7"},
        {"op":"add","path":"emails[type eq \"work\"].label","value":"main"},
        {"op":"replace","path":"title","value":"Chef"},
        {"op":"replace","path":"name","value":{"givenName":"Ann","middel":"B"}},
        {"op":"replace","value":{"displayName":"Ann","nickname2":"x","urn:example:hr:1.0:User":{"a":1},
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"R&D","shoe":1}}}])");
    auto names = scim::drop_unknown_attributes(request, type("User"), registry(), ignore).names();
    std::sort(names.begin(), names.end());
    CHECK(names == std::vector<std::string>{"adreses", "emails[type eq \"work\"].label", "name.middel", "nickname2",
                                            "urn:example:hr:1.0:User", "urn:example:hr:1.0:User:badge",
                                            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:shoe"});
    auto const outcome =
        scim::apply_patch(json::parse(R"({"userName":"u"})").as_object(), request, type("User"), registry());
    CHECK(json::serialize(outcome.attributes) ==
          R"({"userName":"u","title":"Chef","name":{"givenName":"Ann"},"displayName":"Ann",)"
          R"("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"R&D"}})");
}

TEST_CASE("PATCH: under reject, an unknown path is still 400 and only unknown schemas are taken out") {
    auto request = patch_request(R"([{"op":"replace","path":"urn:example:hr:1.0:User:badge","value":"7"},
                                     {"op":"replace","path":"adreses","value":"x"}])");
    auto const ignored = scim::drop_unknown_attributes(request, type("User"), registry(), reject);
    CHECK(ignored.names() == std::vector<std::string>{"urn:example:hr:1.0:User:badge"});
    REQUIRE(request.operations.size() == 1);
    auto const e = expect_error(
        [&] { scim::apply_patch(json::parse(R"({"userName":"u"})").as_object(), request, type("User"), registry()); });
    CHECK(e.status() == 400);
    CHECK(e.detail().find("adreses") != std::string::npos);
}

TEST_CASE("a flood of made-up names is remembered up to a bound and counted beyond it") {
    scim::IgnoredAttributes ignored;
    for (int i = 0; i < 1000; ++i) ignored.add("x" + std::to_string(i % 500));
    CHECK(ignored.names().size() == scim::IgnoredAttributes::max_names);
    CHECK(ignored.more() == 500 - scim::IgnoredAttributes::max_names);
}
