#include "storage/resource_query.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include <boost/json/parse.hpp>
#include <pqxx/pqxx>

#include "scim/filter_parser.hpp"
#include "storage/license_repository.hpp"
#include "storage/site_repository.hpp"
#include "storage/user_repository.hpp"
#include "tests/support/expect_error.hpp"
#include "tests/support/test_database.hpp"

namespace json = boost::json;

namespace {

scim::SchemaRegistry const& registry() { return scim::SchemaRegistry::builtin(); }
scim::ResourceType const& user_type() { return *registry().resource_type("User"); }

// A small directory with the attributes the filters below look at.
struct Directory {
    TestDatabase db;
    storage::ChangeContext ctx;

    Directory() : ctx{db.create_tenant("acme"), "", "", std::chrono::system_clock::now()} {
        char const* people[] = {
            R"({"userName":"bjensen@example.com","externalId":"701984","title":"Tour Guide","userType":"Employee","active":true,
                "name":{"familyName":"Jensen","givenName":"Barbara"},
                "emails":[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"}],
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Tour Operations"}})",
            R"({"userName":"JDoe@Example.com","userType":"Intern","active":false,"name":{"familyName":"Doe","givenName":"John"},
                "emails":[{"value":"JDoe@EXAMPLE.org","type":"work"}],
                "urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"site":"London","licenses":["X4","Lobby"]}})",
            R"({"userName":"o.malley","title":"","displayName":"Pat O'Malley","name":{"familyName":"O'Malley"},
                "ims":[{"value":"pat@foo.com","type":"xmpp"}]})",
            R"({"userName":"nobody_special","active":true,"emails":[{"value":"100%_sure@x.com","type":"other"}]})",
        };
        pqxx::work tx(db.connection());
        storage::SiteRepository(tx, {ctx.tenant_id}).create({"", "London", "44", 4, "en-GB", "Europe/London", {}});
        storage::LicenseRepository licenses(tx, {ctx.tenant_id});
        licenses.set("X4", 10);
        licenses.set("Lobby", 10);
        for (auto const* p : people) {
            ctx.now += std::chrono::seconds(1);
            storage::UserRepository(tx, ctx).create(json::parse(p).as_object(), std::nullopt);  // at ctx.now
        }
        // A manager reference as an identity provider's id may look; the server checks it on writes, not here.
        tx.exec(
            "UPDATE users SET data = jsonb_set(data, "
            "'{urn:ietf:params:scim:schemas:extension:enterprise:2.0:User,manager}',"
            " '{\"value\":\"m1\"}') WHERE user_name = 'bjensen@example.com'");
        tx.commit();
    }

    std::vector<std::string> names(std::string_view filter, storage::ListQuery query = {}) {
        std::optional<scim::BoundFilter> bound;
        if (!filter.empty()) bound = scim::bind_filter(scim::parse_filter(filter), user_type(), registry());
        query.filter = bound ? &*bound : nullptr;
        pqxx::work tx(db.connection());
        auto const page = storage::list_resources(tx, storage::users_table(), ctx.tenant_id, query);
        std::vector<std::string> out;
        for (auto const& r : page.resources) out.emplace_back(r.attributes.at("userName").as_string());
        return out;
    }
};

using Names = std::vector<std::string>;

}  // namespace

TEST_CASE("filters from RFC 7644 and from Entra and Okta select exactly the right users") {
    Directory d;
    std::pair<std::string_view, Names> const cases[] = {
        {R"(userName eq "BJENSEN@example.com")", {"bjensen@example.com"}},
        {R"(userName eq "jdoe@example.com")", {"JDoe@Example.com"}},
        {R"(externalId eq "701984")", {"bjensen@example.com"}},
        {R"(externalId eq "701985")", {}},
        {R"(name.familyName co "O'Malley")", {"o.malley"}},
        {R"(userName sw "J")", {"JDoe@Example.com"}},
        {R"(urn:ietf:params:scim:schemas:core:2.0:User:userName sw "j")", {"JDoe@Example.com"}},
        {"title pr", {"bjensen@example.com"}},  // an empty title is not present
        {R"(title pr and userType eq "Employee")", {"bjensen@example.com"}},
        {R"(title pr or userType eq "Intern")", {"bjensen@example.com", "JDoe@Example.com"}},
        {R"(schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")", {"bjensen@example.com"}},
        {R"(userType eq "Employee" and (emails co "example.com" or emails.value co "example.org"))",
         {"bjensen@example.com"}},
        {R"(userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org"))",
         {"o.malley", "nobody_special"}},
        {R"(userType eq "Employee" and (emails.type eq "work"))", {"bjensen@example.com"}},
        {R"(userType eq "Employee" and emails[type eq "work" and value co "@example.com"])", {"bjensen@example.com"}},
        {R"(emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"])",
         {"bjensen@example.com", "o.malley"}},
        {R"(emails[type eq "work"].value eq "jdoe@example.org")", {"JDoe@Example.com"}},
        {R"(emails.value eq "BABS@jensen.org")", {"bjensen@example.com"}},
        {R"(emails co "100%_")", {"nobody_special"}},
        {R"(emails co "0%x")", {}},
        {"active eq false", {"JDoe@Example.com"}},
        {"active eq true", {"bjensen@example.com", "nobody_special"}},
        {"not (active eq true)", {"JDoe@Example.com", "o.malley"}},
        {R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "tour operations")",
         {"bjensen@example.com"}},
        {R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "m1")",
         {"bjensen@example.com"}},
        {R"(urn:ietf:params:scim:schemas:extension:8x8:1.1:User:licenses eq "Lobby")", {"JDoe@Example.com"}},
        {R"(urn:ietf:params:scim:schemas:extension:8x8:1.1:User:site eq "london")", {}},  // site is case-exact
        {R"(displayName eq null)", {"bjensen@example.com", "JDoe@Example.com", "nobody_special"}},
        {R"(meta.lastModified gt "2000-01-01T00:00:00Z")",
         {"bjensen@example.com", "JDoe@Example.com", "o.malley", "nobody_special"}},
        {R"(meta.lastModified lt "2000-01-01T00:00:00Z")", {}},
        {R"(meta.resourceType eq "User")", {"bjensen@example.com", "JDoe@Example.com", "o.malley", "nobody_special"}},
        {R"(userName eq "nobody")", {}},
    };
    for (auto const& [filter, expected] : cases) {
        CAPTURE(filter);
        CHECK(d.names(filter) == expected);
    }
}

TEST_CASE("another tenant's users never match") {
    Directory d;
    auto const other = d.db.create_tenant("other");
    pqxx::work tx(d.db.connection());
    auto const bound =
        scim::bind_filter(scim::parse_filter(R"(userName eq "bjensen@example.com")"), user_type(), registry());
    storage::ListQuery q;
    q.filter = &bound;
    auto const page = storage::list_resources(tx, storage::users_table(), other, q);
    CHECK(page.resources.empty());
    CHECK(page.total == 0);
}

TEST_CASE("sortBy orders case-insensitively with absent values last, and sortOrder reverses") {
    Directory d;
    storage::ListQuery q;
    q.sort =
        storage::sort_key(scim::resolve_sort_path("name.familyName", user_type(), registry()), storage::users_table());
    CHECK(d.names("", q) == Names{"JDoe@Example.com", "bjensen@example.com", "o.malley", "nobody_special"});
    q.descending = true;
    CHECK(d.names("", q) == Names{"nobody_special", "o.malley", "bjensen@example.com", "JDoe@Example.com"});
    q.sort = storage::sort_key(scim::resolve_sort_path("userName", user_type(), registry()), storage::users_table());
    q.descending = false;
    CHECK(d.names("", q) == Names{"bjensen@example.com", "JDoe@Example.com", "nobody_special", "o.malley"});
}

TEST_CASE("keyset pages walk the whole set forwards and backwards, also over NULL sort keys") {
    Directory d;
    for (bool descending : {false, true}) {
        for (std::string_view sort_by : {"", "name.familyName", "userName"}) {
            CAPTURE(descending);
            CAPTURE(sort_by);
            storage::ListQuery q;
            if (!sort_by.empty())
                q.sort = storage::sort_key(scim::resolve_sort_path(sort_by, user_type(), registry()),
                                           storage::users_table());
            q.descending = descending;
            q.count_total = false;
            auto const all = d.names("", q);
            REQUIRE(all.size() == 4);
            q.count = 1;
            Names forwards;
            std::vector<storage::Keyset> keys;
            pqxx::work tx(d.db.connection());
            for (;;) {
                auto const page = storage::list_resources(tx, storage::users_table(), d.ctx.tenant_id, q);
                for (auto const& r : page.resources) forwards.emplace_back(r.attributes.at("userName").as_string());
                keys.insert(keys.end(), page.keys.begin(), page.keys.end());
                if (!page.more_after) break;
                q.after = page.keys.back();
            }
            CHECK(forwards == all);
            // From the last row, step back one page at a time.
            q.after.reset();
            q.before = keys.back();
            Names backwards;
            for (;;) {
                auto const page = storage::list_resources(tx, storage::users_table(), d.ctx.tenant_id, q);
                for (auto const& r : page.resources) backwards.emplace_back(r.attributes.at("userName").as_string());
                if (!page.more_before) break;
                q.before = page.keys.front();
            }
            std::reverse(backwards.begin(), backwards.end());
            CHECK(backwards == Names(all.begin(), all.end() - 1));
        }
    }
}

TEST_CASE("offset pages report the total and whether more follow") {
    Directory d;
    storage::ListQuery q;
    q.count = 3;
    q.offset = 2;
    pqxx::work tx(d.db.connection());
    auto const page = storage::list_resources(tx, storage::users_table(), d.ctx.tenant_id, q);
    CHECK(page.total == 4);
    CHECK(page.resources.size() == 2);
    CHECK_FALSE(page.more_after);
}

TEST_CASE("the hot lookups are answered from indexes (EXPLAIN)") {
    TestDatabase db;
    auto const tenant = db.create_tenant("big");
    {
        pqxx::work tx(db.connection());
        tx.exec_params(
            "INSERT INTO users (tenant_id, data, created_at, modified_at) "
            "SELECT $1, jsonb_build_object('userName', 'user' || i || '@example.com', 'externalId', 'ext' || i, "
            "  'emails', jsonb_build_array(jsonb_build_object('value', 'mail' || i || '@example.com', 'type', "
            "'work'))), "
            "  now(), now() FROM generate_series(1, 5000) AS i",
            tenant);
        tx.exec("ANALYZE users");
        tx.commit();
    }
    std::pair<std::string_view, std::string_view> const cases[] = {
        {R"(userName eq "USER42@example.com")", "users_user_name_key"},
        {R"(externalId eq "ext42")", "users_external_id"},
        {R"(emails.value eq "Mail42@example.com")", "users_email_values"},
        {R"(emails[type eq "work"].value eq "mail42@example.com")", ""},  // a value path: correct, not indexed
    };
    for (auto const& [filter, index] : cases) {
        CAPTURE(filter);
        auto const bound = scim::bind_filter(scim::parse_filter(filter), user_type(), registry());
        storage::SqlParameters params;
        auto const where = "r.tenant_id = " + params.add(tenant) + "::uuid AND " +
                           storage::filter_sql(bound, storage::users_table(), params);
        pqxx::work tx(db.connection());
        auto const plan = tx.exec_params("EXPLAIN SELECT r.id FROM users r WHERE " + where,
                                         pqxx::prepare::make_dynamic_params(params.values()));
        std::string text;
        for (auto const& row : plan) text += row[0].as<std::string>() + "\n";
        CAPTURE(text);
        if (!index.empty()) CHECK(text.find(index) != std::string::npos);
        auto const found = tx.exec_params("SELECT count(*) FROM users r WHERE " + where,
                                          pqxx::prepare::make_dynamic_params(params.values()));
        CHECK(found[0][0].as<int>() == 1);
    }
}

TEST_CASE("a projection reads only the stored members it needs") {
    Directory d;
    storage::ListQuery q;
    q.members.only = {"userName", "name"};
    pqxx::work tx(d.db.connection());
    auto const page = storage::list_resources(tx, storage::users_table(), d.ctx.tenant_id, q);
    REQUIRE(page.resources.size() == 4);
    CHECK(page.resources[0].attributes.size() == 2);
    CHECK(page.resources[0].attributes.at("name").at("givenName") == "Barbara");
    CHECK(page.resources[3].attributes.size() == 1);  // no name stored: no member, not a null
    q.members = {{}, {"emails", "name"}};
    auto const without = storage::list_resources(tx, storage::users_table(), d.ctx.tenant_id, q);
    CHECK_FALSE(without.resources[0].attributes.contains("emails"));
    CHECK(without.resources[0].attributes.contains("title"));
}
