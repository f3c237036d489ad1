#include "scim/directory_user.hpp"

#include <doctest/doctest.h>

#include <set>

#include <boost/json/parse.hpp>

namespace json = boost::json;

TEST_CASE("directory fields are read from the extension, with repeated licences and numbers once") {
    auto const attributes = json::parse(R"({"userName":"a","urn:ietf:params:scim:schemas:extension:8x8:1.1:User":
        {"site":"London","licenses":["X4","X4","Lobby"],"extensionNumber":"1001","didNumbers":["+442071234500"],
         "directoryScope":"SITE","displayInDirectory":false}})")
                                .as_object();
    auto const f = scim::read_directory_fields(attributes);
    CHECK(f.site == "London");
    CHECK(f.licenses == std::vector<std::string>{"X4", "Lobby"});
    CHECK(f.extension == "1001");
    CHECK(f.did_numbers == std::vector<std::string>{"+442071234500"});
    CHECK(f.directory_scope == "SITE");
    CHECK(f.display_in_directory == false);
    CHECK_FALSE(scim::read_directory_fields(json::object{{"userName", "b"}}).site);
}

TEST_CASE("written fields carry the server's fqExtensionNumber and profileType") {
    json::object attributes{{"userName", "a"}};
    scim::DirectoryFields f;
    f.site = "London";
    scim::write_directory_fields(attributes, f, "");
    CHECK(attributes.at("urn:ietf:params:scim:schemas:extension:8x8:1.1:User") ==
          json::parse(R"({"site":"London","profileType":"contact"})"));
    f.licenses = {"X4"};
    f.extension = "1001";
    scim::write_directory_fields(attributes, f, "441001");
    CHECK(attributes.at("urn:ietf:params:scim:schemas:extension:8x8:1.1:User") ==
          json::parse(R"({"site":"London","licenses":["X4"],"extensionNumber":"1001","fqExtensionNumber":"441001",
                          "profileType":"user"})"));
}

TEST_CASE("E.164 numbers and digit strings") {
    CHECK(scim::is_e164("+14155550100"));
    CHECK(scim::is_e164("+4420712345"));
    CHECK_FALSE(scim::is_e164("14155550100"));
    CHECK_FALSE(scim::is_e164("+04155550100"));
    CHECK_FALSE(scim::is_e164("+141555"));            // 6 digits: too short
    CHECK_FALSE(scim::is_e164("+1234567890123456"));  // 16 digits
    CHECK_FALSE(scim::is_e164("+1 415 555 0100"));
    CHECK(scim::is_digits("0012"));
    CHECK_FALSE(scim::is_digits(""));
    CHECK_FALSE(scim::is_digits("12a"));
}

TEST_CASE("invented usernames are Company.First.Last, made unique with a suffix") {
    scim::UserNameInventor names("Acme Corp");
    CHECK(names.invent("Mary Ann", "O'Neil") == "AcmeCorp.MaryAnn.O'Neil");
    names.take("acmecorp.ann.lee");
    names.take("AcmeCorp.Ann.Lee.2");
    CHECK(names.invent("Ann", "Lee") == "AcmeCorp.Ann.Lee.3");
    CHECK(names.invent("Ann", "Lee") == "AcmeCorp.Ann.Lee.4");
    CHECK(names.invent(" J. ", "Lee") == "AcmeCorp.J.Lee");
    CHECK(names.stem("Ann", "Lee") == "AcmeCorp.Ann.Lee");
}

// Two hundred thousand: a search from ".2" for each would take 2 x 10^10 steps and never finish within the test's
// timeout; a counter per stem finds each name in one.
TEST_CASE("issue F2: two hundred thousand people with one name get as many names, each found in one step") {
    scim::UserNameInventor names("Acme");
    std::set<std::string> seen;
    for (int i = 0; i < 200000; ++i) seen.insert(names.invent("Ann", "Lee"));
    CHECK(seen.size() == 200000);
    CHECK(seen.count("Acme.Ann.Lee.200000") == 1);
}
