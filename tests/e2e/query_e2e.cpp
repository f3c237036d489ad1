// Filters, sorting, index and cursor pagination, projection and .search over HTTPS.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include <boost/json/parse.hpp>

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "tests/e2e/e2e_fixture.hpp"

namespace {

std::string encode(std::string_view text) { return boost::urls::encode(text, boost::urls::unreserved_chars); }

std::string users_query(std::string_view filter, std::string_view more = "") {
    return "/scim/v2/Users?filter=" + encode(filter) + std::string(more);
}

}  // namespace

TEST_CASE("Okta's import: startIndex + count=100 until totalResults sees every user exactly once") {
    E2E e;
    e.seed_users("acme", 1050);
    e.seed_users("beta", 20);
    std::set<std::string> seen;
    std::int64_t total = -1;
    int pages = 0;
    for (std::int64_t start = 1; start <= 2000; start += 100) {  // bounded: 1,050 users are 11 pages
        auto const r = e.get("/scim/v2/Users?startIndex=" + std::to_string(start) + "&count=100");
        REQUIRE(r.status == 200);
        auto const body = r.json().as_object();
        total = body.at("totalResults").as_int64();
        CHECK(body.at("startIndex") == start);
        for (auto const& u : body.at("Resources").as_array())
            CHECK(seen.insert(std::string(u.at("id").as_string())).second);
        ++pages;
        if (start + 100 > total) break;
    }
    CHECK(total == 1050);
    CHECK(seen.size() == 1050);
    CHECK(pages == 11);
}

TEST_CASE("a startIndex walk continues after the last user it was served, also when users before it are deleted") {
    E2E e;
    e.seed_users("acme", 300);
    auto const page = [&](std::int64_t start, std::string const& query, int count = 100) {
        auto const r =
            e.get("/scim/v2/Users?startIndex=" + std::to_string(start) + "&count=" + std::to_string(count) + query);
        REQUIRE(r.status == 200);
        auto const body = r.json();
        std::vector<std::string> ids;
        for (auto const& u : body.at("Resources").as_array()) ids.emplace_back(u.at("id").as_string());
        return ids;
    };
    for (std::string const query : {"", "&sortBy=userName&sortOrder=descending"}) {
        CAPTURE(query);
        auto const first = page(1, query);
        REQUIRE(first.size() == 100);
        // Two users of the page already read leave: an OFFSET would now skip two users, the walk does not.
        CHECK(e.del("/scim/v2/Users/" + first[3]).status == 204);
        CHECK(e.del("/scim/v2/Users/" + first[50]).status == 204);
        auto const second = page(101, query);
        REQUIRE(second.size() == 100);
        auto const all = page(1, query, 1000);  // the order as it is now, in one page
        auto const after_first = std::find(all.begin(), all.end(), first.back());
        REQUIRE(all.end() - after_first > 100);
        CHECK(std::vector<std::string>(after_first + 1, after_first + 101) == second);
    }
    // A query with no page served before the startIndex is an OFFSET into the order as it is now.
    auto const filtered = page(1, "&filter=userName%20pr", 1000);
    REQUIRE(filtered.size() == 296);
    CHECK(page(151, "&filter=userName%20pr").front() == filtered[150]);
}

TEST_CASE("totalResults follows creates, bulk creates and deletes, per tenant") {
    E2E e;
    e.seed_users("acme", 150);
    e.seed_users("beta", 7);
    auto const total = [&](std::string const& query) {
        return e.get("/scim/v2/Users" + query).json().at("totalResults").as_int64();
    };
    CHECK(total("?count=10") == 150);
    auto const id = e.create_user("one@example.com");
    CHECK(total("?count=10") == 151);
    CHECK(total("?startIndex=140&count=100") == 151);  // the last page
    CHECK(e.del("/scim/v2/Users/" + id).status == 204);
    CHECK(e.del("/scim/v2/Users/" + e.create_user("two@example.com")).status == 204);
    CHECK(total("?count=10") == 150);
    CHECK(total("?count=0") == 150);
    auto const bulk = e.post("/scim/v2/Bulk", R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
        "Operations":[{"method":"POST","path":"/Users","bulkId":"a","data":{)" +
                                                  std::string(core_user_schema) +
                                                  R"(,"userName":"a@example.com"}},
                      {"method":"POST","path":"/Users","bulkId":"b","data":{)" +
                                                  std::string(core_user_schema) + R"(,"userName":"b@example.com"}}]})");
    REQUIRE(bulk.status == 200);
    CHECK(total("?count=0") == 152);
    CHECK(total("?filter=" + encode("userName sw \"user1\"") + "&count=5") == 62);  // user1, user10-19, user100-150
    CHECK(e.call("GET", "/scim/v2/Users?count=1", "", e.beta.read_token).json().at("totalResults") == 7);
}

TEST_CASE("cursor pages walk every user once, forwards and back") {
    E2E e;
    e.seed_users("acme", 1050);
    std::set<std::string> seen;
    std::vector<std::string> cursors;
    std::string next = "";
    for (int pages = 0; pages < 20; ++pages) {  // 11 pages; a server that never stops paging fails the count below
        auto const r = e.get("/scim/v2/Users?count=100&attributes=userName&cursor=" + encode(next));
        REQUIRE_MESSAGE(r.status == 200, r.body);
        auto const body = r.json().as_object();
        CHECK_FALSE(body.contains("startIndex"));
        for (auto const& u : body.at("Resources").as_array())
            CHECK(seen.insert(std::string(u.at("id").as_string())).second);
        if (!cursors.empty()) CHECK(body.contains("previousCursor"));
        if (!body.contains("nextCursor")) break;
        next = std::string(body.at("nextCursor").as_string());
        cursors.push_back(next);
    }
    CHECK(seen.size() == 1050);
    CHECK(cursors.size() == 10);
    // One step back from the last page gives the tenth page again.
    auto const last = e.get("/scim/v2/Users?count=100&attributes=userName&cursor=" + encode(cursors.back())).json();
    auto const back = e.get("/scim/v2/Users?count=100&attributes=userName&cursor=" +
                            encode(std::string(last.at("previousCursor").as_string())))
                          .json();
    auto const tenth =
        e.get("/scim/v2/Users?count=100&attributes=userName&cursor=" + encode(cursors[cursors.size() - 2])).json();
    CHECK(back.at("Resources") == tenth.at("Resources"));
}

TEST_CASE("Entra's lookups: userName, externalId, emails by type, and test connection") {
    E2E e;
    e.seed_users("acme", 200);
    auto const by_name = e.get(users_query(R"(userName eq "USER42@Example.com")")).json();
    CHECK(by_name.at("totalResults") == 1);
    CHECK(by_name.at("Resources").at(0).at("userName") == "user42@example.com");
    CHECK(e.get(users_query(R"(externalId eq "ext42")")).json().at("totalResults") == 1);
    CHECK(e.get(users_query(R"(externalId eq "EXT42")")).json().at("totalResults") == 0);  // externalId is case-exact
    CHECK(e.get(users_query(R"(emails[type eq "work"].value eq "mail42@example.com")")).json().at("totalResults") == 1);
    auto const none = e.get(users_query(R"(userName eq "8a1c7d4e-no-such-user")"));
    CHECK(none.status == 200);
    CHECK(none.json().at("totalResults") == 0);
    CHECK(none.json().at("Resources").as_array().empty());
}

TEST_CASE("a + in a value survives when the client percent-encodes it") {
    E2E e;
    e.create_user("first+tag@example.com");
    auto const r = e.get("/scim/v2/Users?filter=userName%20eq%20%22first%2Btag%40example.com%22");
    CHECK(r.json().at("totalResults") == 1);
}

TEST_CASE("sortBy and sortOrder order the whole result - count=0 returns only the total") {
    E2E e;
    e.seed_users("acme", 30);
    auto const page =
        e.get("/scim/v2/Users?sortBy=name.familyName&sortOrder=descending&count=3&attributes=name").json();
    for (auto const& u : page.at("Resources").as_array()) CHECK(u.at("name").at("familyName") == "F9");
    auto const only_total = e.get("/scim/v2/Users?count=0").json();
    CHECK(only_total.at("totalResults") == 30);
    CHECK(only_total.at("itemsPerPage") == 0);
    CHECK(only_total.at("Resources").as_array().empty());
    auto const clamped = e.get("/scim/v2/Users?count=100000&startIndex=-5").json();
    CHECK(clamped.at("startIndex") == 1);
    CHECK(clamped.at("itemsPerPage") == 30);
}

TEST_CASE("POST /Users/.search and POST /.search answer like GET, also with a read token") {
    E2E e;
    e.seed_users("acme", 50);
    std::string const body = R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        "attributes":["userName"],"filter":"name.familyName eq \"F3\"","sortBy":"userName","startIndex":1,"count":2})";
    for (auto const* path : {"/scim/v2/Users/.search", "/scim/v2/.search"}) {
        CAPTURE(path);
        auto const r = e.call("POST", path, body, e.acme.read_token, {{"Content-Type", "application/scim+json"}});
        REQUIRE_MESSAGE(r.status == 200, r.body);
        auto const json = r.json().as_object();
        CHECK(json.at("totalResults") == 5);
        CHECK(json.at("itemsPerPage") == 2);
        auto const& first = json.at("Resources").at(0).as_object();
        CHECK(first.at("userName") == "user13@example.com");
        CHECK_FALSE(first.contains("name"));
    }
    auto const bad = e.call("POST", "/scim/v2/Users/.search", R"({"filter":"userName pr"})", e.acme.read_token,
                            {{"Content-Type", "application/scim+json"}});
    CHECK(bad.status == 400);
    CHECK(bad.json().at("scimType") == "invalidSyntax");
}

TEST_CASE("bad queries are 400 with the scimType that says why") {
    E2E e;
    e.seed_users("acme", 5);
    std::pair<std::string, std::string> const cases[] = {
        {users_query("userName eq"), "invalidFilter"},
        {users_query(R"(shoeSize eq "9")"), "invalidFilter"},
        {users_query("active gt true"), "invalidFilter"},
        {"/scim/v2/Users?sortBy=shoeSize", "invalidValue"},
        {"/scim/v2/Users?sortBy=userName&sortOrder=sideways", "invalidValue"},
        {"/scim/v2/Users?count=ten", "invalidValue"},
        {"/scim/v2/Users?cursor=bm90LWEtY3Vyc29y.bm9wZQ", "invalidCursor"},
        {"/scim/v2/Users?cursor=&startIndex=1", "invalidValue"},
    };
    for (auto const& [path, type] : cases) {
        CAPTURE(path);
        auto const r = e.get(path);
        CHECK(r.status == 400);
        CHECK(r.json().at("scimType").as_string() == type);
    }
}

TEST_CASE("a cursor of one query or tenant is refused for another") {
    E2E e;
    e.seed_users("acme", 10);
    e.seed_users("beta", 10);
    auto const next = std::string(e.get("/scim/v2/Users?count=2&cursor=").json().at("nextCursor").as_string());
    CHECK(e.get("/scim/v2/Users?count=2&cursor=" + encode(next)).status == 200);
    auto const other_query = e.get(users_query("userName pr", "&count=2&cursor=" + encode(next)));
    CHECK(other_query.json().at("scimType") == "invalidCursor");
    auto const other_tenant = e.call("GET", "/scim/v2/Users?count=2&cursor=" + encode(next), "", e.beta.write_token);
    CHECK(other_tenant.json().at("scimType") == "invalidCursor");
}

TEST_CASE("filters written without quotes read as strings and return exactly the right users") {
    E2E e;
    e.seed_users("acme", 20);
    auto const total = [&](std::string_view filter) {
        auto const r = e.get(users_query(filter));
        REQUIRE_MESSAGE(r.status == 200, r.body);
        return r.json().at("totalResults").as_int64();
    };
    CHECK(total("userName sw user1") == 11);  // user1, user10 .. user19
    CHECK(total("name.familyName eq F3") == 2);
    CHECK(total("emails.value co 7@example.com") == 2);
    CHECK(total("emails.Value co 7@EXAMPLE.COM") == 2);  // names and string values are case-insensitive
    CHECK(total("meta.Created gt 2015-10-10T14:38:21.8617979-07:00") == 20);
    CHECK(total("meta.created gt 2999-01-01T00:00:00.123456789+14:00") == 0);
    CHECK(total("userName eq user7@example.com and name.familyName eq F7") == 1);
}

TEST_CASE("unquoted numbers and true keep their JSON meaning, and impossible dates are 400 invalidFilter") {
    E2E e;
    for (auto const* filter : {"userName eq 123", "userName eq true", "meta.created gt 2026-02-30T00:00:00Z",
                               "meta.created gt 0000-01-01T00:00:00Z", "meta.created gt 2026-01-01T00:00:00+99:99",
                               "meta.lastModified lt \"2026-01-01T00:00:00.1234567890Z\""}) {
        CAPTURE(filter);
        auto const r = e.get(users_query(filter));
        CHECK(r.status == 400);
        CHECK(r.json().at("scimType") == "invalidFilter");
    }
}

TEST_CASE("attributes with a value filter return the matching values, excludedAttributes all the others") {
    E2E e;
    auto const id = e.create_user("two@example.com", R"(,"emails":[{"value":"w@example.com","type":"work"},
                                                                   {"value":"h@example.com","type":"home","primary":true}])");
    auto const only = e.get("/scim/v2/Users/" + id + "?attributes=" + encode(R"(emails[type eq "work"])"));
    REQUIRE(only.status == 200);
    CHECK(only.json().at("emails").as_array().size() == 1);
    CHECK(only.json().at("emails").at(0).at("value") == "w@example.com");
    CHECK_FALSE(only.json().as_object().contains("userName"));
    auto const value =
        e.get("/scim/v2/Users/" + id + "?attributes=" + encode(R"(emails[type eq "work"].value,userName)"));
    CHECK(value.json().at("emails") == boost::json::parse(R"([{"value":"w@example.com"}])"));
    CHECK(value.json().at("userName") == "two@example.com");
    auto const without = e.get("/scim/v2/Users?excludedAttributes=" + encode(R"(emails[type eq "work"])"));
    CHECK(without.json().at("Resources").at(0).at("emails") ==
          boost::json::parse(R"([{"value":"h@example.com","type":"home","primary":true}])"));
    auto const none = e.get("/scim/v2/Users/" + id + "?attributes=" + encode(R"(emails[type eq "other"])"));
    CHECK_FALSE(none.json().as_object().contains("emails"));
    CHECK(e.get("/scim/v2/Users/" + id + "?attributes=" + encode(R"(emails[type eq])")).status == 400);
}
