// UTF-8 validation by the table of RFC 3629 §4.
#include "scim/utf8.hpp"

namespace scim {
namespace {

// The length of the well-formed sequence at the start of `s`, or 0 when there is none.
std::size_t sequence_length(std::string_view s) noexcept {
    auto const byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    auto const in = [&](std::size_t i, unsigned lo, unsigned hi) {
        return i < s.size() && byte(i) >= lo && byte(i) <= hi;
    };
    unsigned const b0 = byte(0);
    if (b0 < 0x80) return 1;
    if (b0 >= 0xC2 && b0 <= 0xDF) return in(1, 0x80, 0xBF) ? 2 : 0;
    if (b0 == 0xE0) return in(1, 0xA0, 0xBF) && in(2, 0x80, 0xBF) ? 3 : 0;
    if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) return in(1, 0x80, 0xBF) && in(2, 0x80, 0xBF) ? 3 : 0;
    if (b0 == 0xED) return in(1, 0x80, 0x9F) && in(2, 0x80, 0xBF) ? 3 : 0;  // no surrogates
    if (b0 == 0xF0) return in(1, 0x90, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
    if (b0 >= 0xF1 && b0 <= 0xF3) return in(1, 0x80, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
    if (b0 == 0xF4) return in(1, 0x80, 0x8F) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
    return 0;
}

}  // namespace

std::size_t valid_utf8_prefix(std::string_view text) noexcept {
    std::size_t at = 0;
    while (at < text.size()) {
        auto const n = sequence_length(text.substr(at));
        if (n == 0) return at;
        at += n;
    }
    return at;
}

std::string to_valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    while (!text.empty()) {
        auto const good = valid_utf8_prefix(text);
        out.append(text.substr(0, good));
        text.remove_prefix(good);
        if (text.empty()) break;
        out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
        text.remove_prefix(1);
    }
    return out;
}

}  // namespace scim
