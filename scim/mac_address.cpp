// MAC address spellings -> one canonical form.
#include "scim/mac_address.hpp"

#include <cctype>

#include "scim/text.hpp"

namespace scim {

std::optional<std::string> canonical_mac_address(std::string_view text) {
    if (text.size() > 17) return std::nullopt;  // the longest spelling: six pairs and five separators
    std::string digits;
    char separator = 0;
    std::size_t since_separator = 0;
    for (char c : text) {
        if (std::isxdigit(static_cast<unsigned char>(c))) {
            digits += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            ++since_separator;
            continue;
        }
        if (c != ':' && c != '-' && c != '.') return std::nullopt;
        if (separator && c != separator) return std::nullopt;  // one kind of separator in one address
        // Colons and dashes separate pairs, dots groups of four (Cisco's "2c54.9188.c9e2").
        if (since_separator != (c == '.' ? 4u : 2u)) return std::nullopt;
        separator = c;
        since_separator = 0;
    }
    if (digits.size() != 12) return std::nullopt;
    if (separator && since_separator != (separator == '.' ? 4u : 2u)) return std::nullopt;
    if (separator && text.size() != (separator == '.' ? 14u : 17u)) return std::nullopt;
    if (digits == "000000000000") return std::nullopt;
    // The first octet's lowest bit marks a group address (multicast, and broadcast FF:FF:...): never one device's.
    auto const first = std::stoi(digits.substr(0, 2), nullptr, 16);
    if (first & 1) return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < 12; i += 2) {
        if (i) out += ':';
        out += digits.substr(i, 2);
    }
    return out;
}

bool holds_mac_address(std::string_view attribute_name) noexcept {
    return iequals(attribute_name, "deviceMacAddress") || iequals(attribute_name, "macAddress");
}

}  // namespace scim
