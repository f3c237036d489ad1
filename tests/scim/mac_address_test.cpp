// MAC addresses: every spelling people use reads as one canonical form; anything else is refused.
#include <doctest/doctest.h>

#include "scim/mac_address.hpp"

TEST_CASE("every common spelling of a MAC address reads as 2C:54:91:88:C9:E2") {
    for (char const* spelling : {"2C:54:91:88:C9:E2", "2c:54:91:88:c9:e2", "2C-54-91-88-C9-E2", "2c-54-91-88-c9-e2",
                                 "2c54.9188.c9e2", "2C54.9188.C9E2", "2c549188c9e2", "2C549188C9E2"})
        CHECK_MESSAGE(scim::canonical_mac_address(spelling) == "2C:54:91:88:C9:E2", spelling);
}

TEST_CASE("malformed, group, broadcast and all-zero addresses are not MAC addresses of a phone") {
    for (char const* bad : {"",
                            "2C:54:91:88:C9",
                            "2C:54:91:88:C9:E2:00",
                            "2C:54:91:88:C9:E",
                            "2C:54:91:88:C9:E2:",
                            ":2C:54:91:88:C9:E2",
                            "2C-54:91-88:C9-E2",
                            "2C:549:188:C9:E2",
                            "2C54:9188:C9E2",
                            "2c5491.88c9e2",
                            "2c54.9188c9e2",
                            "2c549188c9e",
                            "2c549188c9e2f",
                            "GG:54:91:88:C9:E2",
                            "2C 54 91 88 C9 E2",
                            "00:00:00:00:00:00",
                            "FF:FF:FF:FF:FF:FF",
                            "01:00:5E:00:00:01",
                            "33:33:00:00:00:01",
                            "2C:54:91:88:C9:E2\n"})
        CHECK_MESSAGE(!scim::canonical_mac_address(bad), bad);
}

TEST_CASE("the attributes that hold MAC addresses are known by name") {
    CHECK(scim::holds_mac_address("deviceMacAddress"));
    CHECK(scim::holds_mac_address("macaddress"));
    CHECK(!scim::holds_mac_address("displayName"));
}
