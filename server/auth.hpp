// Bearer token authentication: SHA-256 of the presented token, looked up in the database, trusted briefly.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <boost/asio/awaitable.hpp>

#include "storage/token_repository.hpp"

namespace server {

class DbPool;
class OAuth;

class Authenticator {
public:
    Authenticator(DbPool& db, std::chrono::milliseconds cache_ttl) : db_(db), cache_ttl_(cache_ttl) {}

    /// Bearer JWTs (OAuth access tokens, trusted issuers' tokens) are checked by `oauth` from now on; without it,
    /// only static tokens are known.
    void use_oauth(OAuth* oauth) { oauth_ = oauth; }

    /// The grant of the token in an `Authorization: Bearer <token>` header.
    /// @throws scim::Error 401 when the header is missing or malformed, or the token unknown or revoked.
    boost::asio::awaitable<storage::TokenGrant> authenticate(std::string_view authorization);

    /// The grant of the token in `authorization` when the cache holds it, without asking the database; nullopt
    /// otherwise (authenticate() then decides).
    std::optional<storage::TokenGrant> cached(std::string_view authorization);

private:
    struct Cached {
        storage::TokenGrant grant;
        std::chrono::steady_clock::time_point expires;
    };

    DbPool& db_;
    OAuth* oauth_ = nullptr;
    std::chrono::milliseconds cache_ttl_;
    std::mutex mutex_;
    std::unordered_map<std::string, Cached> cache_;
    // Tokens the database did not know, by hash, until when: a client repeating a bad token costs no query each time.
    std::unordered_map<std::string, std::chrono::steady_clock::time_point> unknown_;
};

}  // namespace server
