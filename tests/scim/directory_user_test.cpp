#include "scim/directory_user.hpp"

#include <doctest/doctest.h>

#include <set>

#include <boost/json/parse.hpp>

namespace json = boost::json;

TEST_CASE("directory fields are read from the extension, with repeated licences and numbers once") {
    auto const attributes = json::parse(R"({"userName":"a","urn:ietf:params:scim:schemas:extension:8x8:1.1:User":
        {"site":"London","licenses":["X4","X4","Lobby"],"extensionNumber":"1001","didNumbers":["+442071234500"],
         "directoryScope":"SITE","displayInDirectory":false}})").as_object();
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
    CHECK_FALSE(scim::is_e164("+141555"));             // 6 digits: too short
    CHECK_FALSE(scim::is_e164("+1234567890123456"));   // 16 digits
    CHECK_FALSE(scim::is_e164("+1 415 555 0100"));
    CHECK(scim::is_digits("0012"));
    CHECK_FALSE(scim::is_digits(""));
    CHECK_FALSE(scim::is_digits("12a"));
}

TEST_CASE("invented usernames are Company.First.Last, made unique with a suffix") {
    std::set<std::string> taken;
    auto const is_taken = [&](std::string const& n) { return taken.count(n) > 0; };
    CHECK(scim::invent_user_name("Acme Corp", "Mary Ann", "O'Neil", is_taken) == "AcmeCorp.MaryAnn.O'Neil");
    taken = {"Acme.Ann.Lee", "Acme.Ann.Lee.2"};
    CHECK(scim::invent_user_name("Acme", "Ann", "Lee", is_taken) == "Acme.Ann.Lee.3");
    CHECK(scim::invent_user_name("Acme", " J. ", "Lee", is_taken) == "Acme.J.Lee");
}
