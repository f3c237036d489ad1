// libFuzzer target: any bearer token must be taken apart or refused with a reason, its claims checked without
// throwing, and its signature checked against a fixed key of each kind without crashing (ES256 signatures are
// reshaped from raw to DER on the way, RSA moduli are read from the token's key).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "server/jwt.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    static std::string const ec_key =
        R"({"kty":"EC","crv":"P-256","x":"TRMcxGRLLWeabwisyU24mWt3Rl9Nja-J5H2vNI6jegE","y":"I5owtgQbKX_jW8XPvgej-TYBjhgBFyzXkOt3i32vFvM"})";
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    auto parsed = server::parse_jwt(text);
    if (auto const* jwt = std::get_if<server::Jwt>(&parsed)) {
        server::ClaimRules rules;
        rules.issuer = "https://issuer.example.com";
        rules.audiences = {"api://scimd", "https://scim.example.com/scim/v2"};
        rules.max_lifetime = std::chrono::seconds(3600);
        rules.required = {"jti"};
        (void)server::check_claims(*jwt, rules,
                                   std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000)));
        (void)server::signature_verifies(*jwt, ec_key);
        (void)server::signature_verifies(*jwt, std::string_view(text).substr(0, std::min<std::size_t>(size, 64)));
    }
    return 0;
}
