// The admin console's user CSV (DIRECTORY.md "Bulk CSV") to and from SCIM users: which column is which attribute,
// and what a row must hold. Pure; sites, pools and uniqueness are checked when the users are created.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "scim/unknown_attributes.hpp"

namespace scim {

/// The columns, in the order an export writes them.
std::vector<std::string_view> const& user_csv_columns();

/// A row read as a User create body (with `schemas`), or why it cannot be one.
struct CsvUserRow {
    std::size_t line = 0;
    boost::json::object body;
    bool needs_user_name = false;  // no User.UserName: the server invents <Company>.<First>.<Last>
    std::string first_name, last_name;
    struct Device {
        std::string mac_address;  // canonical
        std::string model;        // empty: none
    };
    std::vector<Device> devices;  // Device.MacAddress (and Device.Model): desk phones to create for the user
};

struct CsvProblem {
    std::size_t line = 0;
    std::string detail;
};

struct CsvUsers {
    std::vector<CsvUserRow> rows;
    std::vector<CsvProblem> problems;  // by line
    IgnoredAttributes ignored;         // columns it does not know, skipped under UnknownAttributes::ignore
};

/// Reads a user CSV: a header naming the columns (any order, any case; unknown ones are skipped and listed under
/// UnknownAttributes::ignore, a problem of line 1 under reject), then
/// one user per record. User.FirstName, User.LastName, User.Email and User.Site are required; User.License,
/// User.Voice.Number, Device.MacAddress and Device.Model (the phones' models, in the MAC addresses' order) may list
/// several values separated by ";". Every problem is reported, none stops the reading.
/// @throws Error 400 invalidSyntax when the text is not CSV at all.
CsvUsers read_user_csv(std::string_view text, UnknownAttributes unknown = UnknownAttributes::reject);

/// The header line of an export, with its line break.
std::string user_csv_header();

/// One user (stored attributes) as an export line, with its line break.
std::string user_csv_line(boost::json::object const& attributes);

}  // namespace scim
