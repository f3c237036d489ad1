// The admin console's user CSV over HTTPS (POST /Users/.import, GET /Users/.export) and from the command line.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <fstream>

#include <boost/json.hpp>

#include "tests/e2e/e2e_fixture.hpp"

namespace json = boost::json;

namespace {

std::string const header =
    "User.FirstName,User.LastName,User.Email,User.Site,User.UserName,User.License,User.ExtensionNumber\n";

std::string rows(int n, int bad_at = 0) {
    std::string csv = header;
    for (int i = 1; i <= n; ++i) {
        auto const id = std::to_string(i);
        csv +=
            "First" + id + ",Last" + id + ",p" + id + "@example.com," + (i == bad_at ? "Atlantis" : "London") + ",,,\n";
    }
    return csv;
}

HttpResult import(E2E& e, std::string const& csv, std::string const& token = "") {
    return e.call("POST", "/scim/v2/Users/.import", csv, token.empty() ? e.acme.write_token : token,
                  {{"Content-Type", "text/csv"}});
}

}  // namespace

TEST_CASE("a CSV with one bad row among 1,000 creates nothing and names the bad row") {
    E2E e;
    e.admin({"site", "create", "London", "--tenant", "acme", "--site-code", "44"});
    auto const before = e.users_snapshot();
    auto const r = import(e, rows(1000, 637));
    CHECK(r.status == 400);
    auto const detail = std::string(r.json().at("detail").as_string());
    CHECK(detail.find("1 of 1000 line(s) cannot be imported") != std::string::npos);
    CHECK(detail.find("line 638: no site named \"Atlantis\"") != std::string::npos);  // row 637 is on line 638
    CHECK(e.users_snapshot() == before);

    // Shape problems are all found before anything is written.
    auto const shapes = import(e, header +
                                      "Ann,,ann@example.com,London,,,\nBob,Lee,bob@example.com,London,dup,,\n"
                                      "Cy,Lee,cy@example.com,London,DUP,,\n");
    CHECK(shapes.status == 400);
    auto const shape_detail = std::string(shapes.json().at("detail").as_string());
    CHECK(shape_detail.find("line 2: required value missing: User.LastName") != std::string::npos);
    CHECK(shape_detail.find("line 4: userName \"DUP\" is also on line 3") != std::string::npos);
    CHECK(e.users_snapshot() == before);

    // Not CSV, not text/csv, not a write token.
    CHECK(import(e, "User.FirstName\n\"open").status == 400);
    CHECK(e.call("POST", "/scim/v2/Users/.import", rows(1), e.acme.write_token, {{"Content-Type", "application/json"}})
              .status == 415);
    CHECK(import(e, rows(1), e.acme.read_token).status == 403);
    CHECK(e.users_snapshot() == before);
}

TEST_CASE("an import invents Company.First.Last usernames, allocates extensions, and the export writes them back") {
    E2E e;
    e.admin({"site", "create", "London", "--tenant", "acme", "--site-code", "44"});
    e.admin({"license", "set", "--tenant", "acme", "--type", "X4", "--capacity", "10"});
    REQUIRE(e.post("/scim/v2/Users", std::string("{") + core_user_schema + R"(,"userName":"acme.Ann.Lee"})").status ==
            201);
    auto const r = import(e, header +
                                 "Ann,Lee,ann@example.com,London,,X4,\n"
                                 "Ann,Lee,ann2@example.com,London,,,\n"
                                 "\"Mary Jo\",\"O'Neil, Jr\",mj@example.com,London,mj,X4,2002\n");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto const body = r.json();
    CHECK(body.at("imported") == 3);
    auto const& users = body.at("users").as_array();
    CHECK(users[0].at("userName") == "acme.Ann.Lee.2");  // acme.Ann.Lee exists already, in another case
    CHECK(users[1].at("userName") == "acme.Ann.Lee.3");
    CHECK(users[2].at("userName") == "mj");

    auto const exported = e.get(
        "/scim/v2/Users/"
        ".export?filter=urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Aextension%3A8x8%3A1.1%3AUser%3AprofileType%20eq%20%"
        "22user%22");
    REQUIRE(exported.status == 200);
    CHECK(exported.header("Content-Type").rfind("text/csv", 0) == 0);
    // Users created in one transaction share their creation time: their order among themselves is not fixed.
    CHECK(exported.body.rfind("User.FirstName,User.LastName,User.Email,User.Site,User.UserName,User.Title,"
                              "User.Department,User.MobileNumber,User.License,User.ExtensionNumber,User.Voice.Number,"
                              "Device.MacAddress,Device.Model\r\n",
                              0) == 0);
    CHECK(exported.body.find("\r\nAnn,Lee,ann@example.com,London,acme.Ann.Lee.2,,,,X4,1000,,,\r\n") !=
          std::string::npos);
    CHECK(exported.body.find("\r\nMary Jo,\"O'Neil, Jr\",mj@example.com,London,mj,,,,X4,2002,,,\r\n") !=
          std::string::npos);
    CHECK(std::count(exported.body.begin(), exported.body.end(), '\n') == 3);
    CHECK(e.get("/scim/v2/Users/.export?filter=bad%20filter").status == 400);

    // The command line exports the same, and imports its own export into another tenant.
    auto const cli = e.admin({"export-csv", "--tenant", "acme", "--filter",
                              "urn:ietf:params:scim:schemas:extension:8x8:1.1:User:profileType eq \"user\""});
    CHECK(cli == exported.body);
    auto const file = "/tmp/scimd-export-" + std::to_string(::getpid()) + ".csv";
    std::ofstream(file) << cli;
    e.admin({"site", "create", "London", "--tenant", "beta", "--site-code", "44"});
    e.admin({"license", "set", "--tenant", "beta", "--type", "X4", "--capacity", "2"});
    auto const imported = run_scimd({"import-csv", "--tenant", "beta", file}, e.db.url());
    CHECK_MESSAGE(imported.exit_code == 0, imported.err);
    CHECK(e.count_users("beta") == 2);
    auto const again = run_scimd({"import-csv", "--tenant", "beta", file}, e.db.url());
    CHECK(again.exit_code == 1);  // the usernames are taken now, and the pool is full
    CHECK_MESSAGE(again.err.find("2 of 2 line(s) cannot be imported") != std::string::npos, again.err);
    CHECK(e.count_users("beta") == 2);
    std::remove(file.c_str());
}

TEST_CASE("10,000 rows import in one transaction") {
    E2E e;
    e.admin({"site", "create", "London", "--tenant", "acme", "--site-code", "44"});
    auto const started = std::chrono::steady_clock::now();
    auto const r = import(e, rows(10000));
    auto const seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    REQUIRE_MESSAGE(r.status == 200, r.body.substr(0, 500));
    CHECK(r.json().at("imported") == 10000);
    CHECK(e.count_users("acme") == 10000);
    MESSAGE("10,000-row import took " << seconds << " s");
}

TEST_CASE("a column the server does not know is skipped and named, unless the tenant rejects unknown attributes") {
    E2E e;
    std::string const csv =
        "User.FirstName,User.LastName,User.Email,User.Site,User.Shoesize\nAnn,Lee,ann@x.com,Main,42\n";
    auto const r = import(e, csv);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(r.header("SCIM-Ignored-Attributes") == "User.Shoesize");
    CHECK(r.json().at("imported") == 1);
    e.admin({"tenant", "set", "--tenant", "beta", "--unknown-attributes", "reject"});
    auto const strict = import(e, csv, e.beta.write_token);
    CHECK(strict.status == 400);
    CHECK(std::string(strict.json().at("detail").as_string()).find("User.Shoesize") != std::string::npos);
    CHECK(e.count_users("beta") == 0);
}

TEST_CASE("exports stream page by page, as the admin CSV, Outlook or Google CSV, or vCard") {
    E2E e;
    e.seed_users("acme", 2500);  // three pages of a thousand
    auto const csv = e.get("/scim/v2/Users/.export");
    REQUIRE(csv.status == 200);
    CHECK(csv.header("Transfer-Encoding") == "chunked");
    CHECK(std::count(csv.body.begin(), csv.body.end(), '\n') == 2501);
    auto const vcard = e.get("/scim/v2/Users/.export?format=vcard&filter=userName%20sw%20%22user1%22");
    REQUIRE(vcard.status == 200);
    CHECK(vcard.header("Content-Type") == "text/vcard; charset=utf-8");
    CHECK(vcard.header("Content-Disposition") == "attachment; filename=\"contacts.vcf\"");
    std::size_t cards = 0;
    for (auto at = vcard.body.find("BEGIN:VCARD\r\n"); at != std::string::npos;
         at = vcard.body.find("BEGIN:VCARD\r\n", at + 1))
        ++cards;
    CHECK(cards == 1111);  // user1, user10-19, user100-199, user1000-1999
    auto const outlook = e.get("/scim/v2/Users/.export?format=outlook");
    CHECK(outlook.body.rfind("First Name,Last Name,E-mail Address,", 0) == 0);
    CHECK(outlook.body.find(",mail7@example.com,") != std::string::npos);
    auto const google = e.get("/scim/v2/Users/.export?format=GOOGLE");
    CHECK(google.header("Content-Disposition") == "attachment; filename=\"contacts-google.csv\"");
    auto const bad = e.get("/scim/v2/Users/.export?format=xlsx");
    CHECK(bad.status == 400);
    CHECK(bad.json().at("scimType") == "invalidValue");
    // The command line writes the same formats.
    CHECK(e.admin(
               {"export-csv", "--tenant", "acme", "--format", "vcard", "--filter", "userName eq \"user7@example.com\""})
              .rfind("BEGIN:VCARD\r\nVERSION:4.0\r\n", 0) == 0);
}
