// libFuzzer target: any text is either refused or read as a canonical MAC address, which reads back as itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "scim/mac_address.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    auto const mac = scim::canonical_mac_address(text);
    if (!mac) return 0;
    if (mac->size() != 17 || scim::canonical_mac_address(*mac) != mac) std::abort();
    return 0;
}
