// CSV records in and out: RFC 4180 parsing, UTF-8 and NUL checks, and fields guarded against formulas.
#include "scim/csv.hpp"

#include <algorithm>

#include "scim/error.hpp"
#include "scim/utf8.hpp"

namespace scim {

bool starts_like_formula(std::string_view value) noexcept {
    return !value.empty() && std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos;
}

namespace {

// A spreadsheet in a locale whose list separator is ';' (or one reading tab-separated text) splits an unquoted field at
// it: a formula character right after any separator starts a cell of its own.
bool formula_after_separator(std::string_view value) noexcept {
    for (std::size_t i = 0; i + 1 < value.size(); ++i)
        if ((value[i] == ',' || value[i] == ';' || value[i] == '\t') && starts_like_formula(value.substr(i + 1)))
            return true;
    return false;
}

// What csv_field guards with a leading apostrophe.
bool needs_guard(std::string_view value) noexcept {
    return starts_like_formula(value) || formula_after_separator(value);
}

// An apostrophe before a value that needs a guard or already has one: what csv_field guards with one more
// apostrophe, so that the value reads back whole.
bool guarded_shape(std::string_view value) noexcept {
    while (!value.empty() && value.front() == '\'') {
        value.remove_prefix(1);
        if (needs_guard(value)) return true;
    }
    return false;
}

}  // namespace

std::string_view without_formula_guard(std::string_view value) noexcept {
    if (guarded_shape(value)) value.remove_prefix(1);
    return value;
}

std::vector<CsvRecord> parse_csv(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    // Text, not bytes: a NUL or a byte that is not UTF-8 makes the file unreadable, named by its line.
    auto const line_at = [&](std::size_t offset) {
        return 1 + static_cast<std::size_t>(
                       std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
    };
    if (auto const good = valid_utf8_prefix(text); good < text.size())
        throw Error::invalid_syntax("CSV line " + std::to_string(line_at(good)) +
                                    ": not UTF-8 text; save the file as CSV UTF-8");
    if (auto const nul = text.find('\0'); nul != std::string_view::npos)
        throw Error::invalid_syntax("CSV line " + std::to_string(line_at(nul)) + ": contains a NUL character");
    std::vector<CsvRecord> out;
    CsvRecord record;
    std::string field;
    std::size_t line = 1;
    std::size_t quote_line = 0;
    bool in_quotes = false, after_quote = false, any = false;
    auto end_field = [&] {
        record.fields.push_back(std::move(field));
        field.clear();
        after_quote = false;
    };
    auto end_record = [&] {
        end_field();
        bool const blank = record.fields.size() == 1 && record.fields[0].empty() && !any;
        if (!blank) out.push_back(std::move(record));
        record = CsvRecord{};
        any = false;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        char const c = text[i];
        if (record.fields.empty() && field.empty() && !any) record.line = line;
        if (in_quotes) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    in_quotes = false;
                    after_quote = true;
                }
            } else {
                if (c == '\n') ++line;
                field += c;
            }
            continue;
        }
        if (c == ',') {
            end_field();
            any = true;
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            continue;
        } else if (c == '\n') {
            end_record();
            ++line;
        } else if (c == '"' && field.empty() && !after_quote) {
            in_quotes = true;
            quote_line = line;
            any = true;
        } else if (after_quote) {
            throw Error::invalid_syntax("CSV line " + std::to_string(line) + ": text after a closing quote");
        } else {
            field += c;
            any = true;
        }
    }
    if (in_quotes) throw Error::invalid_syntax("CSV line " + std::to_string(quote_line) + ": a quote is never closed");
    if (any || !field.empty() || !record.fields.empty()) end_record();
    return out;
}

std::string csv_field(std::string_view value) {
    std::string text(value);
    // A value that already looks guarded keeps its own ' behind one more, so it reads back whole.
    if (needs_guard(text) || guarded_shape(text)) text = "'" + text;
    // Quoted when it holds what delimits fields in any locale (',' or ';'), a tab, a quote or a line break, or starts
    // with a byte-order mark (which parse_csv would take as the file's).
    if (text.find_first_of(",;\t\"\r\n") == std::string::npos && !text.starts_with("\xEF\xBB\xBF")) return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

}  // namespace scim
