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
    if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
        s[16] != ':')
        return false;
    if (!is_digits(s.substr(0, 4)) || !is_digits(s.substr(5, 2)) || !is_digits(s.substr(8, 2)) ||
        !is_digits(s.substr(11, 2)) || !is_digits(s.substr(14, 2)) || !is_digits(s.substr(17, 2)))
        return false;
    auto const number = [&](std::size_t at) { return (s[at] - '0') * 10 + (s[at + 1] - '0'); };
    if (number(5) < 1 || number(5) > 12 || number(8) < 1 || number(8) > 31 || number(11) > 23 || number(14) > 59 ||
        number(17) > 60)
        return false;
    std::size_t i = 19;
    if (i < s.size() && s[i] == '.') {
        std::size_t const start = ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        if (i == start) return false;
    }
    auto const zone = s.substr(i);
    if (zone.empty() || zone == "Z" || zone == "z") return true;
    return zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && is_digits(zone.substr(1, 2)) &&
           zone[3] == ':' && is_digits(zone.substr(4, 2));
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
