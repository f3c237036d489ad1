// Users as contacts for other tools: the admin console's CSV, Outlook's and Google Contacts' CSV import templates,
// and vCard 4.0 (RFC 6350). Pure: a stored user in, text out.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace scim {

enum class ContactFormat { csv, outlook, google, vcard };

/// "csv", "outlook", "google", "vcard" (any case); nullopt for anything else.
std::optional<ContactFormat> contact_format_named(std::string_view name);

/// What a file of that format starts with: a CSV header line (with its line break); empty for vCard.
std::string contact_header(ContactFormat format);

/// One user (its stored attributes) as a record of that format, with its line break(s). `company` is the ORG /
/// Company when the user has no enterprise organization.
std::string contact_record(ContactFormat format, boost::json::object const& user, std::string_view company);

std::string_view contact_media_type(ContactFormat format);  // "text/csv; charset=utf-8", "text/vcard; charset=utf-8"
std::string_view contact_file_name(ContactFormat format);   // "users.csv", "contacts-outlook.csv", …

/// `text` escaped as a vCard 4.0 text value (RFC 6350 §3.4): backslash, comma, semicolon and line breaks.
std::string vcard_text(std::string_view text);

/// A vCard content line folded at 75 octets (RFC 6350 §3.2), never inside a UTF-8 sequence, with its CRLF.
std::string vcard_line(std::string_view line);

}  // namespace scim
