#include "scim/user_csv.hpp"

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>

#include "scim/csv.hpp"
#include "tests/support/expect_error.hpp"

namespace json = boost::json;

TEST_CASE("CSV fields may be quoted, hold commas, quotes and line breaks, and lines may end in CRLF") {
    auto const records = scim::parse_csv(
        "\xEF\xBB\xBF"
        "a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n\r\n\"two\nlines\",\n");
    REQUIRE(records.size() == 3);
    CHECK(records[0].fields == std::vector<std::string>{"a", "b"});
    CHECK(records[1].fields == std::vector<std::string>{"x, y", "say \"hi\""});
    CHECK(records[1].line == 2);
    CHECK(records[2].fields == std::vector<std::string>{"two\nlines", ""});
    CHECK(records[2].line == 4);
    CHECK(expect_error([] { scim::parse_csv("a\n\"open"); }).detail().find("line 2") != std::string::npos);
    CHECK(expect_error([] { scim::parse_csv("\"a\"b"); }).status() == 400);
    CHECK(scim::csv_field("plain") == "plain");
    CHECK(scim::csv_field("a,\"b\"") == "\"a,\"\"b\"\"\"");
    CHECK(scim::csv_field("=SUM(A1)") == "'=SUM(A1)");
    CHECK(scim::csv_field("+442071234500") == "'+442071234500");  // a spreadsheet would compute +44...
}

TEST_CASE("a user CSV row becomes a SCIM create body, and a stored user an export line") {
    auto const read = scim::read_user_csv(
        "user.firstname,User.LastName,User.Email,User.Site,User.Title,User.Department,User.MobileNumber,User.License,"
        "User.ExtensionNumber,User.Voice.Number\n"
        "Ann,Lee,ann@example.com,London,Chef,Kitchen,+447700900123,X4,1001,+442071234500;+442071234501\n");
    REQUIRE(read.problems.empty());
    REQUIRE(read.rows.size() == 1);
    auto const& row = read.rows[0];
    CHECK(row.line == 2);
    CHECK(row.needs_user_name);
    CHECK(row.body.at("name") == json::parse(R"({"givenName":"Ann","familyName":"Lee"})"));
    CHECK(row.body.at("urn:ietf:params:scim:schemas:extension:8x8:1.1:User") ==
          json::parse(R"({"site":"London","licenses":["X4"],"extensionNumber":"1001",
                          "didNumbers":["+442071234500","+442071234501"]})"));
    CHECK(row.body.at("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User").at("department") == "Kitchen");

    auto stored = row.body;
    stored["userName"] = "Acme.Ann.Lee";
    CHECK(scim::user_csv_header().rfind("User.FirstName,User.LastName,User.Email,User.Site,User.UserName,", 0) == 0);
    CHECK(scim::user_csv_line(stored) ==
          "Ann,Lee,ann@example.com,London,Acme.Ann.Lee,Chef,Kitchen,'+447700900123,X4,1001,\"'+442071234500;+"
          "442071234501\",,\r\n");
}

TEST_CASE("a user CSV row carries the user's desk phones, and an export line lists them") {
    auto const read = scim::read_user_csv(
        "User.FirstName,User.LastName,User.Email,User.Site,Device.MacAddress,Device.Model\n"
        "Ann,Lee,ann@example.com,London,2c-54-91-88-c9-e2; 0004.f211.2233,Poly VVX 450\n"
        "Bob,Ray,bob@example.com,London,not-a-mac,\n"
        "Cy,Dee,cy@example.com,London,,Orphan model\n");
    REQUIRE(read.rows.size() == 1);
    REQUIRE(read.rows[0].devices.size() == 2);
    CHECK(read.rows[0].devices[0].mac_address == "2C:54:91:88:C9:E2");
    CHECK(read.rows[0].devices[0].model == "Poly VVX 450");
    CHECK(read.rows[0].devices[1].mac_address == "00:04:F2:11:22:33");
    CHECK(read.rows[0].devices[1].model.empty());
    REQUIRE(read.problems.size() == 2);
    CHECK(read.problems[0].line == 3);
    CHECK(read.problems[0].detail.find("not-a-mac") != std::string::npos);
    CHECK(read.problems[1].line == 4);

    auto stored =
        json::parse(R"({"userName":"ann","urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"site":"London",
        "devices":[{"value":"1","macAddress":"2C:54:91:88:C9:E2","model":"Poly VVX 450"},
                   {"value":"2","macAddress":"00:04:F2:11:22:33","model":"Yealink T54W"}]}})")
            .as_object();
    CHECK(scim::user_csv_line(stored) ==
          ",,,London,ann,,,,,,,\"2C:54:91:88:C9:E2;00:04:F2:11:22:33\",\"Poly VVX 450;Yealink T54W\"\r\n");
}

TEST_CASE("every problem of a user CSV is reported with its line") {
    auto const bad_header = scim::read_user_csv("User.FirstName,User.Email,User.Shoe\nAnn,a@x.com,44\n");
    REQUIRE(bad_header.problems.size() == 3);  // unknown column, two required ones missing
    CHECK(bad_header.problems[0].line == 1);
    auto const rows = scim::read_user_csv(
        "User.FirstName,User.LastName,User.Email,User.Site\n"
        "Ann,Lee,ann@example.com,London\n"
        "Bob,,bob@example.com,\n"
        "Cy,Do,cy@example.com,London,extra\n");
    CHECK(rows.rows.size() == 1);
    REQUIRE(rows.problems.size() == 2);
    CHECK(rows.problems[0].line == 3);
    CHECK(rows.problems[0].detail.find("User.LastName, User.Site") != std::string::npos);
    CHECK(rows.problems[1].line == 4);
    CHECK(scim::read_user_csv("").problems.size() == 1);
}

TEST_CASE("issue F8: every cell a spreadsheet would run as a formula is exported as text, and read back as it was") {
    for (std::string_view cell : {"=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"}) {
        CAPTURE(cell);
        auto const field = scim::csv_field(cell);
        CHECK(field.substr(0, field.front() == '"' ? 2 : 1).back() == '\'');
        auto const back = scim::parse_csv(field + "\n");
        REQUIRE(back.size() == 1);
        CHECK(scim::without_formula_guard(back[0].fields[0]) == cell);
    }
    CHECK(scim::without_formula_guard("'quoted") == "'quoted");  // a real apostrophe stays
}

TEST_CASE("fuzz finds: values that look guarded already, or start with a byte-order mark, read back whole") {
    for (std::string_view value : {"'=x", "''+44\n", "'+44\n", "\xEF\xBB\xBF<User"}) {
        CAPTURE(value);
        auto const back = scim::parse_csv(scim::csv_field(value) + "\n");
        REQUIRE(back.size() == 1);
        CHECK(scim::without_formula_guard(back[0].fields[0]) == value);
    }
}

TEST_CASE("L3: a separator of another locale, or a formula after one, is quoted and guarded, and reads back whole") {
    // Excel where ';' separates cells would split an unquoted x;=2+5 and run =2+5.
    CHECK(scim::csv_field("x;=2+5") == "\"'x;=2+5\"");
    CHECK(scim::csv_field("a;b") == "\"a;b\"");
    CHECK(scim::csv_field("tab\there") == "\"tab\there\"");
    CHECK(scim::csv_field("x,@cmd") == "\"'x,@cmd\"");
    CHECK(scim::csv_field("plain-text") == "plain-text");  // a '-' inside a value is no formula
    for (std::string_view value : {"x;=2+5", "'x;=2+5", "a\t+1", "a;b", "x,-1"}) {
        CAPTURE(value);
        auto const back = scim::parse_csv(scim::csv_field(value) + "\n");
        REQUIRE(back.size() == 1);
        REQUIRE(back[0].fields.size() == 1);
        CHECK(scim::without_formula_guard(back[0].fields[0]) == value);
    }
}

TEST_CASE("issue F6: a CSV with a NUL or bytes that are not UTF-8 is refused, naming the line") {
    auto const nul = expect_error([] { scim::parse_csv(std::string("a,b\nc,d\ne,f\0g\n", 12)); });
    CHECK(nul.status() == 400);
    CHECK(nul.detail().find("line 3") != std::string::npos);
    auto const latin1 = expect_error([] { scim::parse_csv("a,b\nJos\xe9,x\n"); });
    CHECK(latin1.detail().find("line 2") != std::string::npos);
    CHECK(latin1.detail().find("UTF-8") != std::string::npos);
}
