// Address classes (RFC 6890's special-purpose registries) and the operator's allow list.
#include "server/egress_policy.hpp"

#include <cstdint>
#include <stdexcept>

#include <boost/asio/ip/address.hpp>

namespace server {
namespace {

namespace ip = boost::asio::ip;

ip::address_v6 as_v6(ip::address const& a) {
    return a.is_v4() ? ip::make_address_v6(ip::v4_mapped, a.to_v4()) : a.to_v6();
}

bool in_prefix(ip::address_v6 const& a, ip::address_v6 const& network, unsigned prefix) {
    auto const x = a.to_bytes();
    auto const n = network.to_bytes();
    for (unsigned bit = 0; bit < prefix; ++bit) {
        auto const mask = static_cast<std::uint8_t>(0x80u >> (bit % 8));
        if ((x[bit / 8] & mask) != (n[bit / 8] & mask)) return false;
    }
    return true;
}

struct Special {
    char const* network;
    unsigned prefix;  // of the IPv4 address, or of the IPv6 one
    char const* kind;
};

constexpr std::array<Special, 15> v4_special{{
    {"0.0.0.0", 8, "an unspecified (\"this network\") address"},
    {"10.0.0.0", 8, "a private address"},
    {"100.64.0.0", 10, "a carrier-grade NAT address"},
    {"127.0.0.0", 8, "a loopback address"},
    {"169.254.0.0", 16, "a link-local address (where cloud metadata services answer)"},
    {"172.16.0.0", 12, "a private address"},
    {"192.0.0.0", 24, "a reserved address"},
    {"192.0.2.0", 24, "a documentation address"},
    {"192.88.99.0", 24, "a reserved address"},
    {"192.168.0.0", 16, "a private address"},
    {"198.18.0.0", 15, "a benchmarking address"},
    {"198.51.100.0", 24, "a documentation address"},
    {"203.0.113.0", 24, "a documentation address"},
    {"224.0.0.0", 4, "a multicast address"},
    {"240.0.0.0", 4, "a reserved address"},
}};

constexpr std::array<Special, 7> v6_special{{
    {"::", 128, "an unspecified address"},
    {"::1", 128, "a loopback address"},
    {"64:ff9b:1::", 48, "a reserved address"},
    {"100::", 64, "a discard address"},
    {"2001:db8::", 32, "a documentation address"},
    {"fc00::", 7, "a private (unique local) address"},
    {"fe80::", 10, "a link-local address"},
}};

std::optional<std::string> kind_of(ip::address const& address) {
    auto v6 = as_v6(address);
    // An IPv4 address in any IPv6 dress (mapped, or NAT64's well-known prefix) is judged as the IPv4 address.
    if (v6.is_v4_mapped() || in_prefix(v6, ip::make_address_v6("64:ff9b::"), 96)) {
        auto const bytes = v6.to_bytes();
        ip::address_v4 const v4(ip::address_v4::bytes_type{bytes[12], bytes[13], bytes[14], bytes[15]});
        auto const mapped = as_v6(v4);
        for (auto const& s : v4_special)
            if (in_prefix(mapped, as_v6(ip::make_address_v4(s.network)), 96 + s.prefix)) return std::string(s.kind);
        return std::nullopt;
    }
    if (v6.is_multicast()) return std::string("a multicast address");
    for (auto const& s : v6_special)
        if (in_prefix(v6, ip::make_address_v6(s.network), s.prefix)) return std::string(s.kind);
    return std::nullopt;
}

}  // namespace

std::optional<std::string> non_public_kind(std::string_view text) {
    boost::system::error_code ec;
    auto const address = ip::make_address(std::string(text), ec);
    if (ec) return std::nullopt;
    return kind_of(address);
}

EgressPolicy::EgressPolicy(bool allow_private, std::string_view allowed) : allow_private_(allow_private) {
    while (!allowed.empty()) {
        auto const comma = allowed.find(',');
        auto item = allowed.substr(0, comma);
        allowed = comma == std::string_view::npos ? std::string_view() : allowed.substr(comma + 1);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (item.empty()) continue;
        auto const slash = item.find('/');
        boost::system::error_code ec;
        auto const address = ip::make_address(std::string(item.substr(0, slash)), ec);
        if (ec) throw std::invalid_argument("\"" + std::string(item) + "\" is not an address or CIDR range");
        unsigned const most = address.is_v4() ? 32 : 128;
        unsigned prefix = most;
        if (slash != std::string_view::npos) {
            auto const digits = item.substr(slash + 1);
            prefix = 0;
            if (digits.empty() || digits.size() > 3) prefix = most + 1;
            for (char c : digits)
                prefix = (c >= '0' && c <= '9') ? prefix * 10 + static_cast<unsigned>(c - '0') : most + 1;
            if (prefix > most)
                throw std::invalid_argument("\"" + std::string(item) + "\" has a prefix length that is not 0 to " +
                                            std::to_string(most));
        }
        allowed_.push_back({as_v6(address).to_bytes(), address.is_v4() ? 96 + prefix : prefix});
    }
}

std::optional<std::string> EgressPolicy::refusal(std::string_view text) const {
    boost::system::error_code ec;
    auto const address = ip::make_address(std::string(text), ec);
    if (ec) return std::nullopt;
    auto kind = kind_of(address);
    if (!kind || allow_private_) return std::nullopt;
    auto const v6 = as_v6(address);
    for (auto const& range : allowed_)
        if (in_prefix(v6, ip::address_v6(range.network), range.prefix)) return std::nullopt;
    return kind;
}

}  // namespace server
