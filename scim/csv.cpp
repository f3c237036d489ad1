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

// Apostrophes, then a formula character: what csv_field guards with one more apostrophe.
bool guarded_shape(std::string_view value) noexcept {
    auto const first = value.find_first_not_of('\'');
    return first != 0 && first != std::string_view::npos && starts_like_formula(value.substr(first));
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
    if (starts_like_formula(text) || guarded_shape(text)) text = "'" + text;
    // Quoted when it holds what delimits fields, or starts with a byte-order mark (which parse_csv would take as
    // the file's).
    if (text.find_first_of(",\"\r\n") == std::string::npos && !text.starts_with("\xEF\xBB\xBF")) return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

}  // namespace scim
