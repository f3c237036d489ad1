// The token endpoint, access tokens, and trusted issuers' tokens.
#include "server/oauth.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <openssl/crypto.h>
#include <boost/json.hpp>
#include <boost/url/parse_query.hpp>

#include "scim/error.hpp"
#include "server/crypto.hpp"
#include "server/db_pool.hpp"
#include "server/error_response.hpp"
#include "server/jws.hpp"
#include "server/jwt.hpp"
#include "server/log.hpp"
#include "storage/oauth_repository.hpp"

namespace server {

namespace net = boost::asio;
namespace json = boost::json;

struct OAuth::Keys {
    std::map<std::string, std::string> verifying;  // kid -> public JWK
    std::shared_ptr<JwsSigner> signer;
    std::chrono::steady_clock::time_point loaded{};
};

namespace {

boost::urls::encoding_opts const form_decoding(true);  // '+' is a space

constexpr std::string_view jwt_bearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
constexpr auto assertion_lifetime = std::chrono::seconds(3600);  // a longer-lived client assertion is refused

// An RFC 6749 §5.2 error.
struct OAuthError {
    int status;
    std::string error;
    std::string description;
};

TokenReply reply_of(OAuthError const& e) {
    TokenReply r;
    r.status = e.status;
    r.body = json::serialize(json::object{{"error", e.error}, {"error_description", e.description}});
    if (e.status == 401)  // the reason in the challenge too, as for bearer tokens
        r.www_authenticate =
            "Basic realm=\"scimd\", error=\"invalid_client\", error_description=\"" + quotable(e.description) + "\"";
    return r;
}

std::set<std::string> scopes_allowed(storage::TokenScope scope, bool bound_to_user) {
    std::set<std::string> out;
    if (scope == storage::TokenScope::audit)
        out = {"scim:audit"};
    else if (scope == storage::TokenScope::write)
        out = {"scim", "scim:read", "scim:write"};  // "scim": full provisioning access (OpenID IPSIE SCIM §4.1)
    else
        out = {"scim:read"};
    if (bound_to_user) out.insert("scim:me");
    return out;
}

std::set<std::string> split_scopes(std::string_view text) {
    std::set<std::string> out;
    std::size_t i = 0;
    while (i < text.size()) {
        auto const end = std::min(text.find(' ', i), text.size());
        if (end > i) out.emplace(text.substr(i, end - i));
        i = end + 1;
    }
    return out;
}

storage::TokenScope scope_of(std::set<std::string> const& scopes) {
    if (scopes.count("scim:write") || scopes.count("scim")) return storage::TokenScope::write;
    if (scopes.count("scim:audit")) return storage::TokenScope::audit;
    return storage::TokenScope::read;
}

std::string joined(std::set<std::string> const& scopes) {
    std::string out;
    for (auto const& s : scopes) out += (out.empty() ? "" : " ") + s;
    return out;
}

bool same_secret(std::string const& a, std::string const& b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::int64_t epoch_seconds(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

OAuth::OAuth(DbPool& db, OAuthOptions options)
    : db_(db),
      options_(std::move(options)),
      others_(options_.ca_file, options_.jwks_refresh, options_.egress),
      keys_(std::make_unique<Keys>()) {}

OAuth::~OAuth() = default;

net::awaitable<void> OAuth::load_keys(bool force) {
    auto const now = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(mutex_);
        auto const age = now - keys_->loaded;
        if (keys_->signer && (age < std::chrono::seconds(60)) && (!force || age < std::chrono::seconds(5))) co_return;
    }
    auto const lifetime = options_.token_lifetime.count();
    auto loaded = co_await db_.run([&](pqxx::work& tx) {
        storage::OAuthRepository repository(tx);
        auto current = repository.current_signing_key();
        if (!current) {
            // Made here and committed with this transaction, before anything is signed with it.
            current = generate_signing_key("ES256");
            repository.add_signing_key(*current);
            log_line("oauth: made the access token signing key " + current->kid +
                     " (rotate with 'scimd oauth key rotate')");
        }
        return std::pair{*current, repository.verifying_keys(lifetime)};
    });
    auto signer = std::make_shared<JwsSigner>(loaded.first);
    std::lock_guard lock(mutex_);
    keys_->verifying.clear();
    for (auto const& k : loaded.second) keys_->verifying[k.kid] = k.public_jwk;
    keys_->verifying[loaded.first.kid] = loaded.first.public_jwk;
    keys_->signer = std::move(signer);
    keys_->loaded = now;
}

std::string OAuth::metadata() const {
    return json::serialize(
        json::object{{"issuer", options_.issuer},
                     {"token_endpoint", token_endpoint()},
                     {"jwks_uri", options_.issuer + "/oauth2/jwks.json"},
                     {"grant_types_supported", json::array{"client_credentials"}},
                     {"token_endpoint_auth_methods_supported",
                      json::array{"client_secret_basic", "client_secret_post", "private_key_jwt"}},
                     {"token_endpoint_auth_signing_alg_values_supported", json::array{"ES256", "RS256"}},
                     {"scopes_supported", json::array{"scim", "scim:read", "scim:write", "scim:audit", "scim:me"}},
                     {"response_types_supported", json::array{}},
                     {"service_documentation", "https://github.com/scimd/scimd/blob/main/docs/authentication.md"}});
}

net::awaitable<std::string> OAuth::jwks() {
    co_await load_keys(false);
    json::array keys;
    std::lock_guard lock(mutex_);
    for (auto const& [kid, jwk] : keys_->verifying) keys.push_back(json::parse(jwk));
    co_return json::serialize(json::object{{"keys", std::move(keys)}});
}

net::awaitable<TokenReply> OAuth::token(std::string_view authorization, std::string_view body) {
    // The form (RFC 6749 §3.2: no parameter twice).
    std::map<std::string, std::string> form;
    if (!body.empty()) {
        auto const params = boost::urls::parse_query(body);
        if (!params) co_return reply_of({400, "invalid_request", "the body is not application/x-www-form-urlencoded"});
        for (auto const& p : *params) {
            auto key = p.key.decode(form_decoding);
            if (form.count(key))
                co_return reply_of({400, "invalid_request", "the parameter " + key + " is given twice"});
            form[key] = p.has_value ? p.value.decode(form_decoding) : std::string();
        }
    }
    auto const param = [&](std::string const& name) {
        auto const it = form.find(name);
        return it == form.end() ? std::string() : it->second;
    };
    if (param("grant_type").empty())
        co_return reply_of({400, "invalid_request", "grant_type is missing; scimd supports client_credentials"});
    if (param("grant_type") != "client_credentials")
        co_return reply_of(
            {400, "unsupported_grant_type",
             "grant_type " + param("grant_type").substr(0, 64) + " is not supported; use client_credentials"});

    // Who the client says it is, and how it proves it: exactly one method.
    std::string client_id, secret, assertion;
    int methods = 0;
    if (authorization.size() > 6 &&
        (authorization.substr(0, 6) == "Basic " || authorization.substr(0, 6) == "basic ")) {
        ++methods;
        auto const decoded = from_base64(authorization.substr(6));
        auto const colon = decoded ? decoded->find(':') : std::string::npos;
        if (colon == std::string::npos)
            co_return reply_of({401, "invalid_client", "the Basic credentials are not base64 of client_id:secret"});
        // RFC 6749 §2.3.1: both parts are form-urlencoded before they are joined
        auto const decode = [](std::string const& s) {
            auto const query = "x=" + s;  // the view parsed below points into it
            auto const parsed = boost::urls::parse_query(query);
            return parsed && parsed->begin() != parsed->end() ? (*parsed->begin()).value.decode(form_decoding) : s;
        };
        client_id = decode(decoded->substr(0, colon));
        secret = decode(decoded->substr(colon + 1));
    } else if (!authorization.empty()) {
        co_return reply_of({401, "invalid_client", "the Authorization header of the token endpoint must be Basic"});
    }
    if (form.count("client_secret")) {
        ++methods;
        secret = param("client_secret");
    }
    if (form.count("client_assertion") || form.count("client_assertion_type")) {
        ++methods;
        if (param("client_assertion_type") != jwt_bearer)
            co_return reply_of({400, "invalid_request", "client_assertion_type must be " + std::string(jwt_bearer)});
        assertion = param("client_assertion");
    }
    if (methods == 0)
        co_return reply_of(
            {401, "invalid_client", "no client authentication: use HTTP Basic, client_secret, or a client_assertion"});
    if (methods > 1) co_return reply_of({400, "invalid_request", "the client authenticated in more than one way"});

    std::optional<Jwt> assertion_jwt;
    if (!assertion.empty()) {
        auto parsed = parse_jwt(assertion);
        if (auto const* why = std::get_if<std::string>(&parsed))
            co_return reply_of({401, "invalid_client", "the client assertion is not good: " + *why});
        assertion_jwt = std::move(std::get<Jwt>(parsed));
        auto const iss = assertion_jwt->text("iss");
        if (iss.empty() || assertion_jwt->text("sub") != iss)
            co_return reply_of(
                {401, "invalid_client", "the client assertion's iss and sub must both be the client_id"});
        if (!param("client_id").empty() && param("client_id") != iss)
            co_return reply_of({401, "invalid_client", "client_id and the client assertion's iss differ"});
        client_id = iss;
    } else if (client_id.empty()) {
        client_id = param("client_id");
    } else if (!param("client_id").empty() && param("client_id") != client_id) {
        co_return reply_of({400, "invalid_request", "client_id differs from the one in the Authorization header"});
    }
    if (client_id.empty()) co_return reply_of({401, "invalid_client", "client_id is missing"});

    auto const client = co_await db_.read(
        [&](pqxx::transaction_base& tx) { return storage::OAuthRepository(tx).find_client(client_id); });
    auto const unknown = OAuthError{401, "invalid_client", "the client is unknown, revoked, or its credentials wrong"};
    if (!client || client->revoked) co_return reply_of(unknown);

    if (assertion_jwt) {
        if (client->public_jwk.empty() && client->jwks_url.empty())
            co_return reply_of({401, "invalid_client", "this client authenticates with its secret, not an assertion"});
        std::string jwk = client->public_jwk;
        if (jwk.empty()) {
            auto found = co_await others_.key(client->jwks_url, assertion_jwt->kid);
            if (!found.first)
                co_return reply_of({401, "invalid_client", "the client assertion's key: " + found.second});
            jwk = *found.first;
        }
        if (!signature_verifies(*assertion_jwt, jwk))
            co_return reply_of({401, "invalid_client", "the client assertion's signature does not verify"});
        ClaimRules rules;
        rules.audiences = {token_endpoint(), options_.issuer};
        rules.max_lifetime = assertion_lifetime;
        rules.required = {"jti"};
        if (auto why = check_claims(*assertion_jwt, rules, std::chrono::system_clock::now()))
            co_return reply_of({401, "invalid_client", "the client assertion is not good: " + *why});
        auto const jti = assertion_jwt->text("jti");
        if (jti.empty() || jti.size() > 256)
            co_return reply_of({401, "invalid_client", "the client assertion's jti must be a string of 1 to 256"});
        auto const exp = assertion_jwt->claims.at("exp").to_number<double>();
        bool const fresh = co_await db_.run([&](pqxx::work& tx) {
            return storage::OAuthRepository(tx).use_assertion(client_id, jti, static_cast<std::int64_t>(exp) + 60);
        });
        if (!fresh) co_return reply_of({401, "invalid_client", "the client assertion was used before (its jti)"});
    } else {
        if (client->secret_sha256.empty())
            co_return reply_of({401, "invalid_client", "this client authenticates with private_key_jwt, not a secret"});
        if (!same_secret(sha256_hex(secret), client->secret_sha256)) co_return reply_of(unknown);
    }

    if (!client->user_id.empty()) {  // a client acting for a person who was deactivated gets nothing more
        bool const active = co_await db_.read([&](pqxx::transaction_base& tx) {
            return storage::OAuthRepository(tx).user_active(client->tenant_id, client->user_id);
        });
        if (!active)
            co_return reply_of({401, "invalid_client", "the user this client acts for is deactivated or deleted"});
    }

    auto const allowed = scopes_allowed(client->scope, !client->user_id.empty());
    auto granted = allowed;
    if (!param("scope").empty()) {
        granted = split_scopes(param("scope"));
        for (auto const& s : granted)
            if (!allowed.count(s))
                co_return reply_of(
                    {400, "invalid_scope", "the client may ask for " + joined(allowed) + ", not " + s.substr(0, 64)});
    }

    co_await load_keys(false);
    std::shared_ptr<JwsSigner> signer;
    {
        std::lock_guard lock(mutex_);
        signer = keys_->signer;
    }
    auto const now = std::chrono::system_clock::now();
    json::object claims{{"iss", options_.issuer},
                        {"sub", client_id},
                        {"aud", audience()},
                        {"client_id", client_id},
                        {"scope", joined(granted)},
                        {"iat", epoch_seconds(now)},
                        {"exp", epoch_seconds(now + options_.token_lifetime)},
                        {"jti", new_token().substr(6, 22)}};
    auto const access_token = signer->sign(json::serialize(claims), "at+jwt");
    TokenReply reply;
    reply.body = json::serialize(json::object{{"access_token", access_token},
                                              {"token_type", "Bearer"},
                                              {"expires_in", options_.token_lifetime.count()},
                                              {"scope", joined(granted)}});
    co_return reply;
}

net::awaitable<std::pair<storage::TokenGrant, std::chrono::system_clock::time_point>> OAuth::grant_of(
    std::string_view token) {
    auto parsed = parse_jwt(token);
    if (auto const* why = std::get_if<std::string>(&parsed)) throw scim::Error::invalid_token(*why);
    auto const jwt = std::move(std::get<Jwt>(parsed));
    auto const now = std::chrono::system_clock::now();
    auto const iss = jwt.text("iss");
    // When the grant may be kept until: the token's exp, but never more than a day ahead (an issuer's far-future exp
    // must not overflow the clock's nanoseconds).
    auto const now_s = epoch_seconds(now);
    auto exp_s =
        jwt.claims.contains("exp") && jwt.claims.at("exp").is_number() ? jwt.claims.at("exp").to_number<double>() : 0.0;
    exp_s = std::clamp(exp_s, static_cast<double>(now_s - 86400), static_cast<double>(now_s + 86400));
    auto const exp = std::chrono::system_clock::time_point(std::chrono::seconds(static_cast<std::int64_t>(exp_s)));

    if (iss == options_.issuer) {  // one of ours
        co_await load_keys(false);
        auto const jwk_of = [&]() -> std::optional<std::string> {
            std::lock_guard lock(mutex_);
            auto const it = keys_->verifying.find(jwt.kid);
            if (it == keys_->verifying.end()) return std::nullopt;
            return it->second;
        };
        auto jwk = jwk_of();
        if (!jwk) {
            co_await load_keys(true);  // rotated by another instance, perhaps
            jwk = jwk_of();
        }
        if (!jwk)
            throw scim::Error::invalid_token("the token's key (kid \"" + jwt.kid.substr(0, 64) + "\") is unknown");
        if (!signature_verifies(jwt, *jwk)) throw scim::Error::invalid_token("the token's signature does not verify");
        ClaimRules rules;
        rules.issuer = options_.issuer;
        rules.audiences = {audience()};
        rules.required = {"client_id"};
        if (auto why = check_claims(jwt, rules, now)) throw scim::Error::invalid_token(*why);
        auto const client_id = jwt.text("client_id");
        auto grant = co_await db_.read([&](pqxx::transaction_base& tx) -> std::optional<storage::TokenGrant> {
            storage::OAuthRepository repository(tx);
            auto const client = repository.find_client(client_id);
            if (!client || client->revoked) throw scim::Error::invalid_token("the token's client was revoked");
            if (!client->user_id.empty() && !repository.user_active(client->tenant_id, client->user_id))
                throw scim::Error::invalid_token("the user the token's client acts for is deactivated");
            auto tenant = repository.tenant_grant(client->tenant_id);
            if (!tenant) return std::nullopt;
            auto scopes = split_scopes(jwt.text("scope"));
            std::set<std::string> kept;  // what the client may still do: a narrower client narrows its tokens
            auto const allowed = scopes_allowed(client->scope, !client->user_id.empty());
            for (auto const& s : scopes)
                if (allowed.count(s)) kept.insert(s);
            if (kept.empty()) throw scim::Error::invalid_token("the token's scope grants nothing this client may do");
            tenant->scope = scope_of(kept);
            tenant->token_id = client->id;
            tenant->user_id = client->user_id;
            tenant->label = "oauth client " + client->label;
            return tenant;
        });
        if (!grant) throw scim::Error::invalid_token("the token's tenant is gone");
        co_return std::pair{*grant, exp};
    }

    // A trusted issuer's: the tenant whose trust names this issuer, this audience and the claims the token has.
    auto const trusts = co_await db_.read(
        [&](pqxx::transaction_base& tx) { return storage::OAuthRepository(tx).trusts_of_issuer(iss); });
    if (iss.empty() || trusts.empty())
        throw scim::Error::invalid_token("the token's issuer \"" + iss.substr(0, 128) + "\" is not trusted");
    std::vector<storage::Trust> matching;
    for (auto const& trust : trusts) {
        ClaimRules rules;
        rules.issuer = iss;
        rules.audiences = {trust.audience};
        if (check_claims(jwt, rules, now)) continue;
        boost::system::error_code ec;
        auto const wanted = json::parse(trust.claims, ec);
        bool all = !ec && wanted.is_object();
        if (all)
            for (auto const& [name, value] : wanted.as_object()) {
                auto const* has = jwt.claims.if_contains(name);
                all = all && has && *has == value;
            }
        if (all) matching.push_back(trust);
    }
    if (matching.empty()) {
        ClaimRules rules;  // say why with the first trust's rules
        rules.issuer = iss;
        rules.audiences = {trusts.front().audience};
        auto why = check_claims(jwt, rules, now);
        throw scim::Error::invalid_token(why ? *why : "the token's claims do not match what the tenant trusts");
    }
    if (matching.size() > 1)
        throw scim::Error::invalid_token("the token matches the trusts of more than one tenant; add a --claim to each");
    auto const& trust = matching.front();
    auto found = co_await others_.key(trust.jwks_uri, jwt.kid);
    if (!found.first) throw scim::Error::invalid_token("the token's key: " + found.second);
    if (!signature_verifies(jwt, *found.first))
        throw scim::Error::invalid_token("the token's signature does not verify");
    auto grant = co_await db_.read(
        [&](pqxx::transaction_base& tx) { return storage::OAuthRepository(tx).tenant_grant(trust.tenant_id); });
    if (!grant) throw scim::Error::invalid_token("the token's tenant is gone");
    grant->scope = trust.scope;
    grant->token_id = trust.id;
    grant->label = "trusted issuer " + iss.substr(0, 200);
    co_return std::pair{*grant, exp};
}

}  // namespace server
