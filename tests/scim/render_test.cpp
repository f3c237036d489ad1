#include "scim/render.hpp"

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "scim/urns.hpp"

namespace json = boost::json;

namespace {

json::object render(std::string_view stored, std::string_view attributes = "", std::string_view excluded = "") {
    auto const& r = scim::SchemaRegistry::builtin();
    auto const& type = *r.resource_type("User");
    scim::ResourceMeta const meta{"2819c223-7f76-453a-919d-413861904646", "2026-11-21T10:00:00.000Z",
                                  "2026-11-21T11:00:00.000Z",
                                  "https://h/scim/v2/Users/2819c223-7f76-453a-919d-413861904646", 4};
    return scim::render_resource(type, r, json::parse(stored).as_object(), meta,
                                 scim::parse_selection(attributes, excluded, type, r));
}

}  // namespace

TEST_CASE("a resource renders with schemas, id, attributes in schema order and meta") {
    auto const out = render(R"({"title":"Boss","userName":"bjensen","externalId":"e1",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Ops"}})");
    CHECK(
        json::serialize(out) ==
        R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],)"
        R"("id":"2819c223-7f76-453a-919d-413861904646","externalId":"e1","userName":"bjensen","title":"Boss",)"
        R"("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Ops"},)"
        R"("meta":{"resourceType":"User","created":"2026-11-21T10:00:00.000Z","lastModified":"2026-11-21T11:00:00.000Z",)"
        R"("location":"https://h/scim/v2/Users/2819c223-7f76-453a-919d-413861904646","version":"W/\"4\""}})");
}

TEST_CASE("attributes keeps id and schemas, and only the named sub-attributes") {
    auto const out =
        render(R"({"userName":"b","title":"t","name":{"givenName":"G","familyName":"F"}})", "name.familyName");
    CHECK(out.size() == 3);
    CHECK(out.at("id").is_string());
    CHECK(out.contains("schemas"));
    CHECK(json::serialize(out.at("name")) == R"({"familyName":"F"})");
}

TEST_CASE("excludedAttributes can drop meta and parts of multi-valued attributes") {
    auto const out = render(R"({"userName":"b","emails":[{"value":"a@x","type":"work"}]})", "", "meta,emails.type");
    CHECK_FALSE(out.contains("meta"));
    CHECK(json::serialize(out.at("emails")) == R"([{"value":"a@x"}])");
}

TEST_CASE("an excluded extension disappears from the body but the resource still names it") {
    auto const out =
        render(R"({"userName":"b","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Ops"}})",
               "", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");
    CHECK_FALSE(out.contains(scim::urn::enterprise_user));
}
