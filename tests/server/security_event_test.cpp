// SET claims, their ES256 and RS256 signatures, and the retry schedule of push delivery.
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "server/crypto.hpp"
#include "server/event_delivery.hpp"
#include "server/jws.hpp"
#include "server/security_event.hpp"

namespace json = boost::json;

namespace {

storage::PendingEvent patch_event() {
    storage::PendingEvent e;
    e.jti = "5b0f0a8e-1b7e-4a43-9c1f-0f8e1b2f3a4d";
    e.events = {"urn:ietf:params:scim:event:prov:patch:notice", "urn:ietf:params:scim:event:prov:deactivate"};
    e.external_id = "E-1";
    e.resource_type = "User";
    e.resource_id = "2819c223-7f76-453a-919d-413861904646";
    e.operation = "patch";
    e.version = 4;
    e.request_id = "okta-1";
    e.change_id = 77;
    e.attributes = {"active", "title"};
    return e;
}

}  // namespace

TEST_CASE("a SET names its subject by sub_id, its transaction by txn, and what changed by attribute names") {
    auto const claims = json::parse(server::set_claims(patch_event(), "https://scim.example.com",
                                                       "https://hr.example.com/events", 1795540000))
                            .as_object();
    CHECK(claims.at("jti") == "5b0f0a8e-1b7e-4a43-9c1f-0f8e1b2f3a4d");
    CHECK(claims.at("iss") == "https://scim.example.com");
    CHECK(claims.at("aud") == "https://hr.example.com/events");
    CHECK(claims.at("iat") == 1795540000);
    CHECK(claims.at("txn") == "okta-1");
    CHECK_FALSE(claims.contains("sub"));  // RFC 9967 §2.1: sub_id, never sub
    auto const& sub = claims.at("sub_id");
    CHECK(sub.at("format") == "scim");
    CHECK(sub.at("uri") == "/Users/2819c223-7f76-453a-919d-413861904646");
    CHECK(sub.at("externalId") == "E-1");
    auto const& events = claims.at("events").as_object();
    CHECK(events.at("urn:ietf:params:scim:event:prov:patch:notice").at("attributes") == json::array{"active", "title"});
    CHECK(events.at("urn:ietf:params:scim:event:prov:patch:notice").at("version") == "W/\"4\"");
    CHECK(events.at("urn:ietf:params:scim:event:prov:deactivate").as_object().empty());
}

TEST_CASE("a change from the command line has a txn of its own, and a full event carries the data") {
    auto e = patch_event();
    e.request_id.clear();
    e.events = {"urn:ietf:params:scim:event:prov:create:full"};
    e.data = R"({"userName":"bjensen","id":"2819c223-7f76-453a-919d-413861904646"})";
    e.resource_type = "Group";
    auto const claims = json::parse(server::set_claims(e, "i", "a", 1)).as_object();
    CHECK(claims.at("txn") == "change-77");
    CHECK(claims.at("sub_id").at("uri") == "/Groups/2819c223-7f76-453a-919d-413861904646");
    auto const& full = claims.at("events").at("urn:ietf:params:scim:event:prov:create:full");
    CHECK(full.at("data").at("userName") == "bjensen");
    CHECK_FALSE(full.as_object().contains("attributes"));
    CHECK(server::endpoint_of("License") == "/Licenses");
    CHECK(server::endpoint_of("Site") == "/Sites");
}

TEST_CASE("a SET signed with ES256 or RS256 verifies with its JWK, and not once altered or with another key") {
    for (std::string const algorithm : {"ES256", "RS256"}) {
        CAPTURE(algorithm);
        auto const key = server::generate_signing_key(algorithm);
        auto const other = server::generate_signing_key(algorithm);
        CHECK(key.kid.size() == 16);
        CHECK(key.kid != other.kid);
        auto const jwk = json::parse(key.public_jwk).as_object();
        CHECK(jwk.at("kty") == (algorithm == "ES256" ? "EC" : "RSA"));
        CHECK(jwk.at("alg").as_string() == algorithm);
        CHECK(jwk.at("kid").as_string() == key.kid);
        CHECK_FALSE(jwk.contains("d"));  // the public half only

        server::JwsSigner const signer(key);
        auto const jws = signer.sign(R"({"jti":"1"})");
        auto const payload = server::verify_jws(jws, key.public_jwk);
        REQUIRE(payload);
        CHECK(*payload == R"({"jti":"1"})");
        auto const header = json::parse(*server::from_base64url(jws.substr(0, jws.find('.')))).as_object();
        CHECK(header.at("alg").as_string() == algorithm);
        CHECK(header.at("typ") == "secevent+jwt");
        CHECK(header.at("kid").as_string() == key.kid);
        if (algorithm == "ES256") CHECK(server::from_base64url(jws.substr(jws.rfind('.') + 1))->size() == 64);

        CHECK_FALSE(server::verify_jws(jws, other.public_jwk));
        auto tampered = jws;
        tampered[jws.find('.') + 2] ^= 1;
        CHECK_FALSE(server::verify_jws(tampered, key.public_jwk));
        CHECK_FALSE(server::verify_jws("not.a.jws", key.public_jwk));
        CHECK_FALSE(server::verify_jws("", key.public_jwk));
    }
    // A header that names another algorithm than the key's, or none, never verifies.
    auto const ec = server::generate_signing_key("ES256");
    auto const rsa = server::generate_signing_key("RS256");
    CHECK_FALSE(server::verify_jws(server::JwsSigner(rsa).sign("{}"), ec.public_jwk));
    CHECK_FALSE(server::verify_jws(server::base64url(R"({"alg":"none"})") + "." + server::base64url("{}") + ".",
                                   ec.public_jwk));
    CHECK_THROWS_AS(server::generate_signing_key("HS256"), std::invalid_argument);
}

TEST_CASE("push retries back off exponentially with jitter up to the cap") {
    using std::chrono::milliseconds;
    auto const cap = milliseconds(300000);
    for (int i = 0; i < 50; ++i) {
        auto const first = server::retry_delay(1, cap);
        CHECK(first >= milliseconds(500));
        CHECK(first <= milliseconds(1000));
        auto const fifth = server::retry_delay(5, cap);
        CHECK(fifth >= milliseconds(8000));
        CHECK(fifth <= milliseconds(16000));
        auto const late = server::retry_delay(40, cap);
        CHECK(late >= cap / 2);
        CHECK(late <= cap);
    }
}
