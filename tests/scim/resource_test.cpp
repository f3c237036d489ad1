#include "scim/resource.hpp"

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "scim/urns.hpp"
#include "scim/value_formats.hpp"
#include "tests/support/expect_error.hpp"

namespace json = boost::json;

namespace {

scim::SchemaRegistry const& registry() { return scim::SchemaRegistry::builtin(); }
scim::ResourceType const& user_type() { return *registry().resource_type("User"); }

scim::ResourceInput read_user(std::string_view body) {
    return scim::read_resource(scim::parse_json_object(body), user_type(), registry());
}

scim::ScimType error_type(std::string_view body) {
    return expect_error([&] { read_user(body); }).scim_type();
}

}  // namespace

TEST_CASE("a full RFC 7643 user round-trips in canonical form") {
    auto const in = read_user(R"({
      "schemas":["urn:ietf:params:scim:schemas:core:2.0:User",
                 "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
      "externalId":"701984",
      "userName":"bjensen@example.com",
      "name":{"formatted":"Ms. Barbara J Jensen, III","familyName":"Jensen","givenName":"Barbara"},
      "displayName":"Babs Jensen",
      "emails":[{"value":"bjensen@example.com","type":"work","primary":true},
                {"value":"babs@jensen.org","type":"home"}],
      "phoneNumbers":[{"value":"555-555-5555","type":"work"}],
      "active":true,
      "password":"t1meMa$heen",
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{
        "employeeNumber":"701984","department":"Tour Operations",
        "manager":{"value":"26118915-6090-4610-87e4-49d8ca9f808d","displayName":"John Smith"}}
    })");
    CHECK(in.attributes.at("userName") == "bjensen@example.com");
    CHECK(in.attributes.at("externalId") == "701984");
    CHECK(in.attributes.at("emails").as_array().size() == 2);
    CHECK(in.password == "t1meMa$heen");
    CHECK_FALSE(in.attributes.contains("password"));
    auto const& ent = in.attributes.at(scim::urn::enterprise_user).as_object();
    CHECK(ent.at("department") == "Tour Operations");
    // manager.displayName is readOnly: ignored on input
    CHECK(json::serialize(ent.at("manager")) == R"({"value":"26118915-6090-4610-87e4-49d8ca9f808d"})");
}

TEST_CASE("attribute names are case-insensitive and stored in the schema's spelling") {
    auto const in = read_user(R"({"SCHEMAS":["urn:ietf:params:scim:schemas:core:2.0:user"],
                                 "UserName":"x","Name":{"GIVENNAME":"Ann"},"Active":"False"})");
    CHECK(in.attributes.at("userName") == "x");
    CHECK(in.attributes.at("name").at("givenName") == "Ann");
    CHECK(in.attributes.at("active") == false);
}

TEST_CASE("Entra's boolean strings are accepted in any case") {
    for (auto [text, expected] :
         {std::pair{"\"True\"", true}, {"\"false\"", false}, {"\"TRUE\"", true}, {"true", true}}) {
        CAPTURE(text);
        auto const in = read_user(std::string(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],)") +
                                  R"("userName":"x","active":)" + text + "}");
        CHECK(in.attributes.at("active") == expected);
    }
}

TEST_CASE("URN-qualified attribute names and the alias extension URN are accepted") {
    auto const in = read_user(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
        "urn:ietf:params:scim:schemas:core:2.0:User:userName":"q",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department":"Sales",
        "urn:8x8:scim:schemas:extension:8x8user:2.0:User":{"site":"London"}})");
    CHECK(in.attributes.at("userName") == "q");
    CHECK(in.attributes.at(scim::urn::enterprise_user).at("department") == "Sales");
    CHECK(in.attributes.at(scim::urn::directory_user).at("site") == "London");
}

TEST_CASE("manager may be a bare id string") {
    auto const in = read_user(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":"abc"}})");
    CHECK(in.attributes.at(scim::urn::enterprise_user).at("manager").at("value") == "abc");
}

TEST_CASE("readOnly attributes are ignored on input") {
    auto const in = read_user(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x",
        "id":"abc","meta":{"version":"W/\"9\""},"groups":[{"value":"g"}]})");
    CHECK(in.attributes.size() == 1);
}

TEST_CASE("null and empty values mean unassigned") {
    auto const in = read_user(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x",
        "title":null,"emails":[],"name":{"givenName":null}})");
    CHECK(in.attributes.size() == 1);
}

TEST_CASE("canonical values match case-insensitively and are stored canonically") {
    auto const in = read_user(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x",
        "emails":[{"value":"a@x.com","type":"Work"}]})");
    CHECK(in.attributes.at("emails").at(0).at("type") == "work");
    auto const e = expect_error([] {
        read_user(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x",
                     "emails":[{"value":"a@x.com","type":"office"}]})");
    });
    CHECK(e.scim_type() == scim::ScimType::invalid_value);
    CHECK(e.detail().find("emails[0].type") != std::string::npos);
}

TEST_CASE("a single value for a multi-valued attribute becomes a list - duplicates collapse") {
    auto const in = read_user(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x",
        "emails":{"value":"a@x.com"},"roles":[{"value":"r"},{"value":"r"}]})");
    CHECK(in.attributes.at("emails").as_array().size() == 1);
    CHECK(in.attributes.at("roles").as_array().size() == 1);
}

TEST_CASE("bad resources are 400 with the scimType that says why") {
    using T = scim::ScimType;
    struct Case {
        std::string_view body;
        T type;
    };
    Case const cases[] = {
        {R"({"userName":"x"})", T::invalid_syntax},  // no schemas
        {R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"userName":"x"})", T::invalid_syntax},
        {R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]})", T::invalid_value},  // no userName
        {R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"  "})", T::invalid_value},
        {R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":7})", T::invalid_value},
        {R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x","shoeSize":9})",
         T::invalid_syntax},
        {R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x","name":{"nick":"y"}})",
         T::invalid_syntax},
        {R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x","active":"yes"})",
         T::invalid_value},
        {R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x","name":"Ann"})", T::invalid_value},
        {R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x","UserName":"y"})",
         T::invalid_syntax},
        {R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x",
            "emails":[{"value":"a","primary":true},{"value":"b","primary":true}]})",
         T::invalid_value},
        {R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x",
            "x509Certificates":[{"value":"not base64!"}]})",
         T::invalid_value},
        {R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"shoe":1}})",
         T::invalid_syntax},
        {R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x",
            "urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"directoryScope":"WORLD"}})",
         T::invalid_value},
        {R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x","password":5})", T::invalid_value},
    };
    for (auto const& c : cases) {
        CAPTURE(c.body);
        CHECK(error_type(c.body) == c.type);
    }
}

TEST_CASE("unknown attributes are named in the detail") {
    auto const e = expect_error(
        [] { read_user(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x","shoeSize":9})"); });
    CHECK(e.status() == 400);
    CHECK(e.detail().find("shoeSize") != std::string::npos);
}

TEST_CASE("malformed JSON is 400 invalidSyntax") {
    for (std::string_view body : {"", "{", "[1]", "{\"a\":}", "nul", "{} {}"}) {
        CAPTURE(body);
        auto const e = expect_error([&] { scim::parse_json_object(body); });
        CHECK(e.status() == 400);
        CHECK(e.scim_type() == scim::ScimType::invalid_syntax);
    }
}

TEST_CASE("a replace keeps the directory assignments the client did not send") {
    json::object const stored = json::parse(R"({"userName":"x",
        "urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"site":"London","licenses":["X4"],"extensionNumber":"1001"}})")
                                    .as_object();
    auto const replacement = read_user(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"y",
        "urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"site":"Paris"}})");
    auto const merged = scim::merge_for_replace(stored, replacement.attributes, user_type(), registry());
    CHECK(merged.at("userName") == "y");
    auto const& dir = merged.at(scim::urn::directory_user).as_object();
    CHECK(dir.at("site") == "Paris");
    CHECK(dir.at("extensionNumber") == "1001");
    CHECK(dir.at("licenses").as_array().size() == 1);
}

TEST_CASE("a replace drops the core attributes the client did not send") {
    json::object const stored = json::parse(R"({"userName":"x","title":"Boss"})").as_object();
    auto const replacement = read_user(R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x"})");
    auto const merged = scim::merge_for_replace(stored, replacement.attributes, user_type(), registry());
    CHECK_FALSE(merged.contains("title"));
}

TEST_CASE("an immutable attribute may be set once and then never changed") {
    std::vector<scim::EmbeddedFile> const files{
        {"common.json",
         R"({"attributes":[{"name":"id","type":"string","mutability":"readOnly","returned":"always"}]})"},
        {"resource_types.json", R"([{"id":"Badge","name":"Badge","endpoint":"/Badges","schema":"urn:x:Badge"}])"},
        {"badge.json", R"({"id":"urn:x:Badge","name":"Badge","attributes":[
            {"name":"serial","type":"string","mutability":"immutable"},{"name":"label","type":"string"}]})"},
    };
    auto const custom = scim::SchemaRegistry::from_documents(files);
    auto const& badge = *custom.resource_type("Badge");
    json::object const stored = json::parse(R"({"serial":"A1","label":"old"})").as_object();
    auto const kept = scim::merge_for_replace(stored, json::parse(R"({"label":"new"})").as_object(), badge, custom);
    CHECK(kept.at("serial") == "A1");
    auto const same = scim::merge_for_replace(stored, json::parse(R"({"serial":"A1"})").as_object(), badge, custom);
    CHECK_FALSE(same.contains("label"));
    auto const e = expect_error(
        [&] { scim::merge_for_replace(stored, json::parse(R"({"serial":"B2"})").as_object(), badge, custom); });
    CHECK(e.scim_type() == scim::ScimType::mutability);
    CHECK(e.detail().find("serial") != std::string::npos);
}

TEST_CASE("dateTime values: 1 to 9 fractional digits, any real offset, and only instants that exist") {
    for (std::string_view text : {"2015-10-10T14:38:21Z", "2015-10-10T14:38:21.8Z", "2015-10-10T14:38:21.8617979-07:00",
                                  "2015-10-10T14:38:21.123456789+14:00", "2024-02-29T00:00:00Z", "2016-12-31T23:59:60Z",
                                  "0001-01-01T00:00:00+05:30", "2026-01-01T00:00:00"}) {
        CAPTURE(text);
        CHECK(scim::is_date_time(text));
    }
    for (std::string_view text :
         {"2026-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "0000-01-01T00:00:00Z", "2026-01-01T00:00:00+99:99",
          "2026-01-01T00:00:00+16:00", "2026-01-01T24:00:00Z", "2026-04-31T00:00:00Z",
          "2026-01-01T00:00:00.1234567890Z", "2026-01-01T00:00:00.Z", "2026-13-01T00:00:00Z", "2026-01-01 00:00:00Z"}) {
        CAPTURE(text);
        CHECK_FALSE(scim::is_date_time(text));
    }
}
