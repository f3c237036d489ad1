// Users as contacts: the columns Outlook's and Google's importers map, vCard 4.0 that parses back, and text escaped
// for each format.
#include <doctest/doctest.h>

#include <boost/json/parse.hpp>

#include "scim/contact_export.hpp"

namespace json = boost::json;

namespace {

json::object ann() {
    return json::parse(
               R"json({"userName":"ann","name":{"givenName":"Ann","familyName":"Lee, Jr"},"displayName":"Ann Lee",
        "title":"=HYPERLINK(\"x\")","emails":[{"value":"ann@acme.example","type":"work"}],
        "phoneNumbers":[{"value":"+447700900123","type":"mobile"}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales; EMEA"},
        "urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"site":"London","extensionNumber":"1001",
            "didNumbers":["+442071234500","+442071234501"]}})json")
        .as_object();
}

}  // namespace

TEST_CASE("formats are named csv, outlook, google and vcard") {
    CHECK(scim::contact_format_named("VCard") == scim::ContactFormat::vcard);
    CHECK(scim::contact_format_named("outlook") == scim::ContactFormat::outlook);
    CHECK(!scim::contact_format_named("xlsx"));
    CHECK(scim::contact_file_name(scim::ContactFormat::vcard) == "contacts.vcf");
    CHECK(scim::contact_media_type(scim::ContactFormat::vcard) == "text/vcard; charset=utf-8");
}

TEST_CASE("Outlook's CSV maps first and last name, e-mail, work and mobile phones, company, job title, department") {
    CHECK(scim::contact_header(scim::ContactFormat::outlook) ==
          "First Name,Last Name,E-mail Address,Business Phone,Business Phone 2,Mobile Phone,Company,Job Title,"
          "Department,Notes\r\n");
    // A cell that starts like a formula gets a leading apostrophe; commas and quotes are quoted.
    CHECK(scim::contact_record(scim::ContactFormat::outlook, ann(), "Acme") ==
          "Ann,\"Lee, Jr\",ann@acme.example,'+442071234500,'+442071234501,'+447700900123,Acme,"
          "\"'=HYPERLINK(\"\"x\"\")\",\"Sales; EMEA\",Extension 1001\r\n");
}

TEST_CASE("Google's CSV labels the e-mail and phones and names the organisation") {
    CHECK(scim::contact_header(scim::ContactFormat::google)
              .starts_with("First Name,Last Name,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - "
                           "Value,Phone 2 - Label,"
                           "Phone 2 - Value,Organization Name,Organization Title,Organization Department,"));
    auto const line = scim::contact_record(scim::ContactFormat::google, ann(), "Acme");
    CHECK(line.starts_with("Ann,\"Lee, Jr\",Work,ann@acme.example,Work,'+442071234500,Mobile,'+447700900123,Acme,"));
}

TEST_CASE("a vCard 4.0 with FN, N, EMAIL, work TEL, ORG and TITLE, its text escaped") {
    auto const card = scim::contact_record(scim::ContactFormat::vcard, ann(), "Acme");
    CHECK(card ==
          "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ann Lee\r\nN:Lee\\, Jr;Ann;;;\r\nEMAIL;TYPE=work:ann@acme.example\r\n"
          "TEL;TYPE=work;VALUE=uri:tel:+442071234500\r\nTEL;TYPE=work;VALUE=uri:tel:+442071234501\r\n"
          "TEL;TYPE=cell;VALUE=text:+447700900123\r\nX-EXTENSION:1001\r\nORG:Acme;Sales\\; EMEA\r\n"
          "TITLE:=HYPERLINK(\"x\")\r\nEND:VCARD\r\n");
    CHECK(scim::vcard_text("a\\b,c;d\ne") == "a\\\\b\\,c\\;d\\ne");
}

TEST_CASE("vCard lines fold at 75 octets, never inside a UTF-8 character") {
    std::string const long_name = "FN:" + std::string(80, 'x');
    auto const folded = scim::vcard_line(long_name);
    CHECK(folded == "FN:" + std::string(72, 'x') + "\r\n " + std::string(8, 'x') + "\r\n");
    std::string accents = "FN:";
    for (int i = 0; i < 40; ++i) accents += "\xC3\xA9";  // é, two octets each
    auto const utf8 = scim::vcard_line(accents);
    auto const first = utf8.substr(0, utf8.find("\r\n"));
    CHECK(first.size() <= 75);
    CHECK((static_cast<unsigned char>(utf8[first.size() + 3]) & 0xC0) != 0x80);  // the next line starts a character
    std::string unfolded;
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        if (utf8.compare(i, 3, "\r\n ") == 0) {
            i += 2;
            continue;
        }
        unfolded += utf8[i];
    }
    CHECK(unfolded == accents + "\r\n");
}
