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
/// is never closed, of text right after a closing quote, of a NUL character or of bytes that are not UTF-8.
std::vector<CsvRecord> parse_csv(std::string_view text);

/// Whether a spreadsheet could run `value` as a formula: it starts with =, +, -, @, a tab or a carriage return
/// (OWASP's CSV injection guidance).
bool starts_like_formula(std::string_view value) noexcept;

/// `value` as one CSV field: quoted when it holds a comma, semicolon, tab, quote or line break; a value that starts
/// like a formula, or holds a separator followed by a formula character (a cell of its own where ';' separates), gets a
/// leading ' so that a spreadsheet shows it as text (E.164 numbers too: "'+442071234500").
std::string csv_field(std::string_view value);

/// A field as written by csv_field, without the ' that guarded a formula-like value; other text as it is.
std::string_view without_formula_guard(std::string_view value) noexcept;

}  // namespace scim
