// Where scimd connects on a tenant's behalf: every address class that is not public is refused unless allowed.
#include <doctest/doctest.h>

#include <stdexcept>

#include "server/egress_policy.hpp"

TEST_CASE("L5: loopback, private, link-local, CGNAT, multicast and reserved addresses are refused by default") {
    server::EgressPolicy const strict;
    for (auto const* address : {"127.0.0.1",
                                "127.9.9.9",
                                "10.1.2.3",
                                "172.16.0.1",
                                "172.31.255.255",
                                "192.168.1.1",
                                "169.254.169.254",
                                "100.64.0.1",
                                "0.0.0.0",
                                "224.0.0.1",
                                "255.255.255.255",
                                "::1",
                                "::",
                                "fe80::1",
                                "fd00::1",
                                "fc12::1",
                                "ff02::1",
                                "::ffff:127.0.0.1",
                                "::ffff:169.254.169.254",
                                "64:ff9b::a9fe:a9fe",
                                "192.0.2.10"}) {
        CAPTURE(address);
        CHECK(strict.refusal(address).has_value());
    }
    CHECK(*strict.refusal("169.254.169.254") == "a link-local address (where cloud metadata services answer)");
    for (auto const* address : {"8.8.8.8", "172.32.0.1", "100.128.0.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"}) {
        CAPTURE(address);
        CHECK_FALSE(strict.refusal(address).has_value());
    }
    CHECK_FALSE(strict.refusal("pbx.example.com").has_value());  // a name is judged by what it resolves to
}

TEST_CASE("L5: the operator's allow list and switch open exactly what they name") {
    server::EgressPolicy const ranges(false, "10.20.0.0/16, 127.0.0.1,fd00::/8");
    CHECK_FALSE(ranges.refusal("10.20.3.4").has_value());
    CHECK(ranges.refusal("10.21.0.1").has_value());
    CHECK_FALSE(ranges.refusal("127.0.0.1").has_value());
    CHECK(ranges.refusal("127.0.0.2").has_value());
    CHECK_FALSE(ranges.refusal("fd12::1").has_value());
    CHECK(ranges.refusal("169.254.169.254").has_value());
    server::EgressPolicy const open(true, "");
    CHECK_FALSE(open.refusal("169.254.169.254").has_value());
    for (auto const* bad : {"10.0.0.0/33", "banana", "10.0.0.0/", "::/129", "10.0.0.0/1a"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(server::EgressPolicy(false, bad), std::invalid_argument);
    }
}
