// Ethernet MAC addresses as phones are labelled and as people type them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace scim {

/// The canonical form of a 48-bit MAC address, "2C:54:91:88:C9:E2" (upper case, colons), from any of
/// "2c:54:91:88:c9:e2", "2C-54-91-88-C9-E2", "2c5491.88c9e2"-style dotted groups, or twelve bare hex digits;
/// nullopt for anything else, and for the all-zero, broadcast and multicast addresses, which no phone has.
std::optional<std::string> canonical_mac_address(std::string_view text);

/// Whether an attribute of that name holds a MAC address (RFC 9944's deviceMacAddress, a user's devices.macAddress):
/// filters compare such values in canonical form, whatever spelling they were given in.
bool holds_mac_address(std::string_view attribute_name) noexcept;

}  // namespace scim
