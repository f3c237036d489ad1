// OAuth 2.0 for provisioning clients: the token endpoint (client credentials grant; client authentication by
// client_secret_basic, client_secret_post and private_key_jwt, RFC 7523), access tokens as signed JWTs (RFC 9068),
// their verification, and the bearer JWTs of issuers a tenant trusts (Microsoft Entra ID). Every principal becomes
// the same storage::TokenGrant as a static API token.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "server/jwks_cache.hpp"
#include "storage/token_repository.hpp"

namespace server {

class DbPool;
class JwsSigner;

struct OAuthOptions {
    std::string issuer;                         // scheme://host[:port]: iss of access tokens, base of the URLs
    std::chrono::seconds token_lifetime{3600};  // of an access token
    std::string ca_file;                        // extra CAs for JWKS URLs
    std::chrono::seconds jwks_refresh{60};      // the least time between two fetches of one JWKS URL
    EgressPolicy egress;                        // where JWKS URLs may be
};

/// The token endpoint's answer: 200 with the token, or an RFC 6749 §5.2 error.
struct TokenReply {
    int status = 200;
    std::string body;              // JSON
    std::string www_authenticate;  // for 401
};

class OAuth {
public:
    OAuth(DbPool& db, OAuthOptions options);
    ~OAuth();

    std::string const& issuer() const { return options_.issuer; }
    /// The aud of access tokens: the SCIM base URL.
    std::string audience() const { return options_.issuer + "/scim/v2"; }
    std::string token_endpoint() const { return options_.issuer + "/oauth2/token"; }

    /// POST /oauth2/token with its Authorization header and form body.
    boost::asio::awaitable<TokenReply> token(std::string_view authorization, std::string_view body);

    /// The grant of a bearer JWT (an access token of ours, or a trusted issuer's), and when it expires.
    /// @throws scim::Error::invalid_token saying why not.
    boost::asio::awaitable<std::pair<storage::TokenGrant, std::chrono::system_clock::time_point>> grant_of(
        std::string_view token);

    /// RFC 8414 authorization server metadata (JSON).
    std::string metadata() const;
    /// The JWKS of the keys that verify our access tokens (JSON).
    boost::asio::awaitable<std::string> jwks();

private:
    struct Keys;
    boost::asio::awaitable<void> load_keys(bool force);

    DbPool& db_;
    OAuthOptions options_;
    JwksCache others_;
    std::mutex mutex_;
    std::unique_ptr<Keys> keys_;
};

}  // namespace server
