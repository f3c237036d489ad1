#include "storage/filter_sql.hpp"

#include <doctest/doctest.h>

#include "scim/filter_parser.hpp"

namespace {

struct Sql {
    std::string where;
    std::vector<std::string> params;
};

Sql translate(std::string_view filter) {
    auto const& r = scim::SchemaRegistry::builtin();
    auto const bound = scim::bind_filter(scim::parse_filter(filter), *r.resource_type("User"), r);
    storage::SqlParameters params(1);
    auto where = storage::filter_sql(bound, storage::users_table(), params);
    return {where, params.values()};
}

}  // namespace

TEST_CASE("the hot lookups become indexable predicates with the value as a parameter") {
    auto const user_name = translate(R"(userName eq "BJensen@x.com")");
    CHECK(user_name.where == "(lower(r.user_name) = lower($2))");
    CHECK(user_name.params == std::vector<std::string>{"BJensen@x.com"});
    CHECK(translate(R"(externalId eq "E1")").where == "(r.external_id = $2)");
    CHECK(translate(R"(emails.value eq "a@x.com")").where ==
          "(scimd_lower_values(r.data->'emails', 'value') @> ARRAY[lower($2)])");
    CHECK(translate("active eq true").where == "(r.active = $2::boolean)");
}

TEST_CASE("values never appear in the SQL text") {
    auto const sql = translate(R"(title eq "x'; DROP TABLE users; --" or displayName co "%_\\")");
    CHECK(sql.where.find("DROP") == std::string::npos);
    CHECK(sql.params.size() == 2);
    CHECK(sql.params[1] == "%\\%\\_\\\\%");  // co escapes LIKE's wildcards
}

TEST_CASE("sw and ew anchor the pattern - case-exact attributes are not folded") {
    auto const sw = translate(R"(userName sw "bj")");
    CHECK(sw.where == "(lower(r.user_name) LIKE lower($2))");
    CHECK(sw.params[0] == "bj%");
    CHECK(translate(R"(externalId ew "42")").params[0] == "%42");
    CHECK(translate(R"(externalId ew "42")").where == "(r.external_id LIKE $2)");
}

TEST_CASE("multi-valued attributes and value paths become EXISTS over their elements") {
    CHECK(translate(R"(emails[type eq "work" and value co "@x.com"])").where ==
          "EXISTS (SELECT 1 FROM jsonb_array_elements(r.data->'emails') AS e1(v) WHERE "
          "((lower(e1.v->>'type') = lower($2)) AND (lower(e1.v->>'value') LIKE lower($3))))");
    CHECK(translate(R"(urn:ietf:params:scim:schemas:extension:8x8:1.1:User:licenses eq "X4")").where ==
          "EXISTS (SELECT 1 FROM "
          "jsonb_array_elements_text(r.data->'urn:ietf:params:scim:schemas:extension:8x8:1.1:User'->"
          "'licenses') AS e1(v) WHERE (e1.v = $2))");
}

TEST_CASE("not and ne treat an absent attribute as not matching the inner test") {
    CHECK(translate(R"(title ne "x")").where == "(NOT coalesce((lower(r.data->>'title') = lower($2)), false))");
    CHECK(translate("not (title pr)").where == "(NOT coalesce((r.data->>'title' <> ''), false))");
}

TEST_CASE("typed comparisons cast the parameter to the attribute's type") {
    CHECK(translate(R"(meta.lastModified gt "2026-01-01T00:00:00Z")").where == "(r.modified_at > $2::timestamptz)");
    CHECK(translate(R"(name.familyName lt "m")").where ==
          "(lower(r.data->'name'->>'familyName') COLLATE \"C\" < lower($2))");
}

TEST_CASE("sort keys: folded strings, typed columns, the primary value of a list") {
    auto const& r = scim::SchemaRegistry::builtin();
    auto const& user = *r.resource_type("User");
    auto const key = [&](std::string_view path) {
        return storage::sort_key(scim::resolve_sort_path(path, user, r), storage::users_table());
    };
    CHECK(key("userName").expression == "lower(r.user_name)");
    CHECK_FALSE(key("userName").nullable);
    CHECK(key("meta.created").sql_type == "timestamptz");
    CHECK(key("emails").expression.find("ORDER BY (s.v->'primary')") != std::string::npos);
}
