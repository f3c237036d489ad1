#include "scim/patch.hpp"

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "scim/resource.hpp"
#include "tests/support/expect_error.hpp"

namespace json = boost::json;

namespace {

scim::SchemaRegistry const& registry() { return scim::SchemaRegistry::builtin(); }

json::object patch(std::string_view type, std::string_view before, std::string_view operations) {
    auto const body =
        json::parse(std::string(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":)") +
                    std::string(operations) + "}")
            .as_object();
    return scim::apply_patch(json::parse(before).as_object(), scim::parse_patch_request(body),
                             *registry().resource_type(type), registry())
        .attributes;
}

struct Case {
    std::string_view name;
    std::string_view before;
    std::string_view operations;
    std::string_view after;  // the whole stored resource afterwards
};

constexpr std::string_view ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

}  // namespace

TEST_CASE("PATCH on users: RFC 7644 section 3.5.2 and the shapes Entra and Okta send") {
    Case const cases[] = {
        {"add a single-valued attribute", R"({"userName":"u"})", R"([{"op":"add","path":"title","value":"Boss"}])",
         R"({"userName":"u","title":"Boss"})"},
        {"add on a single-valued attribute replaces it (Entra)", R"({"userName":"u","active":true})",
         R"([{"op":"Add","path":"active","value":"False"}])", R"({"userName":"u","active":false})"},
        {"capitalised op names and True/False strings (Entra)", R"({"userName":"u","active":false})",
         R"([{"op":"Replace","path":"active","value":"True"}])", R"({"userName":"u","active":true})"},
        {"path-less replace with dotted and URN keys (Entra)", R"({"userName":"u","name":{"familyName":"F"}})",
         R"([{"op":"replace","value":{"displayName":"x","name.givenName":"y",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"7"}}])",
         R"({"userName":"u","name":{"familyName":"F","givenName":"y"},"displayName":"x",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"7"}})"},
        {"path-less values ignore read-only attributes such as id (Okta)", R"({"userName":"u"})",
         R"([{"op":"replace","value":{"id":"x","meta":{"version":"W/\"9\""},"title":"t"}}])",
         R"({"userName":"u","title":"t"})"},
        {"path-less deactivate (Okta)", R"({"userName":"u","active":true})",
         R"([{"op":"replace","value":{"active":false}}])", R"({"userName":"u","active":false})"},
        {"path-less add with an extension object", R"({"userName":"u"})",
         R"([{"op":"add","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Ops"}}}])",
         R"({"userName":"u","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Ops"}})"},
        {"replace of a complex value keeps the sub-attributes not named",
         R"({"userName":"u","name":{"familyName":"F","givenName":"G"}})",
         R"([{"op":"replace","path":"name","value":{"givenName":"H"}}])",
         R"({"userName":"u","name":{"familyName":"F","givenName":"H"}})"},
        {"add to a multi-valued attribute appends without duplicates",
         R"({"userName":"u","emails":[{"value":"a@x","type":"work"}]})",
         R"([{"op":"add","path":"emails","value":[{"value":"a@x","type":"work"},{"value":"b@x","type":"home"}]}])",
         R"({"userName":"u","emails":[{"value":"a@x","type":"work"},{"value":"b@x","type":"home"}]})"},
        {"a new primary value clears the old one", R"({"userName":"u","emails":[{"value":"a@x","primary":true}]})",
         R"([{"op":"add","path":"emails","value":[{"value":"b@x","primary":true}]}])",
         R"({"userName":"u","emails":[{"value":"a@x"},{"value":"b@x","primary":true}]})"},
        {"replace of a multi-valued attribute replaces the list", R"({"userName":"u","emails":[{"value":"a@x"}]})",
         R"([{"op":"replace","path":"emails","value":[{"value":"c@x","type":"other"}]}])",
         R"({"userName":"u","emails":[{"value":"c@x","type":"other"}]})"},
        {"replace emails[type eq work].value changes only that value (Entra)",
         R"({"userName":"u","emails":[{"value":"a@x","type":"work"},{"value":"h@x","type":"home"}]})",
         R"([{"op":"replace","path":"emails[type eq \"work\"].value","value":"w@x"}])",
         R"({"userName":"u","emails":[{"value":"w@x","type":"work"},{"value":"h@x","type":"home"}]})"},
        {"replace emails[type eq work].value creates the work email when there is none (Entra)", R"({"userName":"u"})",
         R"([{"op":"replace","path":"emails[type eq \"work\"].value","value":"w@x"}])",
         R"({"userName":"u","emails":[{"type":"work","value":"w@x"}]})"},
        {"add phoneNumbers[type eq mobile].value creates the number (Entra)", R"({"userName":"u"})",
         R"([{"op":"Add","path":"phoneNumbers[type eq \"mobile\"].value","value":"+44 1"}])",
         R"({"userName":"u","phoneNumbers":[{"type":"mobile","value":"+44 1"}]})"},
        {"addresses[type eq work].streetAddress creates the address (Entra)", R"({"userName":"u"})",
         R"([{"op":"replace","path":"addresses[type eq \"work\"].streetAddress","value":"1 Main St"}])",
         R"({"userName":"u","addresses":[{"type":"work","streetAddress":"1 Main St"}]})"},
        {"replace of matching values with a filter and no sub-attribute",
         R"({"userName":"u","addresses":[{"type":"work","locality":"A","postalCode":"1"}]})",
         R"([{"op":"replace","path":"addresses[type eq \"work\"]","value":{"type":"work","locality":"B"}}])",
         R"({"userName":"u","addresses":[{"type":"work","locality":"B"}]})"},
        {"remove with a filter removes only the matches",
         R"({"userName":"u","emails":[{"value":"a@example.com","type":"work"},{"value":"b@other.org","type":"work"}]})",
         R"([{"op":"remove","path":"emails[type eq \"work\" and value ew \"example.com\"]"}])",
         R"({"userName":"u","emails":[{"value":"b@other.org","type":"work"}]})"},
        {"remove of the whole attribute clears it", R"({"userName":"u","emails":[{"value":"a@x"}],"title":"t"})",
         R"([{"op":"remove","path":"emails"},{"op":"remove","path":"title"}])", R"({"userName":"u"})"},
        {"remove of a sub-attribute", R"({"userName":"u","name":{"familyName":"F","givenName":"G"}})",
         R"([{"op":"remove","path":"name.givenName"}])", R"({"userName":"u","name":{"familyName":"F"}})"},
        {"remove of an absent attribute changes nothing", R"({"userName":"u"})", R"([{"op":"remove","path":"title"}])",
         R"({"userName":"u"})"},
        {"extension path, and manager as a bare string (Entra)", R"({"userName":"u"})",
         R"([{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"Sales"},
            {"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"m-42"}])",
         R"({"userName":"u","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales","manager":{"value":"m-42"}}})"},
        {"manager.value path", R"({"userName":"u"})",
         R"([{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value","value":"m-1"}])",
         R"({"userName":"u","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"m-1"}}})"},
        {"removing the last extension attribute drops the extension",
         R"({"userName":"u","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Ops"}})",
         R"([{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"}])",
         R"({"userName":"u"})"},
        {"attribute names in any case", R"({"userName":"u"})",
         R"([{"op":"replace","path":"NAME.GIVENNAME","value":"g"},{"op":"replace","value":{"DisplayName":"d"}}])",
         R"({"userName":"u","name":{"givenName":"g"},"displayName":"d"})"},
        {"the alias URN of the directory extension", R"({"userName":"u"})",
         R"([{"op":"add","path":"urn:8x8:scim:schemas:extension:8x8user:2.0:User:site","value":"London"}])",
         R"({"userName":"u","urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"site":"London"}})"},
        {"remove values of a simple multi-valued attribute by value list",
         R"({"userName":"u","urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"licenses":["X4","Lobby"]}})",
         R"([{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:8x8:1.1:User:licenses","value":["Lobby"]}])",
         R"({"userName":"u","urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"licenses":["X4"]}})"},
    };
    for (auto const& c : cases) {
        CAPTURE(c.name);
        auto const after = patch("User", c.before, c.operations);
        CHECK_MESSAGE(after == json::parse(c.after).as_object(), json::serialize(after));
    }
}

TEST_CASE("PATCH on groups: RFC 7644 member examples and Entra/Okta membership shapes") {
    std::string_view const group =
        R"({"displayName":"g","members":[{"value":"a","display":"A"},{"value":"b"},{"value":"c"}]})";
    Case const cases[] = {
        {"add members", R"({"displayName":"g"})",
         R"([{"op":"add","path":"members","value":[{"value":"a","$ref":null}]}])",
         R"({"displayName":"g","members":[{"value":"a"}]})"},
        {"remove one member by filter", group, R"([{"op":"remove","path":"members[value eq \"b\"]"}])",
         R"({"displayName":"g","members":[{"value":"a"},{"value":"c"}]})"},
        {"remove members by value list (Entra)", group,
         R"([{"op":"Remove","path":"members","value":[{"value":"a"},{"value":"c"}]}])",
         R"({"displayName":"g","members":[{"value":"b"}]})"},
        {"remove all members", group, R"([{"op":"remove","path":"members"}])", R"({"displayName":"g"})"},
        {"replace members with an empty list (Okta)", group, R"([{"op":"replace","path":"members","value":[]}])",
         R"({"displayName":"g"})"},
    };
    for (auto const& c : cases) {
        CAPTURE(c.name);
        auto const after = patch("Group", c.before, c.operations);
        CHECK_MESSAGE(after == json::parse(c.after).as_object(), json::serialize(after));
    }
    auto const okta = patch("Group", group,
                            R"([{"op":"replace","value":{"displayName":"h"}},
                                {"op":"remove","path":"members[value eq \"a\"]"},
                                {"op":"add","path":"members","value":[{"value":"d"}]}])");
    CHECK(okta ==
          json::parse(R"({"displayName":"h","members":[{"value":"b"},{"value":"c"},{"value":"d"}]})").as_object());
}

TEST_CASE("bad PATCH requests are 400 with the scimType that says why") {
    using T = scim::ScimType;
    struct Bad {
        std::string_view operations;
        T type;
    };
    Bad const cases[] = {
        {R"([{"op":"remove"}])", T::no_target},
        {R"([{"op":"remove","path":"emails[type eq \"home\"]"}])", T::no_target},
        {R"([{"op":"replace","path":"emails[type ne \"work\"].value","value":"x"}])", T::no_target},
        {R"([{"op":"replace","path":"shoeSize","value":1}])", T::invalid_path},
        {R"([{"op":"replace","path":"name.nick","value":1}])", T::invalid_path},
        {R"([{"op":"replace","path":"title[x eq 1]","value":1}])", T::invalid_path},
        {R"([{"op":"replace","path":"emails[type eq \"work\"","value":1}])", T::invalid_path},
        {R"([{"op":"replace","path":"emails[type eq]","value":1}])", T::invalid_filter},
        {R"([{"op":"replace","value":{"shoeSize":1}}])", T::invalid_path},
        {R"([{"op":"replace","path":"id","value":"x"}])", T::mutability},
        {R"([{"op":"replace","path":"meta.version","value":"x"}])", T::mutability},
        {R"([{"op":"remove","path":"userName"}])", T::mutability},
        {R"([{"op":"replace","path":"active","value":"maybe"}])", T::invalid_value},
        {R"([{"op":"replace","path":"userName","value":""}])", T::invalid_value},
        {R"([{"op":"replace","path":"title"}])", T::invalid_value},
        {R"([{"op":"replace","value":"x"}])", T::invalid_value},
        {R"([{"op":"add","path":"emails","value":[{"value":"a","primary":true},{"value":"b","primary":true}]}])",
         T::invalid_value},
        {R"([{"op":"move","path":"title","value":"x"}])", T::invalid_syntax},
        {R"([{"path":"title","value":"x"}])", T::invalid_syntax},
        {R"([{"op":"add","path":"title","value":"x","extra":1}])", T::invalid_syntax},
        {R"([])", T::invalid_syntax},
        {R"({})", T::invalid_syntax},
    };
    std::string_view const before = R"({"userName":"u","emails":[{"value":"a@x","type":"work"}]})";
    for (auto const& c : cases) {
        CAPTURE(c.operations);
        CHECK(expect_error([&] { patch("User", before, c.operations); }).scim_type() == c.type);
    }
    auto const no_schema = expect_error([] {
        scim::parse_patch_request(
            json::parse(R"({"Operations":[{"op":"add","path":"title","value":"x"}]})").as_object());
    });
    CHECK(no_schema.scim_type() == T::invalid_syntax);
}

TEST_CASE("a PATCH that changes nothing says so - a password is taken out, never stored") {
    auto const body = json::parse(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations":[{"op":"replace","path":"title","value":"Boss"}]})")
                          .as_object();
    auto const& type = *registry().resource_type("User");
    auto const same = scim::apply_patch(json::parse(R"({"userName":"u","title":"Boss"})").as_object(),
                                        scim::parse_patch_request(body), type, registry());
    CHECK_FALSE(same.changed);
    auto const with_password = json::parse(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations":[{"op":"replace","value":{"password":"s3cret"}}]})")
                                   .as_object();
    auto const request = scim::parse_patch_request(with_password);
    CHECK(scim::patch_password(request) == "s3cret");
    auto const outcome = scim::apply_patch(json::parse(R"({"userName":"u"})").as_object(), request, type, registry());
    CHECK(outcome.changed);
    CHECK(outcome.password == "s3cret");
    CHECK_FALSE(outcome.attributes.contains("password"));
}
