// The directory extension of a User, read and written as plain values: what the phone-system rules (in storage/)
// work on. Pure: shapes and formats only; which sites, pools and numbers exist is the database's business.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <boost/json/object.hpp>

namespace scim {

/// The directory attributes of a user, as stored under urn::directory_user.
struct DirectoryFields {
    std::optional<std::string> site;
    std::vector<std::string> licenses;  // distinct, in the order given
    std::optional<std::string> extension;
    std::vector<std::string> did_numbers;  // distinct, in the order given
    std::optional<std::string> directory_scope;
    std::optional<bool> display_in_directory;

    bool operator==(DirectoryFields const&) const = default;
};

/// The directory attributes of canonical user attributes (scim::ResourceInput's form).
DirectoryFields read_directory_fields(boost::json::object const& attributes);

/// Writes `fields` back, with the server-owned fqExtensionNumber and profileType ("user" when licensed, else
/// "contact"); an empty `fq_extension` removes it.
void write_directory_fields(boost::json::object& attributes, DirectoryFields const& fields,
                            std::string const& fq_extension);

/// Whether a person whose directory attributes are `person` is shown to someone at `viewer_site` (what a token bound
/// to a user reads of the directory): not hidden (displayInDirectory true), and an entry scoped to its SITE only at
/// that site. The same rule as the filter that narrows such a token's lists.
bool shown_in_directory(DirectoryFields const& person, std::string_view viewer_site);

/// Whether `number` is an E.164 telephone number: "+", a non-zero digit, 7 to 15 digits in all.
bool is_e164(std::string_view number) noexcept;

/// Whether `text` is non-empty and only ASCII digits.
bool is_digits(std::string_view text) noexcept;

/// Invents the usernames of people who come without one: "<Company>.<First>.<Last>" with whitespace and dots
/// removed from each part, and ".<n>" appended (n = 2, 3, ...) when the plain one is taken. Names compare
/// regardless of case. Each stem keeps its own counter, so n people sharing a name cost n steps, not n².
class UserNameInventor {
public:
    explicit UserNameInventor(std::string_view company);

    /// The plain name for `first` and `last`, before any suffix.
    std::string stem(std::string_view first, std::string_view last) const;
    /// Marks `name` as in use.
    void take(std::string_view name);
    /// A name for `first` and `last` that is not in use, now marked as in use.
    std::string invent(std::string_view first, std::string_view last);

private:
    std::string company_;
    std::unordered_set<std::string> taken_;      // lower case
    std::unordered_map<std::string, int> next_;  // lower-case stem -> the next suffix to try
};

/// One part of an invented username: its characters other than whitespace and dots.
std::string user_name_part(std::string_view text);

}  // namespace scim
