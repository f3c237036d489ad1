// JSON Web Tokens (RFC 7519) as scimd accepts them: compact JWS signed with ES256 or RS256 only (an allow-list: never
// "none", never an HMAC keyed by whatever the token says), parsed with Boost.JSON and verified with OpenSSL through
// server/jws. Used for OAuth access tokens, client assertions (RFC 7523) and trusted issuers' tokens.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/json/object.hpp>

namespace server {

/// A JWT taken apart, not yet trusted: its header and claims, and the compact form it came in.
struct Jwt {
    std::string compact;
    std::string algorithm;  // "ES256" or "RS256"
    std::string kid;        // empty when the header has none
    boost::json::object header;
    boost::json::object claims;

    /// A string claim, or empty.
    std::string text(std::string_view name) const;
};

/// The longest token accepted, in bytes: a header line holds it, and nothing legitimate comes near.
inline constexpr std::size_t max_jwt_size = 8192;

/// `token` taken apart: three base64url parts, a JSON object header whose alg is ES256 or RS256, a JSON object of
/// claims. Otherwise why not, in words a client can act on ("the token's algorithm \"none\" is not accepted").
std::variant<Jwt, std::string> parse_jwt(std::string_view token);

/// What the claims of a token must be.
struct ClaimRules {
    std::string issuer;                    // iss must equal it (when not empty)
    std::vector<std::string> audiences;    // aud (a string or an array) must name one of them (when not empty)
    std::chrono::seconds skew{60};         // allowed clock difference for exp, nbf and iat
    std::chrono::seconds max_lifetime{0};  // exp - now must not exceed it (0: no bound)
    std::vector<std::string> required;     // claims that must be present
};

/// Why the claims of `jwt` break `rules` at `now` (expired, not yet valid, another issuer or audience, a claim
/// missing), or nullopt when they do not. exp is always required.
std::optional<std::string> check_claims(Jwt const& jwt, ClaimRules const& rules,
                                        std::chrono::system_clock::time_point now);

/// Whether the signature of `jwt` verifies with the public JWK `jwk` (JSON), whose type must fit the algorithm.
bool signature_verifies(Jwt const& jwt, std::string_view jwk);

}  // namespace server
