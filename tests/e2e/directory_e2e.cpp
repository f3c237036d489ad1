// The phone-system directory over HTTPS: sites, licences, extensions, numbers, contacts and the delete modes.
#include <doctest/doctest.h>

#include <atomic>
#include <set>
#include <thread>

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <pqxx/pqxx>

#include "tests/e2e/e2e_fixture.hpp"
#include "tests/support/race.hpp"

namespace json = boost::json;

namespace {

constexpr char const* directory_urn = "urn:ietf:params:scim:schemas:extension:8x8:1.1:User";

// A user as an identity provider sends one: names, a work e-mail and, if given, a site.
std::string person(std::string const& user_name, std::string const& site = "", std::string const& directory_extra = "",
                   std::string const& extra = "") {
    std::string body = std::string("{") + core_user_schema + R"(,"userName":")" + user_name + R"(",)" +
                       R"("name":{"givenName":"Ann","familyName":"Lee"},)" + R"("emails":[{"value":")" + user_name +
                       R"(@example.com","type":"work","primary":true}])" + extra;
    std::string directory;
    if (!site.empty()) directory = R"("site":")" + site + "\"";
    if (!directory_extra.empty()) directory += (directory.empty() ? "" : ",") + directory_extra;
    if (!directory.empty()) body += std::string(R"(,")") + directory_urn + R"(":{)" + directory + "}";
    return body + "}";
}

HttpResult patch(E2E& e, std::string const& id, std::string_view operations) {
    return e.call("PATCH", "/scim/v2/Users/" + id,
                  std::string(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":)") +
                      std::string(operations) + "}",
                  e.acme.write_token, {{"Content-Type", "application/scim+json"}});
}

json::object directory_of(HttpResult const& r) { return r.json().at(directory_urn).as_object(); }

std::string id_of(HttpResult const& r) { return std::string(r.json().at("id").as_string()); }

// London: site code 44, four-digit extensions, its own locale and time zone; an X4 pool of `seats`; two numbers.
void set_up_london(E2E& e, int seats = 5) {
    e.admin({"site", "create", "London", "--tenant", "acme", "--site-code", "44", "--locale", "en-GB", "--timezone",
             "Europe/London"});
    e.admin({"license", "set", "--tenant", "acme", "--type", "X4", "--capacity", std::to_string(seats)});
    e.admin({"number", "claim", "--tenant", "acme", "+442071234500", "--count", "2"});
}

std::string detail_of(HttpResult const& r) { return std::string(r.json().at("detail").as_string()); }

}  // namespace

TEST_CASE(
    "a contact from an identity provider becomes a user when an admin assigns a licence, and gives all back on "
    "delete") {
    E2E e;
    set_up_london(e, 1);
    auto const created = e.post("/scim/v2/Users", person("ann", "London"));
    REQUIRE(created.status == 201);
    auto const id = id_of(created);
    auto contact = directory_of(created);
    CHECK(contact.at("profileType") == "contact");
    CHECK_FALSE(contact.contains("extensionNumber"));
    CHECK(created.json().at("locale") == "en-GB");  // inherited from the site
    CHECK(created.json().at("timezone") == "Europe/London");

    auto const promoted =
        patch(e, id,
              R"([{"op":"add","path":"urn:ietf:params:scim:schemas:extension:8x8:1.1:User:licenses","value":["X4"]}])");
    REQUIRE(promoted.status == 200);
    auto user = directory_of(promoted);
    CHECK(user.at("profileType") == "user");
    CHECK(user.at("extensionNumber") == "1000");  // the first of the site's range
    CHECK(user.at("fqExtensionNumber") == "441000");
    CHECK(user.at("licenses") == json::array{"X4"});

    auto const with_number = patch(
        e, id,
        R"([{"op":"add","path":"urn:ietf:params:scim:schemas:extension:8x8:1.1:User:didNumbers","value":["+442071234500"]}])");
    REQUIRE(with_number.status == 200);
    CHECK(e.admin({"number", "list", "--tenant", "acme"}) == "+442071234500\tann\n+442071234501\tfree\n");
    CHECK(e.admin({"license", "list", "--tenant", "acme"}) == "X4\t1\t1\n");

    // The pool is full now: another licence assignment is refused, naming the pool, and changes nothing.
    auto const second = e.post("/scim/v2/Users", person("bob", "London", R"("licenses":["X4"])"));
    CHECK(second.status == 409);
    CHECK(detail_of(second).find("\"X4\"") != std::string::npos);
    CHECK(e.count_users("acme") == 1);

    REQUIRE(e.del("/scim/v2/Users/" + id).status == 204);
    CHECK(e.get("/scim/v2/Users/" + id).status == 404);
    CHECK(e.admin({"license", "list", "--tenant", "acme"}) == "X4\t1\t0\n");
    // The next user gets the seat, the extension and the number.
    auto const next =
        e.post("/scim/v2/Users", person("cy", "London", R"("licenses":["X4"],"didNumbers":["+442071234500"])"));
    REQUIRE(next.status == 201);
    CHECK(directory_of(next).at("extensionNumber") == "1000");
    CHECK(directory_of(next).at("didNumbers") == json::array{"+442071234500"});
}

TEST_CASE("removing the last licence makes a contact again and releases its extension and numbers") {
    E2E e;
    set_up_london(e);
    auto const created =
        e.post("/scim/v2/Users",
               person("ann", "London", R"("licenses":["X4"],"extensionNumber":"2001","didNumbers":["+442071234501"])"));
    REQUIRE(created.status == 201);
    CHECK(directory_of(created).at("fqExtensionNumber") == "442001");
    auto const r = patch(e, id_of(created),
                         R"([{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:8x8:1.1:User:licenses"}])");
    REQUIRE(r.status == 200);
    auto const contact = directory_of(r);
    CHECK(contact.at("profileType") == "contact");
    CHECK_FALSE(contact.contains("extensionNumber"));
    CHECK_FALSE(contact.contains("fqExtensionNumber"));
    CHECK_FALSE(contact.contains("didNumbers"));
    CHECK(e.admin({"number", "list", "--tenant", "acme"}) == "+442071234500\tfree\n+442071234501\tfree\n");
    CHECK(e.admin({"license", "list", "--tenant", "acme"}) == "X4\t5\t0\n");
    // Extension 2001 is free again.
    CHECK(e.post("/scim/v2/Users", person("bo", "London", R"("licenses":["X4"],"extensionNumber":"2001")")).status ==
          201);
}

TEST_CASE("the directory rules refuse what the phone system would, with a detail, and change nothing") {
    E2E e;
    set_up_london(e);
    REQUIRE(
        e.post("/scim/v2/Users", person("holder", "London",
                                        R"("licenses":["X4"],"extensionNumber":"3000","didNumbers":["+442071234500"])"))
            .status == 201);
    auto const before = e.users_snapshot();
    struct Case {
        std::string body;
        int status;
        std::string detail;
    };
    Case const cases[] = {
        {person("a", "Paris"), 400, "no site named \"Paris\""},
        {person("b", "London", R"("extensionNumber":"3001")"), 400, "contact"},
        {person("c", "London", R"("didNumbers":["+442071234501"])"), 400, "contact"},
        {person("d", "London", R"("licenses":["X9"])"), 400, "no licence pool \"X9\""},
        {person("e", "London", R"("licenses":["X4"],"extensionNumber":"12")"), 400, "must be 4 digits"},
        {person("f", "London", R"("licenses":["X4"],"extensionNumber":"3000")"), 409, "extensionNumber \"3000\""},
        {person("g", "London", R"("licenses":["X4"],"didNumbers":["+442071234500"])"), 409, "held by another user"},
        {person("h", "London", R"("licenses":["X4"],"didNumbers":["+15550000000"])"), 400,
         "not one of this tenant's numbers"},
        {person("i", "London", R"("licenses":["X4"],"didNumbers":["020 7123"])"), 400, "E.164"},
    };
    for (auto const& c : cases) {
        CAPTURE(c.body);
        auto const r = e.post("/scim/v2/Users", c.body);
        CHECK(r.status == c.status);
        CHECK_MESSAGE(detail_of(r).find(c.detail) != std::string::npos, detail_of(r));
    }
    CHECK(e.users_snapshot() == before);
    CHECK(e.admin({"license", "list", "--tenant", "acme"}) == "X4\t5\t1\n");

    // Without a default site, a create must name one.
    e.admin({"tenant", "set", "--tenant", "acme", "--default-site", "none"});
    auto const no_site = e.post("/scim/v2/Users", person("j"));
    CHECK(no_site.status == 400);
    CHECK(detail_of(no_site).find("site is required") != std::string::npos);
    CHECK(e.users_snapshot() == before);
}

TEST_CASE(
    "a PUT from an identity provider keeps the directory attributes it does not send, and a site move re-inherits") {
    E2E e;
    set_up_london(e);
    e.admin({"site", "create", "Paris", "--tenant", "acme", "--site-code", "33", "--locale", "fr-FR", "--timezone",
             "Europe/Paris"});
    auto const created =
        e.post("/scim/v2/Users", person("ann", "London", R"("licenses":["X4"],"didNumbers":["+442071234500"])"));
    REQUIRE(created.status == 201);
    auto const id = id_of(created);
    auto const put = e.put("/scim/v2/Users/" + id,
                           std::string("{") + core_user_schema +
                               R"(,"userName":"ann","title":"Chef","emails":[{"value":"ann@example.com"}]})");
    REQUIRE(put.status == 200);
    CHECK(directory_of(put) == directory_of(created));
    CHECK(put.json().at("locale") == "en-GB");
    CHECK(put.json().at("meta").at("version") != created.json().at("meta").at("version"));  // the title changed

    // Moving to Paris: locale and time zone follow the new site, the extension keeps its digits under Paris's code.
    auto const moved = patch(
        e, id,
        R"([{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:8x8:1.1:User:site","value":"Paris"}])");
    REQUIRE(moved.status == 200);
    CHECK(moved.json().at("locale") == "fr-FR");
    CHECK(moved.json().at("timezone") == "Europe/Paris");
    CHECK(directory_of(moved).at("fqExtensionNumber") == "331000");
}

TEST_CASE("concurrent creates racing for the last licence seat: exactly one gets it") {
    E2E e;
    set_up_london(e, 3);
    REQUIRE(e.post("/scim/v2/Users", person("a", "London", R"("licenses":["X4"])")).status == 201);
    REQUIRE(e.post("/scim/v2/Users", person("b", "London", R"("licenses":["X4"])")).status == 201);
    std::atomic<int> created{0}, full{0}, other{0};
    race(
        8, [&] { return HttpsClient(e.server->port(), true); },
        [&](int i, HttpsClient& client) {
            auto const r = client.request(
                "POST", "/scim/v2/Users", person("racer" + std::to_string(i), "London", R"("licenses":["X4"])"),
                {{"Authorization", "Bearer " + e.acme.write_token}, {"Content-Type", "application/scim+json"}});
            (r.status == 201 ? created : r.status == 409 ? full : other)++;
        });
    CHECK(created == 1);
    CHECK(full == 7);
    CHECK(other == 0);
    CHECK(e.admin({"license", "list", "--tenant", "acme"}) == "X4\t3\t3\n");
    CHECK(e.count_users("acme") == 3);
}

TEST_CASE("concurrent creates racing for one extension or one number: one wins, and allocations never collide") {
    E2E e;
    set_up_london(e, 100);
    auto race = [&](std::string const& directory) {
        std::atomic<int> created{0}, refused{0}, other{0};
        static std::atomic<int> serial{0};
        ::race(
            6, [&] { return HttpsClient(e.server->port(), true); },
            [&](int, HttpsClient& client) {
                auto const r = client.request(
                    "POST", "/scim/v2/Users", person("p" + std::to_string(serial++), "London", directory),
                    {{"Authorization", "Bearer " + e.acme.write_token}, {"Content-Type", "application/scim+json"}});
                (r.status == 201 ? created : r.status == 409 ? refused : other)++;
            });
        CHECK(other == 0);
        return std::pair<int, int>(created, refused);
    };
    CHECK(race(R"("licenses":["X4"],"extensionNumber":"4444")") == std::pair<int, int>(1, 5));
    CHECK(race(R"("licenses":["X4"],"didNumbers":["+442071234501"])") == std::pair<int, int>(1, 5));
    CHECK(race(R"("licenses":["X4"])") == std::pair<int, int>(6, 0));  // each gets its own extension
    pqxx::read_transaction tx(e.db.connection());
    auto const r = tx.exec("SELECT count(*), count(DISTINCT fq_extension) FROM users WHERE fq_extension IS NOT NULL");
    CHECK(r[0][0].as<int>() == 8);
    CHECK(r[0][1].as<int>() == 8);
}

TEST_CASE("directory attributes filter and sort like any other") {
    E2E e;
    set_up_london(e);
    for (auto const* name : {"x", "y", "z"})
        REQUIRE(e.post("/scim/v2/Users", person(name, "London", R"("licenses":["X4"])")).status == 201);
    REQUIRE(e.post("/scim/v2/Users", person("contact", "London")).status == 201);
    auto const query = [&](std::string const& filter, std::string const& extra = "") {
        auto const r =
            e.get("/scim/v2/Users?filter=" + boost::urls::encode(filter, boost::urls::unreserved_chars) + extra);
        REQUIRE(r.status == 200);
        std::vector<std::string> names;
        auto const body = r.json();
        for (auto const& u : body.at("Resources").as_array()) names.emplace_back(u.at("userName").as_string());
        return names;
    };
    CHECK(query(std::string(directory_urn) + ":extensionNumber eq \"1001\"") == std::vector<std::string>{"y"});
    CHECK(query(std::string(directory_urn) + ":profileType eq \"contact\" and " + directory_urn +
                ":site eq \"London\"") == std::vector<std::string>{"contact"});
    CHECK(
        query(std::string(directory_urn) + ":licenses eq \"X4\"",
              "&sortBy=" +
                  boost::urls::encode(std::string(directory_urn) + ":extensionNumber", boost::urls::unreserved_chars) +
                  "&sortOrder=descending") == std::vector<std::string>{"z", "y", "x"});
}

TEST_CASE("a tenant in deactivate mode keeps deleted users until a purge, which frees what they held") {
    E2E e;
    set_up_london(e, 1);
    e.admin({"tenant", "set", "--tenant", "acme", "--delete-mode", "deactivate"});
    auto const created =
        e.post("/scim/v2/Users", person("ann", "London", R"("licenses":["X4"],"didNumbers":["+442071234500"])"));
    REQUIRE(created.status == 201);
    auto const id = id_of(created);
    REQUIRE(e.del("/scim/v2/Users/" + id).status == 204);
    auto const kept = e.get("/scim/v2/Users/" + id);
    REQUIRE(kept.status == 200);
    CHECK(kept.json().at("active") == false);
    CHECK(directory_of(kept).at("extensionNumber") == "1000");  // deactivation keeps everything
    CHECK(e.admin({"license", "list", "--tenant", "acme"}) == "X4\t1\t1\n");
    CHECK(run_scimd({"user", "purge", "--tenant", "acme"}, e.db.url()).exit_code ==
          2);  // neither --user nor --inactive
    e.admin({"user", "purge", "--tenant", "acme", "--inactive"});
    CHECK(e.get("/scim/v2/Users/" + id).status == 404);
    CHECK(e.admin({"license", "list", "--tenant", "acme"}) == "X4\t1\t0\n");
    CHECK(e.admin({"number", "list", "--tenant", "acme"}) == "+442071234500\tfree\n+442071234501\tfree\n");
}

TEST_CASE("a create without an e-mail gets the tenant's placeholder address") {
    E2E e;
    e.admin({"tenant", "set", "--tenant", "acme", "--placeholder-email", "noreply@acme.example"});
    auto const r = e.post("/scim/v2/Users", std::string("{") + core_user_schema + R"(,"userName":"no-mail"})");
    REQUIRE(r.status == 201);
    CHECK(r.json().at("emails") == json::parse(R"([{"value":"noreply@acme.example","type":"work","primary":true}])"));
    auto const settings = e.admin({"tenant", "show", "--tenant", "acme"});
    CHECK(settings.find("default-site\tMain\n") != std::string::npos);
    CHECK(settings.find("delete-mode\tdelete\n") != std::string::npos);
}

TEST_CASE("licence capacity cannot go below the seats assigned") {
    E2E e;
    set_up_london(e, 2);
    REQUIRE(e.post("/scim/v2/Users", person("a", "London", R"("licenses":["X4"])")).status == 201);
    REQUIRE(e.post("/scim/v2/Users", person("b", "London", R"("licenses":["X4"])")).status == 201);
    auto const lowered =
        run_scimd({"license", "set", "--tenant", "acme", "--type", "X4", "--capacity", "1"}, e.db.url());
    CHECK(lowered.exit_code == 1);
    CHECK(lowered.err.find("2 seats assigned") != std::string::npos);
    CHECK(e.admin({"license", "list", "--tenant", "acme"}) == "X4\t2\t2\n");
}
