// Contact formats of a stored user.
#include "scim/contact_export.hpp"

#include <array>
#include <vector>

#include "scim/csv.hpp"
#include "scim/json_fields.hpp"
#include "scim/text.hpp"
#include "scim/urns.hpp"
#include "scim/user_csv.hpp"

namespace scim {
namespace {

namespace json = boost::json;

// What every format says of a person.
struct Contact {
    std::string given, family, display, email, title, department, company, mobile, extension;
    std::vector<std::string> numbers;  // work numbers: the directory's DIDs, else work phoneNumbers
};

// The value of a multi-valued attribute's entry of that type, else the primary one, else the first ("" type: any).
std::string pick(json::object const& user, std::string_view attribute, std::string_view type) {
    auto const* v = user.if_contains(attribute);
    if (!v || !v->is_array()) return {};
    std::string primary, first;
    for (auto const& item : v->get_array()) {
        if (!item.is_object()) continue;
        auto const& o = item.get_object();
        auto const value = text_at(o, "value");
        if (!type.empty() && iequals(text_at(o, "type"), type)) return value;
        if (first.empty()) first = value;
        if (auto const* p = o.if_contains("primary"); p && p->is_bool() && p->get_bool()) primary = value;
    }
    if (!type.empty()) return {};
    return primary.empty() ? first : primary;
}

Contact contact_of(json::object const& user, std::string_view company) {
    Contact c;
    auto const& name = object_at(user, "name");
    c.given = text_at(name, "givenName");
    c.family = text_at(name, "familyName");
    c.display = text_at(user, "displayName");
    if (c.display.empty()) c.display = (c.given + " " + c.family);
    if (c.display == " ") c.display = text_at(user, "userName");
    c.email = pick(user, "emails", "work");
    if (c.email.empty()) c.email = pick(user, "emails", "");
    c.title = text_at(user, "title");
    c.mobile = pick(user, "phoneNumbers", "mobile");
    auto const& enterprise = object_at(user, urn::enterprise_user);
    c.department = text_at(enterprise, "department");
    c.company = text_at(enterprise, "organization");
    if (c.company.empty()) c.company = std::string(company);
    auto const& directory = object_at(user, urn::directory_user);
    c.extension = text_at(directory, "extensionNumber");
    if (auto const* dids = directory.if_contains("didNumbers"); dids && dids->is_array())
        for (auto const& n : dids->get_array())
            if (n.is_string()) c.numbers.emplace_back(n.get_string());
    if (c.numbers.empty())
        if (auto const work = pick(user, "phoneNumbers", "work"); !work.empty()) c.numbers.push_back(work);
    return c;
}

std::string csv_line(std::vector<std::string> const& cells) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + csv_field(cells[i]);
    return out + "\r\n";
}

std::string number(Contact const& c, std::size_t i) { return i < c.numbers.size() ? c.numbers[i] : std::string(); }

// Outlook's import maps these column names (Microsoft's CSV template for importing contacts into Outlook).
constexpr std::array<std::string_view, 10> outlook_columns{
    "First Name",   "Last Name", "E-mail Address", "Business Phone", "Business Phone 2",
    "Mobile Phone", "Company",   "Job Title",      "Department",     "Notes"};

// Google Contacts' import maps these (the columns of its own CSV export).
constexpr std::array<std::string_view, 13> google_columns{"First Name",
                                                          "Last Name",
                                                          "E-mail 1 - Label",
                                                          "E-mail 1 - Value",
                                                          "Phone 1 - Label",
                                                          "Phone 1 - Value",
                                                          "Phone 2 - Label",
                                                          "Phone 2 - Value",
                                                          "Organization Name",
                                                          "Organization Title",
                                                          "Organization Department",
                                                          "Notes",
                                                          "Labels"};

std::string header_of(auto const& columns) {
    std::vector<std::string> cells(columns.begin(), columns.end());
    return csv_line(cells);
}

std::string extension_note(Contact const& c) { return c.extension.empty() ? "" : "Extension " + c.extension; }

std::string vcard(Contact const& c) {
    std::string out = vcard_line("BEGIN:VCARD") + vcard_line("VERSION:4.0") + vcard_line("FN:" + vcard_text(c.display));
    out += vcard_line("N:" + vcard_text(c.family) + ";" + vcard_text(c.given) + ";;;");
    if (!c.email.empty()) out += vcard_line("EMAIL;TYPE=work:" + vcard_text(c.email));
    for (auto const& n : c.numbers) out += vcard_line("TEL;TYPE=work;VALUE=uri:tel:" + n);
    if (!c.mobile.empty()) out += vcard_line("TEL;TYPE=cell;VALUE=text:" + vcard_text(c.mobile));
    if (!c.extension.empty()) out += vcard_line("X-EXTENSION:" + vcard_text(c.extension));
    if (!c.company.empty() || !c.department.empty())
        out +=
            vcard_line("ORG:" + vcard_text(c.company) + (c.department.empty() ? "" : ";" + vcard_text(c.department)));
    if (!c.title.empty()) out += vcard_line("TITLE:" + vcard_text(c.title));
    return out + vcard_line("END:VCARD");
}

}  // namespace

std::optional<ContactFormat> contact_format_named(std::string_view name) {
    if (iequals(name, "csv")) return ContactFormat::csv;
    if (iequals(name, "outlook")) return ContactFormat::outlook;
    if (iequals(name, "google")) return ContactFormat::google;
    if (iequals(name, "vcard")) return ContactFormat::vcard;
    return std::nullopt;
}

std::string contact_header(ContactFormat format) {
    switch (format) {
        case ContactFormat::csv:
            return user_csv_header();
        case ContactFormat::outlook:
            return header_of(outlook_columns);
        case ContactFormat::google:
            return header_of(google_columns);
        case ContactFormat::vcard:
            break;
    }
    return {};
}

std::string contact_record(ContactFormat format, json::object const& user, std::string_view company) {
    if (format == ContactFormat::csv) return user_csv_line(user);
    auto const c = contact_of(user, company);
    switch (format) {
        case ContactFormat::outlook:
            return csv_line({c.given, c.family, c.email, number(c, 0), number(c, 1), c.mobile, c.company, c.title,
                             c.department, extension_note(c)});
        case ContactFormat::google:
            return csv_line({c.given, c.family, c.email.empty() ? "" : "Work", c.email,
                             number(c, 0).empty() ? "" : "Work", number(c, 0), c.mobile.empty() ? "" : "Mobile",
                             c.mobile, c.company, c.title, c.department, extension_note(c), "* myContacts"});
        case ContactFormat::vcard:
            return vcard(c);
        case ContactFormat::csv:
            break;
    }
    return {};
}

std::string_view contact_media_type(ContactFormat format) {
    return format == ContactFormat::vcard ? "text/vcard; charset=utf-8" : "text/csv; charset=utf-8";
}

std::string_view contact_file_name(ContactFormat format) {
    switch (format) {
        case ContactFormat::csv:
            return "users.csv";
        case ContactFormat::outlook:
            return "contacts-outlook.csv";
        case ContactFormat::google:
            return "contacts-google.csv";
        case ContactFormat::vcard:
            break;
    }
    return "contacts.vcf";
}

std::string vcard_text(std::string_view text) {
    std::string out;
    for (char ch : text) {
        switch (ch) {
            case '\\':
                out += "\\\\";
                break;
            case ',':
                out += "\\,";
                break;
            case ';':
                out += "\\;";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                break;
            default:
                out += ch;
        }
    }
    return out;
}

std::string vcard_line(std::string_view line) {
    std::string out;
    std::size_t width = 0;
    for (std::size_t i = 0; i < line.size();) {
        auto const lead = static_cast<unsigned char>(line[i]);
        std::size_t const length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        // A folded line starts with a space, which counts against its 75 octets.
        if (width + length > 75) {
            out += "\r\n ";
            width = 1;
        }
        out += line.substr(i, length);
        width += length;
        i += length;
    }
    return out + "\r\n";
}

}  // namespace scim
