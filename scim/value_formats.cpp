// Lexical checks of the SCIM value types that JSON has no type for.
#include "scim/value_formats.hpp"

#include <algorithm>
#include <cctype>

namespace scim {
namespace {

bool is_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool is_date_time(std::string_view s) {
    if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
        return false;
    if (!is_digits(s.substr(0, 4)) || !is_digits(s.substr(5, 2)) || !is_digits(s.substr(8, 2)) ||
        !is_digits(s.substr(11, 2)) || !is_digits(s.substr(14, 2)) || !is_digits(s.substr(17, 2)))
        return false;
    auto const number = [&](std::size_t at) { return (s[at] - '0') * 10 + (s[at + 1] - '0'); };
    int const year = number(0) * 100 + number(2), month = number(5), day = number(8);
    bool const leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    constexpr int days_in_month[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    // Year 0000 does not exist in the calendar PostgreSQL (and ISO 8601 without extensions) counts.
    if (year < 1 || month < 1 || month > 12 || day < 1 || day > days_in_month[month - 1] + (month == 2 && leap))
        return false;
    if (number(11) > 23 || number(14) > 59 || number(17) > 60) return false;  // 60: a leap second
    std::size_t i = 19;
    if (i < s.size() && s[i] == '.') {
        std::size_t const start = ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        if (i == start || i - start > 9) return false;  // 1 to 9 digits: down to nanoseconds
    }
    auto const zone = s.substr(i);
    if (zone.empty() || zone == "Z" || zone == "z") return true;
    // Offsets up to 15:59 either way, as far as PostgreSQL's timestamptz reaches (real ones span -12:00..+14:00).
    return zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && is_digits(zone.substr(1, 2)) && zone[3] == ':' &&
           is_digits(zone.substr(4, 2)) && number(i + 1) <= 15 && number(i + 4) <= 59;
}

bool is_base64(std::string_view s) {
    std::size_t padding = 0;
    for (char c : s) {
        if (c == '=') {
            ++padding;
            continue;
        }
        if (padding > 0) return false;
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/') return false;
    }
    return padding <= 2 && (s.size() % 4 == 0);
}

}  // namespace scim
