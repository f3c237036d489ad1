// JWT parsing and claim checks: the algorithm allow-list, the structure, and each time and audience rule.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "server/crypto.hpp"
#include "server/jws.hpp"
#include "server/jwt.hpp"

namespace json = boost::json;

namespace {

std::string unsigned_token(json::object const& header, json::object const& claims,
                           std::string const& signature = "c2ln") {
    return server::base64url(json::serialize(header)) + "." + server::base64url(json::serialize(claims)) + "." +
           signature;
}

std::string reason(std::string_view token) {
    auto parsed = server::parse_jwt(token);
    auto const* why = std::get_if<std::string>(&parsed);
    return why ? *why : std::string();
}

server::Jwt jwt_of(std::string const& token) { return std::get<server::Jwt>(server::parse_jwt(token)); }

auto const now = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
constexpr std::int64_t t = 1'800'000'000;

}  // namespace

TEST_CASE("only ES256 and RS256 JWTs of three parts with JSON objects are taken apart") {
    CHECK(reason(unsigned_token({{"alg", "ES256"}}, {{"exp", t}})).empty());
    CHECK(reason(unsigned_token({{"alg", "RS256"}, {"kid", "k"}}, {})).empty());
    CHECK(reason(unsigned_token({{"alg", "none"}}, {}, "")) ==
          "the token's algorithm \"none\" is not accepted (ES256 or RS256)");
    CHECK(reason(unsigned_token({{"alg", "HS256"}}, {})).find("\"HS256\" is not accepted") != std::string::npos);
    CHECK(reason(unsigned_token({{"alg", "ES384"}}, {})).find("not accepted") != std::string::npos);
    CHECK(reason(unsigned_token({{"typ", "JWT"}}, {})) == "the token's header has no alg");
    CHECK(reason(unsigned_token({{"alg", "ES256"}, {"crit", json::array{"b64"}}}, {})).find("crit") !=
          std::string::npos);
    CHECK(reason(unsigned_token({{"alg", "ES256"}}, {}, "")) == "the token is not signed");
    CHECK(reason("abc.def").find("not a JWT") != std::string::npos);
    CHECK(reason("a.b.c.d").find("not a JWT") != std::string::npos);
    CHECK(reason(server::base64url("[1]") + ".e30.c2ln") == "the token's header is not base64url JSON");
    CHECK(reason(server::base64url(R"({"alg":"ES256"})") + ".W10.c2ln") == "the token's claims are not base64url JSON");
    CHECK(reason(std::string(server::max_jwt_size + 1, 'a')).find("longer than") != std::string::npos);
    auto const jwt = jwt_of(unsigned_token({{"alg", "ES256"}, {"kid", "key-1"}}, {{"iss", "i"}}));
    CHECK(jwt.kid == "key-1");
    CHECK(jwt.text("iss") == "i");
    CHECK(jwt.text("missing").empty());
}

TEST_CASE("claims: exp is required and checked with the skew, and nbf, iat, iss, aud and lifetime each say why") {
    server::ClaimRules rules;
    rules.issuer = "https://issuer.example.com";
    rules.audiences = {"api://scimd"};
    auto const check = [&](json::object claims) {
        auto const why = server::check_claims(jwt_of(unsigned_token({{"alg", "ES256"}}, claims)), rules, now);
        return why ? *why : std::string();
    };
    json::object const good{{"iss", "https://issuer.example.com"}, {"aud", "api://scimd"}, {"exp", t + 60}};
    CHECK(check(good).empty());
    auto with = [&](std::string const& name, json::value v) {
        auto c = good;
        c[name] = v;
        return c;
    };
    CHECK(check(with("exp", t - 30)).empty());  // within the 60 s skew
    CHECK(check(with("exp", t - 61)) == "the token has expired");
    CHECK(check(with("exp", "tomorrow")).find("not a number") != std::string::npos);
    auto no_exp = good;
    no_exp.erase("exp");
    CHECK(check(no_exp) == "the token has no exp (expiry)");
    CHECK(check(with("nbf", t + 120)) == "the token is not valid yet (nbf)");
    CHECK(check(with("iat", t + 120)).find("in the future") != std::string::npos);
    CHECK(check(with("iss", "https://evil.example.com")).find("issuer") != std::string::npos);
    CHECK(check(with("aud", "api://other")).find("audience") != std::string::npos);
    CHECK(check(with("aud", json::array{"api://other", "api://scimd"})).empty());
    CHECK(check(with("aud", json::array{1, 2})).find("audience") != std::string::npos);
    rules.max_lifetime = std::chrono::seconds(3600);
    CHECK(check(with("exp", t + 7200)).find("longer than 3600 s") != std::string::npos);
    rules.required = {"jti"};
    CHECK(check(good) == "the token has no jti claim");
}

TEST_CASE("a signature verifies only with the key it was made with, of the kind its algorithm names") {
    auto const es = server::generate_signing_key("ES256");
    auto const rs = server::generate_signing_key("RS256");
    auto const token = server::JwsSigner(es).sign(R"({"exp":1})", "JWT");
    auto const jwt = jwt_of(token);
    CHECK(server::signature_verifies(jwt, es.public_jwk));
    CHECK_FALSE(server::signature_verifies(jwt, server::generate_signing_key("ES256").public_jwk));
    CHECK_FALSE(server::signature_verifies(jwt, rs.public_jwk));  // ES256 token, RSA key
    auto const rs_token = jwt_of(server::JwsSigner(rs).sign(R"({"exp":1})", "JWT"));
    CHECK(server::signature_verifies(rs_token, rs.public_jwk));
    // A key whose own alg differs from the token's is not used for it.
    auto mislabelled = json::parse(es.public_jwk).as_object();
    mislabelled["alg"] = "RS256";
    CHECK_FALSE(server::signature_verifies(jwt, json::serialize(mislabelled)));
    // A PEM public key becomes a JWK that verifies what its private key signed.
    CHECK_FALSE(server::public_jwk_of_pem("not a key").has_value());
}
