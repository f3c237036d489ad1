// Where scimd may connect on a tenant's behalf (push receivers, JWKS documents): never to loopback, private,
// link-local (cloud metadata), carrier-grade NAT, multicast or reserved addresses, unless the operator allows them
// (--allow-private-egress, or CIDR ranges with --egress-allow). Checked on the addresses a name resolves to, at
// connect time, so that a name that resolves elsewhere later (DNS rebinding) is checked again.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace server {

class EgressPolicy {
public:
    /// Refuses every address that is not public.
    EgressPolicy() = default;
    /// `allow_private`: every address is allowed. `allowed`: comma-separated CIDR ranges (or single addresses) that are
    /// allowed although not public, e.g. "10.20.0.0/16,127.0.0.1". @throws std::invalid_argument naming a bad range.
    EgressPolicy(bool allow_private, std::string_view allowed);

    /// Why the IP address `address` (text: "10.0.0.1", "::1") is refused ("a private address"), or nullopt when it may
    /// be connected to, or is not an IP address at all (a name is checked once it is resolved).
    std::optional<std::string> refusal(std::string_view address) const;

    /// What the operator allows, for messages: "--allow-private-egress or --egress-allow CIDR".
    static constexpr char const* how_to_allow = "--allow-private-egress, or the range in --egress-allow";

private:
    struct Range {
        std::array<unsigned char, 16> network{};  // IPv6; IPv4 as IPv4-mapped IPv6
        unsigned prefix = 128;
    };
    bool allow_private_ = false;
    std::vector<Range> allowed_;
};

/// What kind of address the IP address `address` (text) is when it is not a public unicast one: "a loopback address",
/// "a private address", "a link-local address", ...; nullopt for a public address and for text that is no address.
std::optional<std::string> non_public_kind(std::string_view address);

}  // namespace server
