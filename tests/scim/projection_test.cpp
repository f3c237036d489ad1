#include "scim/projection.hpp"

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>

#include "scim/error.hpp"

#include "scim/urns.hpp"

namespace json = boost::json;

namespace {

scim::Selection select(std::string_view attributes, std::string_view excluded) {
    auto const& r = scim::SchemaRegistry::builtin();
    return scim::parse_selection(attributes, excluded, *r.resource_type("User"), r);
}

}  // namespace

TEST_CASE("selections are lower-cased and URN-qualified names are resolved") {
    auto const s = select(
        " UserName , name.GivenName,urn:ietf:params:scim:schemas:core:2.0:User:title,"
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department,"
        "urn:8x8:scim:schemas:extension:8x8user:2.0:User",
        "");
    CHECK(s.attributes ==
          std::vector<std::string>{"username", "name.givenname", "title",
                                   "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:department",
                                   "urn:ietf:params:scim:schemas:extension:8x8:1.1:user"});
}

TEST_CASE("names of other schemas are ignored") { CHECK(select("urn:example:other:thing,", "").attributes.empty()); }

TEST_CASE("returned characteristics decide first") {
    auto const none = select("", "");
    CHECK(scim::pick(none, "password", scim::Returned::never) == scim::Pick::none);
    CHECK(scim::pick(none, "id", scim::Returned::always) == scim::Pick::whole);
    CHECK(scim::pick(none, "title", scim::Returned::by_default) == scim::Pick::whole);
    CHECK(scim::pick(none, "secret", scim::Returned::request) == scim::Pick::none);
    CHECK(scim::pick(select("secret", ""), "secret", scim::Returned::request) == scim::Pick::whole);
    CHECK(scim::pick(select("", "id"), "id", scim::Returned::always) == scim::Pick::whole);
    CHECK(scim::pick(select("password", ""), "password", scim::Returned::never) == scim::Pick::none);
}

TEST_CASE("attributes keeps only what is named, whole or in part") {
    auto const s = select("name.givenName,emails", "");
    CHECK(scim::pick(s, "title", scim::Returned::by_default) == scim::Pick::none);
    CHECK(scim::pick(s, "emails", scim::Returned::by_default) == scim::Pick::whole);
    CHECK(scim::pick(s, "emails.value", scim::Returned::by_default) == scim::Pick::whole);
    CHECK(scim::pick(s, "name", scim::Returned::by_default) == scim::Pick::partial);
    CHECK(scim::pick(s, "name.givenname", scim::Returned::by_default) == scim::Pick::whole);
    CHECK(scim::pick(s, "name.familyname", scim::Returned::by_default) == scim::Pick::none);
}

TEST_CASE("excludedAttributes removes what is named, whole or in part") {
    auto const s = select("", "name.familyName,emails");
    CHECK(scim::pick(s, "title", scim::Returned::by_default) == scim::Pick::whole);
    CHECK(scim::pick(s, "emails", scim::Returned::by_default) == scim::Pick::none);
    CHECK(scim::pick(s, "name", scim::Returned::by_default) == scim::Pick::partial);
    CHECK(scim::pick(s, "name.familyname", scim::Returned::by_default) == scim::Pick::none);
    CHECK(scim::pick(s, "name.givenname", scim::Returned::by_default) == scim::Pick::whole);
}

TEST_CASE("a whole extension can be selected or excluded") {
    std::string const ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user";
    auto const only = select("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "");
    CHECK(scim::pick(only, ent + ":department", scim::Returned::by_default) == scim::Pick::whole);
    CHECK(scim::pick(only, "title", scim::Returned::by_default) == scim::Pick::none);
    auto const without = select("", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");
    CHECK(scim::pick(without, ent + ":department", scim::Returned::by_default) == scim::Pick::none);
}

TEST_CASE("a selection tells which stored members a read needs") {
    auto const& r = scim::SchemaRegistry::builtin();
    auto const& user = *r.resource_type("User");
    auto const members = [&](std::string_view attributes, std::string_view excluded) {
        return scim::stored_members(scim::parse_selection(attributes, excluded, user, r), user, r);
    };
    auto const only =
        members("userName,name.givenName,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "");
    CHECK(only.only ==
          std::vector<std::string>{"userName", "name", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"});
    CHECK(members("id", "").only == std::vector<std::string>{"id"});
    auto const without =
        members("", "emails,name.givenName,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");
    CHECK(without.without ==
          std::vector<std::string>{"emails", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"});
    CHECK(members("", "").only.empty());
    CHECK(members("", "").without.empty());
}

TEST_CASE("a value filter in attributes keeps only the matching values, in excludedAttributes all but those") {
    auto const only = select(R"(emails[type eq "work"],userName)", "");
    CHECK(only.attributes == std::vector<std::string>{"emails", "username"});
    json::value const work = json::parse(R"({"value":"a@x","type":"work"})");
    json::value const home = json::parse(R"({"value":"b@x","type":"home"})");
    CHECK(only.keeps_value("emails", work));
    CHECK_FALSE(only.keeps_value("emails", home));
    auto const sub = select(R"(emails[type eq "work" or value co ","].value)", "");
    CHECK(sub.attributes == std::vector<std::string>{"emails.value"});
    CHECK_FALSE(sub.keeps_value("emails", home));
    auto const without = select("", R"(emails[type eq "work"])");
    CHECK(without.excluded.empty());  // emails stays; only its work values go
    CHECK_FALSE(without.keeps_value("emails", work));
    CHECK(without.keeps_value("emails", home));
}

TEST_CASE("a value filter that does not parse or needs a multi-valued attribute is 400 invalidFilter") {
    for (auto const* bad : {R"(emails[type eq])", R"(emails[type eq "work")", R"(userName[value eq "x"])",
                            R"(emails[type eq "work"].nosuch)"}) {
        CAPTURE(bad);
        try {
            select(bad, "");
            FAIL("expected an error");
        } catch (scim::Error const& e) {
            CHECK(e.scim_type() == scim::ScimType::invalid_filter);
        }
    }
}

TEST_CASE("a name repeated many times counts once") {
    std::string many;
    for (int i = 0; i < 60; ++i) many += "userName,";
    CHECK(select(many, "").attributes == std::vector<std::string>{"username"});
}
