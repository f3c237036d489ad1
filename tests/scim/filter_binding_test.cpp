#include "scim/filter_binding.hpp"

#include <doctest/doctest.h>

#include "scim/filter_parser.hpp"
#include "scim/urns.hpp"
#include "tests/support/expect_error.hpp"

namespace {

scim::BoundFilter bind(std::string_view text) {
    auto const& r = scim::SchemaRegistry::builtin();
    return scim::bind_filter(scim::parse_filter(text), *r.resource_type("User"), r);
}

scim::BoundComparison comparison(std::string_view text) { return std::get<scim::BoundComparison>(bind(text).node); }

}  // namespace

TEST_CASE("paths resolve case-insensitively to the schema's attributes") {
    auto const c = comparison(R"(NAME.FAMILYNAME eq "x")");
    CHECK(c.path.to_string() == "name.familyName");
    CHECK(comparison(R"(urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x")").path.to_string() == "userName");
    CHECK(comparison(R"(department eq "x")").path.to_string() ==
          std::string(scim::urn::enterprise_user) + ":department");
    CHECK(comparison(R"(urn:8x8:scim:schemas:extension:8x8user:2.0:User:site eq "x")").path.to_string() ==
          std::string(scim::urn::directory_user) + ":site");
    CHECK(comparison(R"(meta.lastmodified gt "2026-01-01T00:00:00Z")").path.to_string() == "meta.lastModified");
}

TEST_CASE("a multi-valued complex attribute compared as a whole means its value") {
    CHECK(comparison(R"(emails co "example.com")").path.to_string() == "emails.value");
    CHECK(comparison("emails pr").path.to_string() == "emails.value");
}

TEST_CASE("value paths bind their inner paths to sub-attributes") {
    auto const bound = bind(R"(emails[type eq "work"])");
    auto const& vp = std::get<scim::BoundValuePath>(bound.node);
    CHECK(vp.path.attribute->name == "emails");
    auto const& inner = std::get<scim::BoundComparison>(vp.filter->node);
    CHECK(inner.path.to_string() == "emails.type");
}

TEST_CASE("semantic errors are 400 invalidFilter naming the attribute") {
    std::pair<std::string_view, std::string_view> const cases[] = {
        {R"(shoeSize eq "9")", "shoeSize"},
        {R"(name.nickname eq "x")", "nickname"},
        {"active gt true", "active"},
        {R"(x509Certificates.value lt "AA==")", "x509Certificates.value"},
        {"active co true", "active"},
        {R"(active eq "yes")", "active"},
        {"userName eq 42", "userName"},
        {R"(meta.lastModified gt "yesterday")", "meta.lastModified"},
        {R"(name eq "x")", "name"},
        {R"(password eq "secret")", "password"},
        {R"(userName gt null)", "userName"},
        {R"(title[value eq "x"])", "title"},
        {R"(emails[kind eq "work"])", "kind"},
        {R"(urn:example:other:User:thing eq "x")", "urn:example:other:User:thing"},
    };
    for (auto const& [text, named] : cases) {
        CAPTURE(text);
        auto const e = expect_error([&] { bind(text); });
        CHECK(e.scim_type() == scim::ScimType::invalid_filter);
        CHECK(e.detail().find(named) != std::string::npos);
    }
}

TEST_CASE("sortBy resolves like a filter path and refuses what cannot be sorted") {
    auto const& r = scim::SchemaRegistry::builtin();
    auto const& user = *r.resource_type("User");
    CHECK(scim::resolve_sort_path("name.familyname", user, r).to_string() == "name.familyName");
    CHECK(scim::resolve_sort_path("emails", user, r).to_string() == "emails.value");
    for (std::string_view bad : {"shoeSize", "name", "password", "a b"}) {
        CAPTURE(bad);
        CHECK(expect_error([&] { scim::resolve_sort_path(bad, user, r); }).scim_type() ==
              scim::ScimType::invalid_value);
    }
}
