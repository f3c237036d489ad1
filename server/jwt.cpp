// Taking JWTs apart and checking their claims.
#include "server/jwt.hpp"

#include <boost/json/parse.hpp>

#include "server/crypto.hpp"
#include "server/jws.hpp"

namespace server {

namespace json = boost::json;

std::string Jwt::text(std::string_view name) const {
    auto const* v = claims.if_contains(name);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

namespace {

std::optional<json::object> object_of(std::string_view base64) {
    auto const bytes = from_base64url(base64);
    if (!bytes) return std::nullopt;
    boost::system::error_code ec;
    auto value = json::parse(*bytes, ec);
    if (ec || !value.is_object()) return std::nullopt;
    return std::move(value.as_object());
}

// A NumericDate claim (seconds since the epoch, RFC 7519 §2), or nullopt when absent; false in `valid` when it is
// there but not a number.
std::optional<std::int64_t> seconds_claim(json::object const& claims, std::string_view name, bool& valid) {
    auto const* v = claims.if_contains(name);
    if (!v) return std::nullopt;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64() && v->as_uint64() < (std::uint64_t{1} << 62)) return static_cast<std::int64_t>(v->as_uint64());
    if (v->is_double() && v->as_double() > -1e15 && v->as_double() < 1e15)
        return static_cast<std::int64_t>(v->as_double());
    valid = false;
    return std::nullopt;
}

}  // namespace

std::variant<Jwt, std::string> parse_jwt(std::string_view token) {
    if (token.size() > max_jwt_size) return "the token is longer than " + std::to_string(max_jwt_size) + " bytes";
    auto const first = token.find('.');
    auto const second = first == std::string_view::npos ? first : token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
        return std::string("the token is not a JWT (three base64url parts separated by dots)");
    auto header = object_of(token.substr(0, first));
    if (!header) return std::string("the token's header is not base64url JSON");
    auto const* alg = header->if_contains("alg");
    if (!alg || !alg->is_string()) return std::string("the token's header has no alg");
    std::string const algorithm(alg->as_string());
    if (algorithm != "ES256" && algorithm != "RS256")
        return "the token's algorithm \"" + algorithm.substr(0, 32) + "\" is not accepted (ES256 or RS256)";
    if (header->contains("crit")) return std::string("the token's header has crit parameters, which are not supported");
    auto claims = object_of(token.substr(first + 1, second - first - 1));
    if (!claims) return std::string("the token's claims are not base64url JSON");
    if (token.size() == second + 1) return std::string("the token is not signed");
    Jwt jwt;
    jwt.compact = std::string(token);
    jwt.algorithm = algorithm;
    if (auto const* kid = header->if_contains("kid"); kid && kid->is_string()) jwt.kid = std::string(kid->as_string());
    jwt.header = std::move(*header);
    jwt.claims = std::move(*claims);
    return jwt;
}

std::optional<std::string> check_claims(Jwt const& jwt, ClaimRules const& rules,
                                        std::chrono::system_clock::time_point now) {
    auto const now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    auto const skew = rules.skew.count();
    bool valid = true;
    auto const exp = seconds_claim(jwt.claims, "exp", valid);
    auto const nbf = seconds_claim(jwt.claims, "nbf", valid);
    auto const iat = seconds_claim(jwt.claims, "iat", valid);
    if (!valid) return std::string("the token's exp, nbf or iat is not a number of seconds");
    if (!exp) return std::string("the token has no exp (expiry)");
    if (*exp + skew <= now_s) return std::string("the token has expired");
    if (nbf && *nbf - skew > now_s) return std::string("the token is not valid yet (nbf)");
    if (iat && *iat - skew > now_s) return std::string("the token was issued in the future (iat)");
    if (rules.max_lifetime.count() > 0 && *exp - now_s > rules.max_lifetime.count() + skew)
        return "the token lives longer than " + std::to_string(rules.max_lifetime.count()) + " s";
    if (!rules.issuer.empty() && jwt.text("iss") != rules.issuer)
        return "the token's issuer is not \"" + rules.issuer + "\"";
    if (!rules.audiences.empty()) {
        auto const named = [&](json::value const& v) {
            if (!v.is_string()) return false;
            for (auto const& a : rules.audiences)
                if (v.as_string() == a) return true;
            return false;
        };
        bool found = false;
        if (auto const* aud = jwt.claims.if_contains("aud")) {
            if (aud->is_array()) {
                for (auto const& v : aud->as_array()) found = found || named(v);
            } else {
                found = named(*aud);
            }
        }
        if (!found) return "the token's audience (aud) is not \"" + rules.audiences.front() + "\"";
    }
    for (auto const& name : rules.required)
        if (!jwt.claims.contains(name)) return "the token has no " + name + " claim";
    return std::nullopt;
}

bool signature_verifies(Jwt const& jwt, std::string_view jwk) { return verify_jws(jwt.compact, jwk).has_value(); }

}  // namespace server
