// CSV as spreadsheets write it (RFC 4180): quoted fields with "" for a quote, commas and line breaks inside quotes,
// CRLF or LF line ends, an optional UTF-8 byte-order mark.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace scim {

struct CsvRecord {
    std::size_t line = 0;  // the line the record starts on, from 1
    std::vector<std::string> fields;
};

/// The records of `text`; blank lines are skipped. @throws Error 400 invalidSyntax naming the line of a quote that
/// is never closed or of text right after a closing quote.
std::vector<CsvRecord> parse_csv(std::string_view text);

/// `value` as one CSV field: quoted when it holds a comma, quote or line break. A value starting with = or @, which a
/// spreadsheet would run as a formula, is prefixed with a quote mark (+ is left alone: E.164 numbers start with it).
std::string csv_field(std::string_view value);

}  // namespace scim
