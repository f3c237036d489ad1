// OAuth 2.0 as provisioning clients use it: client credentials with a secret and with private_key_jwt, access tokens
// on SCIM calls with their scope, every kind of bad token refused with a reason, a trusted issuer's JWTs through a
// key rotation, and revocation.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <boost/json.hpp>
#include <pqxx/pqxx>

#include "server/crypto.hpp"
#include "server/jws.hpp"
#include "tests/e2e/e2e_fixture.hpp"
#include "tests/support/event_receiver.hpp"

namespace json = boost::json;

namespace {

std::string base64(std::string const& bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    auto const n =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<unsigned char const*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::int64_t now_s() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct Client {
    std::string id;
    std::string secret;
};

// Registers a client with `scimd client create` and reads what it printed.
Client create_client(E2E& e, std::vector<std::string> extra) {
    std::vector<std::string> args{"client", "create", "--tenant", "acme"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto const out = e.admin(args);
    Client c;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("client_id=", 0) == 0) c.id = line.substr(10);
        if (line.rfind("client_secret=", 0) == 0) c.secret = line.substr(14);
    }
    return c;
}

HttpResult token_request(E2E& e, std::string const& form, std::map<std::string, std::string> headers = {}) {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    return e.call("POST", "/oauth2/token", form, "", headers);
}

std::string issuer(E2E& e) { return "https://127.0.0.1:" + std::to_string(e.server->port()); }

std::string access_token(HttpResult const& r) {
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto const doc = r.json();
    return std::string(doc.at("access_token").as_string());
}

std::string sign(storage::SigningKey const& key, json::object const& claims, std::string const& type = "JWT") {
    return server::JwsSigner(key).sign(json::serialize(claims), type);
}

// The server's current access token key, read from its database: to make tokens it would make, but wrong.
storage::SigningKey server_key(E2E& e) {
    pqxx::connection c(e.db.url());
    pqxx::nontransaction tx(c);
    auto const row = tx.exec1(
        "SELECT kid, algorithm, private_key_pem, public_jwk::text FROM oauth_signing_keys WHERE retired_at IS NULL");
    return {row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(), row[3].as<std::string>()};
}

std::string public_pem(storage::SigningKey const& key) {
    BIO* in = BIO_new_mem_buf(key.private_key_pem.data(), static_cast<int>(key.private_key_pem.size()));
    EVP_PKEY* pkey = PEM_read_bio_PrivateKey(in, nullptr, nullptr, nullptr);
    BIO_free(in);
    BIO* out = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(out, pkey);
    char* data = nullptr;
    auto const length = BIO_get_mem_data(out, &data);
    std::string pem(data, static_cast<std::size_t>(length));
    BIO_free(out);
    EVP_PKEY_free(pkey);
    return pem;
}

std::string challenge_of(HttpResult const& r) { return r.header("www-authenticate"); }

}  // namespace

TEST_CASE("client credentials with a secret give access tokens whose scope the SCIM calls honour") {
    E2E e;
    auto const hr = create_client(e, {"--label", "hr", "--scope", "write"});
    REQUIRE(!hr.id.empty());
    REQUIRE(!hr.secret.empty());

    // client_secret_basic
    auto const basic = token_request(e, "grant_type=client_credentials",
                                     {{"Authorization", "Basic " + base64(hr.id + ":" + hr.secret)}});
    auto const token = access_token(basic);
    CHECK(basic.json().at("token_type") == "Bearer");
    CHECK(basic.json().at("expires_in") == 3600);
    CHECK(basic.json().at("scope") == "scim scim:read scim:write");
    CHECK(basic.header("cache-control") == "no-store");
    CHECK(e.call("GET", "/scim/v2/Users", "", token).status == 200);
    auto const created =
        e.call("POST", "/scim/v2/Users", std::string("{") + core_user_schema + R"(,"userName":"o@x.com"})", token,
               {{"Content-Type", "application/scim+json"}});
    CHECK(created.status == 201);
    CHECK(e.admin({"audit", "--tenant", "acme"}).find("oauth client hr") != std::string::npos);

    // client_secret_post, asking for less: a read token cannot write
    auto const read = access_token(token_request(
        e, "grant_type=client_credentials&client_id=" + hr.id + "&client_secret=" + hr.secret + "&scope=scim%3Aread"));
    CHECK(e.call("GET", "/scim/v2/Users", "", read).status == 200);
    CHECK(e.call("POST", "/scim/v2/Users", std::string("{") + core_user_schema + R"(,"userName":"p@x.com"})", read,
                 {{"Content-Type", "application/scim+json"}})
              .status == 403);

    // What the endpoint refuses, and how
    auto const wrong = token_request(e, "grant_type=client_credentials",
                                     {{"Authorization", "Basic " + base64(hr.id + ":not-the-secret")}});
    CHECK(wrong.status == 401);
    CHECK(wrong.json().at("error") == "invalid_client");
    CHECK(challenge_of(wrong).find("Basic") == 0);
    auto const grant = token_request(e, "grant_type=password&client_id=" + hr.id + "&client_secret=" + hr.secret);
    CHECK(grant.status == 400);
    CHECK(grant.json().at("error") == "unsupported_grant_type");
    auto const more = token_request(
        e, "grant_type=client_credentials&client_id=" + hr.id + "&client_secret=" + hr.secret + "&scope=scim:audit");
    CHECK(more.status == 400);
    CHECK(more.json().at("error") == "invalid_scope");
    CHECK(e.call("POST", "/oauth2/token", "grant_type=client_credentials", "", {{"Content-Type", "application/json"}})
              .status == 400);

    // Discovery
    auto const metadata = e.call("GET", "/.well-known/oauth-authorization-server").json();
    CHECK(metadata.at("issuer").as_string() == issuer(e));
    CHECK(metadata.at("token_endpoint").as_string() == issuer(e) + "/oauth2/token");
    CHECK(e.call("GET", "/oauth2/jwks.json").json().at("keys").as_array().size() == 1);
    auto const spc = e.get("/scim/v2/ServiceProviderConfig").json();
    bool oauth_listed = false;
    for (auto const& s : spc.at("authenticationSchemes").as_array()) oauth_listed |= s.at("type") == "oauth2";
    CHECK(oauth_listed);

    // Revoked, its tokens stop (the test server trusts nothing it has checked: --token-cache-ms 0)
    e.admin({"client", "revoke", "--tenant", "acme", "--label", "hr"});
    auto const revoked = e.call("GET", "/scim/v2/Users", "", token);
    CHECK(revoked.status == 401);
    CHECK(challenge_of(revoked).find("revoked") != std::string::npos);
    CHECK(token_request(e, "grant_type=client_credentials",
                        {{"Authorization", "Basic " + base64(hr.id + ":" + hr.secret)}})
              .status == 401);
}

TEST_CASE("private_key_jwt: an assertion gets a token once, and replayed, expired and misaddressed ones are refused") {
    E2E e;
    auto const key = server::generate_signing_key("ES256");
    auto const pem_file = std::filesystem::temp_directory_path() / ("scimd-client-" + std::to_string(::getpid()));
    std::ofstream(pem_file) << public_pem(key);
    auto const hr = create_client(e, {"--label", "workday", "--scope", "write", "--public-key", pem_file.string()});
    std::filesystem::remove(pem_file);
    REQUIRE(!hr.id.empty());
    CHECK(hr.secret.empty());

    auto const assertion = [&](json::object changes) {
        json::object claims{{"iss", hr.id},         {"sub", hr.id},   {"aud", issuer(e) + "/oauth2/token"},
                            {"exp", now_s() + 300}, {"iat", now_s()}, {"jti", server::new_request_id()}};
        for (auto& [k, v] : changes) claims[k] = v;
        return "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-"
               "type%3Ajwt-bearer&client_assertion=" +
               sign(key, claims);
    };
    auto const form = assertion({});
    auto const token = access_token(token_request(e, form));
    CHECK(e.call("GET", "/scim/v2/Users", "", token).status == 200);

    auto const refused = [&](std::string const& f, std::string const& why) {
        auto const r = token_request(e, f);
        CHECK(r.status == 401);
        CHECK(r.json().at("error") == "invalid_client");
        CHECK_MESSAGE(std::string(r.json().at("error_description").as_string()).find(why) != std::string::npos, r.body);
        CHECK(challenge_of(r).find("error=\"invalid_client\"") != std::string::npos);
        CHECK(challenge_of(r).find(why) != std::string::npos);
    };
    refused(form, "used before");
    refused(assertion({{"exp", now_s() - 600}}), "expired");
    refused(assertion({{"aud", "https://elsewhere.example.com/token"}}), "audience");
    refused(assertion({{"exp", now_s() + 86400}}), "longer than");
    auto const other = server::generate_signing_key("ES256");  // not the registered key
    refused(
        "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%"
        "3Ajwt-bearer&client_assertion=" +
            sign(other, {{"iss", hr.id},
                         {"sub", hr.id},
                         {"aud", issuer(e) + "/oauth2/token"},
                         {"exp", now_s() + 300},
                         {"jti", "x1"}}),
        "signature");
    refused("grant_type=client_credentials&client_id=" + hr.id + "&client_secret=guess", "private_key_jwt");

    // A client that publishes its keys is registered by its JWKS URL; its read tokens read and do not write.
    EventReceiver published;
    auto const rsa = server::generate_signing_key("RS256");
    published.answer({200, "", {}, R"({"keys":[)" + rsa.public_jwk + "]}"});
    auto const hris = create_client(e, {"--label", "hris", "--scope", "read", "--jwks-url", published.url()});
    auto const read = access_token(token_request(
        e,
        "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%"
        "3Ajwt-bearer&client_assertion=" +
            sign(rsa, {{"iss", hris.id},
                       {"sub", hris.id},
                       {"aud", issuer(e) + "/oauth2/token"},
                       {"exp", now_s() + 300},
                       {"jti", "hris-1"}})));
    CHECK(e.call("GET", "/scim/v2/Users", "", read).status == 200);
    CHECK(e.call("POST", "/scim/v2/Users", std::string("{") + core_user_schema + R"(,"userName":"r@x.com"})", read,
                 {{"Content-Type", "application/scim+json"}})
              .status == 403);
}

TEST_CASE("a bad access token is 401 with WWW-Authenticate saying why, and changes nothing") {
    E2E e;
    auto const hr = create_client(e, {"--label", "hr", "--scope", "write"});
    auto const good = access_token(
        token_request(e, "grant_type=client_credentials&client_id=" + hr.id + "&client_secret=" + hr.secret));
    auto const key = server_key(e);
    json::object const claims{
        {"iss", issuer(e)},      {"sub", hr.id},   {"aud", issuer(e) + "/scim/v2"}, {"client_id", hr.id},
        {"scope", "scim:write"}, {"iat", now_s()}, {"exp", now_s() + 600},          {"jti", "j1"}};
    auto const with = [&](json::object changes) {
        auto c = claims;
        for (auto& [k, v] : changes) c[k] = v;
        return c;
    };
    auto const header_only = [](json::object header, json::object const& body) {
        return server::base64url(json::serialize(header)) + "." + server::base64url(json::serialize(body)) + ".";
    };
    auto const dot = good.find('.');
    auto const parts_after_header = good.substr(dot);
    struct Case {
        std::string token;
        std::string why;
    };
    std::vector<Case> const cases{
        {sign(key, claims, "at+jwt"), ""},  // well made: the control
        {sign(key, with({{"exp", now_s() - 600}}), "at+jwt"), "expired"},
        {sign(key, with({{"aud", "https://other.example.com/scim/v2"}}), "at+jwt"), "audience"},
        {sign(key, with({{"nbf", now_s() + 3600}}), "at+jwt"), "not valid yet"},
        {sign(server::generate_signing_key("ES256"), claims, "at+jwt"), "is unknown"},
        {header_only({{"alg", "none"}, {"typ", "JWT"}}, claims), "algorithm none is not accepted"},
        {server::base64url(json::serialize(json::object{{"alg", "HS256"}, {"kid", key.kid}})) +
             parts_after_header.substr(0, parts_after_header.rfind('.')) + "." +
             server::base64url(server::hmac_sha256(key.public_jwk, "x")),
         "algorithm HS256 is not accepted"},
        {good.substr(0, good.rfind('.') + 1) + server::base64url(std::string(64, 'A')), "signature"},
        {"x.y.z", "header is not base64url JSON"},
    };
    auto const before = e.users_snapshot();
    for (auto const& c : cases) {
        auto const r =
            e.call("POST", "/scim/v2/Users", std::string("{") + core_user_schema + R"(,"userName":"z@x.com"})", c.token,
                   {{"Content-Type", "application/scim+json"}});
        if (c.why.empty()) {
            CHECK(r.status == 201);
            e.del("/scim/v2/Users/" + std::string(r.json().at("id").as_string()));
            continue;
        }
        CHECK_MESSAGE(r.status == 401, c.why);
        CHECK_MESSAGE(challenge_of(r).find("error=\"invalid_token\"") != std::string::npos, challenge_of(r));
        CHECK_MESSAGE(challenge_of(r).find(c.why) != std::string::npos, c.why << " | " << challenge_of(r));
    }
    CHECK(e.users_snapshot() == before);
}

TEST_CASE("a trusted issuer's JWTs work through a key rotation, and only where its trust matches") {
    E2E e({true, {"--oauth-jwks-refresh", "1"}});
    EventReceiver issuer_keys;  // the issuer's JWKS on the loopback
    auto const first = server::generate_signing_key("RS256");
    auto const second = server::generate_signing_key("ES256");
    auto const jwks = [](std::vector<storage::SigningKey> const& keys) {
        json::array list;
        for (auto const& k : keys) list.push_back(json::parse(k.public_jwk));
        return json::serialize(json::object{{"keys", list}});
    };
    issuer_keys.answer({200, "", {}, jwks({first})});
    std::string const iss = "https://sts.windows.net/7d8c5b52-0000-4000-8000-000000000001/";
    e.admin({"tenant", "trust", "--tenant", "acme", "--issuer", iss, "--audience", "api://scimd-acme", "--jwks-uri",
             issuer_keys.url(), "--claim", "tid=7d8c5b52-0000-4000-8000-000000000001"});
    auto const entra = [&](storage::SigningKey const& key, json::object changes = {}) {
        json::object claims{{"iss", iss},
                            {"aud", "api://scimd-acme"},
                            {"tid", "7d8c5b52-0000-4000-8000-000000000001"},
                            {"appid", "00000014-0000-0000-c000-000000000000"},
                            {"iat", now_s()},
                            {"nbf", now_s()},
                            {"exp", now_s() + 3600}};
        for (auto& [k, v] : changes) claims[k] = v;
        return sign(key, claims);
    };
    CHECK(e.call("GET", "/scim/v2/Users", "", entra(first)).status == 200);

    // The issuer rotates: the new kid is fetched without a restart
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    issuer_keys.answer({200, "", {}, jwks({second, first})});
    CHECK(e.call("GET", "/scim/v2/Users", "", entra(second)).status == 200);

    // Another directory's token, another audience, or a key the issuer never published: 401
    auto const other_tid = e.call("GET", "/scim/v2/Users", "", entra(first, {{"tid", "another-directory"}}));
    CHECK(other_tid.status == 401);
    CHECK(e.call("GET", "/scim/v2/Users", "", entra(first, {{"aud", "api://scimd-beta"}})).status == 401);
    auto const unknown = e.call("GET", "/scim/v2/Users", "", entra(server::generate_signing_key("ES256")));
    CHECK(unknown.status == 401);
    CHECK(challenge_of(unknown).find("no key") != std::string::npos);
    // A tenant that trusts nobody gets nothing from these tokens: beta's path with acme's trust finds nothing.
    CHECK(e.call("GET", "/customers/beta/scim/v2/Users", "", entra(first)).status == 404);
    e.admin({"tenant", "untrust", "--tenant", "acme", "--issuer", iss});
    CHECK(e.call("GET", "/scim/v2/Users", "", entra(first)).status == 401);
}

TEST_CASE("deactivating a user stops the tokens bound to that user") {
    E2E e;
    auto const id = e.create_user("bound@example.com");
    auto const bound = e.admin(
        {"token", "issue", "--tenant", "acme", "--scope", "write", "--label", "me", "--user", "bound@example.com"});
    auto const me_token = bound.substr(0, bound.find('\n'));
    CHECK(e.call("GET", "/scim/v2/Me", "", me_token).status == 200);
    CHECK(
        e.call(
             "PATCH", "/scim/v2/Users/" + id,
             R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]})",
             e.acme.write_token, {{"Content-Type", "application/scim+json"}})
            .status == 200);
    CHECK(e.call("GET", "/scim/v2/Me", "", me_token).status == 401);
}
