// The directory extension of a User, read and written as plain values: what the phone-system rules (in storage/)
// work on. Pure: shapes and formats only; which sites, pools and numbers exist is the database's business.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

namespace scim {

/// The directory attributes of a user, as stored under urn::directory_user.
struct DirectoryFields {
    std::optional<std::string> site;
    std::vector<std::string> licenses;     // distinct, in the order given
    std::optional<std::string> extension;
    std::vector<std::string> did_numbers;  // distinct, in the order given
    std::optional<std::string> directory_scope;
    std::optional<bool> display_in_directory;
};

/// The directory attributes of canonical user attributes (scim::ResourceInput's form).
DirectoryFields read_directory_fields(boost::json::object const& attributes);

/// Writes `fields` back, with the server-owned fqExtensionNumber and profileType ("user" when licensed, else
/// "contact"); an empty `fq_extension` removes it.
void write_directory_fields(boost::json::object& attributes, DirectoryFields const& fields,
                            std::string const& fq_extension);

/// Whether `number` is an E.164 telephone number: "+", a non-zero digit, 7 to 15 digits in all.
bool is_e164(std::string_view number) noexcept;

/// Whether `text` is non-empty and only ASCII digits.
bool is_digits(std::string_view text) noexcept;

/// The username the server invents for a person: "<Company>.<First>.<Last>" with whitespace removed from each
/// part, and ".<n>" appended when `taken` says the plain one is in use (n = 2, 3, ...).
template <class Taken>
std::string invent_user_name(std::string_view company, std::string_view first, std::string_view last, Taken taken);

/// One part of an invented username: its characters other than whitespace and dots.
std::string user_name_part(std::string_view text);

template <class Taken>
std::string invent_user_name(std::string_view company, std::string_view first, std::string_view last, Taken taken) {
    std::string base = user_name_part(company) + "." + user_name_part(first) + "." + user_name_part(last);
    if (!taken(base)) return base;
    for (int n = 2;; ++n) {
        auto candidate = base + "." + std::to_string(n);
        if (!taken(candidate)) return candidate;
    }
}

}  // namespace scim
