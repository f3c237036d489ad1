#include "scim/csv.hpp"

#include "scim/error.hpp"

namespace scim {

std::vector<CsvRecord> parse_csv(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
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
    if (!text.empty() && (text[0] == '=' || text[0] == '@')) text = "'" + text;
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

}  // namespace scim
