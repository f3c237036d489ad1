#include "scim/filter_parser.hpp"

#include <doctest/doctest.h>

#include "tests/support/expect_error.hpp"

namespace {

std::string canonical(std::string_view text) { return scim::to_string(scim::parse_filter(text)); }

}  // namespace

TEST_CASE("every filter example of RFC 7644 section 3.4.2.2 parses") {
    std::pair<std::string_view, std::string_view> const examples[] = {
        {R"(userName eq "bjensen")", R"(userName eq "bjensen")"},
        {R"(name.familyName co "O'Malley")", R"(name.familyName co "O'Malley")"},
        {R"(userName sw "J")", R"(userName sw "J")"},
        {R"(urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J")",
         R"(urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J")"},
        {"title pr", "title pr"},
        {R"(meta.lastModified gt "2011-05-13T04:42:34Z")", R"(meta.lastModified gt "2011-05-13T04:42:34Z")"},
        {R"(meta.lastModified ge "2011-05-13T04:42:34Z")", R"(meta.lastModified ge "2011-05-13T04:42:34Z")"},
        {R"(meta.lastModified lt "2011-05-13T04:42:34Z")", R"(meta.lastModified lt "2011-05-13T04:42:34Z")"},
        {R"(meta.lastModified le "2011-05-13T04:42:34Z")", R"(meta.lastModified le "2011-05-13T04:42:34Z")"},
        {R"(title pr and userType eq "Employee")", R"((title pr and userType eq "Employee"))"},
        {R"(title pr or userType eq "Intern")", R"((title pr or userType eq "Intern"))"},
        {R"(schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")",
         R"(schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")"},
        {R"(userType eq "Employee" and (emails co "example.com" or emails.value co "example.org"))",
         R"((userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")))"},
        {R"(userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org"))",
         R"((userType ne "Employee" and not ((emails co "example.com" or emails.value co "example.org"))))"},
        {R"(userType eq "Employee" and (emails.type eq "work"))",
         R"((userType eq "Employee" and emails.type eq "work"))"},
        {R"(userType eq "Employee" and emails[type eq "work" and value co "@example.com"])",
         R"((userType eq "Employee" and emails[(type eq "work" and value co "@example.com")]))"},
        {R"(emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"])",
         R"((emails[(type eq "work" and value co "@example.com")] or ims[(type eq "xmpp" and value co "@foo.com")]))"},
    };
    for (auto const& [text, expected] : examples) {
        CAPTURE(text);
        CHECK(canonical(text) == expected);
    }
}

TEST_CASE("precedence: not binds tighter than and, and tighter than or") {
    CHECK(canonical("a pr and b pr or c pr") == "((a pr and b pr) or c pr)");
    CHECK(canonical("a pr or b pr and c pr") == "(a pr or (b pr and c pr))");
    CHECK(canonical("a pr and not (b pr) or c pr") == "((a pr and not (b pr)) or c pr)");
    CHECK(canonical("(a pr or b pr) and c pr") == "((a pr or b pr) and c pr)");
    CHECK(canonical("a pr and b pr and c pr") == "((a pr and b pr) and c pr)");
}

TEST_CASE("operators, keywords and literals are case-insensitive - values keep their case") {
    CHECK(canonical(R"(UserName EQ "BJensen")") == R"(UserName eq "BJensen")");
    CHECK(canonical(R"(a pr AND b Pr OR NOT (c PR))") == "((a pr and b pr) or not (c pr))");
    CHECK(canonical("active eq True") == "active eq true");
    CHECK(canonical("manager eq NULL") == "manager eq null");
}

TEST_CASE("values are JSON literals") {
    CHECK(canonical(R"(displayName eq "say \"hi\"")") == R"(displayName eq "say \"hi\"")");
    CHECK(canonical(R"(displayName eq "caf\u00e9")") == "displayName eq \"caf\xc3\xa9\"");
    CHECK(canonical("age gt 42") == "age gt 42");
    CHECK(canonical("score le -1.5e2") == "score le -1.5E2");
    CHECK(canonical("active eq false") == "active eq false");
    CHECK(canonical(R"(userName eq "a)b")") == R"(userName eq "a)b")");
}

TEST_CASE("Entra's value path with a sub-attribute comparison") {
    CHECK(canonical(R"(emails[type eq "work"].value eq "a@x.com")") ==
          R"(emails[(type eq "work" and value eq "a@x.com")])");
}

TEST_CASE("extension paths with dots in the URN") {
    CHECK(canonical(R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "1")") ==
          R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "1")");
    auto const f =
        scim::parse_filter(R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "x")");
    auto const& c = std::get<scim::Comparison>(f.node);
    CHECK(c.path.urn == "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");
    CHECK(c.path.attribute == "department");
}

TEST_CASE("names that start with a keyword are names") {
    CHECK(canonical("notes pr") == "notes pr");
    CHECK(canonical("order pr and andrew pr") == "(order pr and andrew pr)");
}

TEST_CASE("malformed filters are 400 invalidFilter naming the offset") {
    for (std::string_view text : {"",
                                  "   ",
                                  "userName eq",
                                  "userName",
                                  "(title pr",
                                  "title pr)",
                                  "userName zz \"x\"",
                                  "userName eq bj\"ensen",
                                  "userName eq {x",
                                  "userName eq (x",
                                  "userName eq \"unterminated",
                                  "emails[type eq \"work\"",
                                  "emails[type eq \"work\"] extra",
                                  "emails[types[a pr]]",
                                  "name.givenName[a pr]",
                                  "title pr and",
                                  "and title pr",
                                  "not title pr",
                                  "userName eq {\"a\":1}",
                                  "userName eq [1]",
                                  "a..b pr",
                                  "a.b.c pr",
                                  "titlepr",
                                  "title  eq\"x\"",
                                  "emails[type eq \"work\"].value",
                                  "emails[type eq \"work\"].value.x eq 1"}) {
        CAPTURE(text);
        auto const e = expect_error([&] { scim::parse_filter(text); });
        CHECK(e.status() == 400);
        CHECK(e.scim_type() == scim::ScimType::invalid_filter);
        CHECK(e.detail().find("offset") != std::string::npos);
    }
}

TEST_CASE("length, depth and term limits are 400 tooMany") {
    CHECK(expect_error([] { scim::parse_filter(std::string(9000, 'a')); }).scim_type() == scim::ScimType::too_many);
    std::string deep;
    for (int i = 0; i < 40; ++i) deep += "(";
    deep += "a pr";
    for (int i = 0; i < 40; ++i) deep += ")";
    CHECK(expect_error([&] { scim::parse_filter(deep); }).scim_type() == scim::ScimType::too_many);
    std::string wide = "a pr";
    for (int i = 0; i < 300; ++i) wide += " or a pr";
    CHECK(expect_error([&] { scim::parse_filter(wide); }).scim_type() == scim::ScimType::too_many);
    CHECK_NOTHROW(scim::parse_filter(deep, {100000, 64, 256}));
}

TEST_CASE("unquoted values that are no JSON literal are strings, as some clients write them") {
    std::pair<std::string_view, std::string_view> const cases[] = {
        {"userName sw O", R"(userName sw "O")"},
        {"name.familyName eq Employee", R"(name.familyName eq "Employee")"},
        {"meta.created gt 2015-10-10T14:38:21.8617979-07:00", R"(meta.created gt "2015-10-10T14:38:21.8617979-07:00")"},
        {"emails.value co example.com", R"(emails.value co "example.com")"},
        {"(userName eq O'Malley) and title pr", R"((userName eq "O'Malley" and title pr))"},
        {"emails[type eq work]", R"(emails[type eq "work"])"},
    };
    for (auto const& [text, expected] : cases) {
        CAPTURE(text);
        CHECK(canonical(text) == expected);
    }
}

TEST_CASE("unquoted true, false, null and numbers keep their JSON meaning") {
    CHECK(canonical("active eq True") == "active eq true");
    CHECK(canonical("userName eq 123") == "userName eq 123");
    CHECK(canonical("userName eq -15") == "userName eq -15");
    CHECK(canonical("userName ne null") == "userName ne null");
}
