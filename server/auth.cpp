// Token checks with a short-lived cache, so a busy client costs one database lookup per token per TTL.
#include "server/auth.hpp"

#include <algorithm>

#include "scim/error.hpp"
#include "scim/text.hpp"
#include "server/crypto.hpp"
#include "server/db_pool.hpp"
#include "server/oauth.hpp"

namespace server {
namespace {

constexpr std::string_view scheme = "Bearer ";

// The token of an `Authorization: Bearer <token>` header, without surrounding spaces; empty when there is none.
std::string_view bearer_token(std::string_view authorization) {
    if (!scim::istarts_with(authorization, scheme)) return {};
    auto token = authorization.substr(scheme.size());
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    return token;
}

}  // namespace

std::optional<storage::TokenGrant> Authenticator::cached(std::string_view authorization) {
    auto const token = bearer_token(authorization);
    if (cache_ttl_.count() == 0 || token.empty()) return std::nullopt;
    auto const hash = sha256_hex(token);
    std::lock_guard lock(mutex_);
    auto const it = cache_.find(hash);
    if (it == cache_.end() || it->second.expires <= std::chrono::steady_clock::now()) return std::nullopt;
    return it->second.grant;
}

boost::asio::awaitable<storage::TokenGrant> Authenticator::authenticate(std::string_view authorization) {
    if (authorization.empty())
        throw scim::Error::unauthorized("authentication required: send \"Authorization: Bearer <token>\"");
    if (!scim::istarts_with(authorization, scheme))
        throw scim::Error::unauthorized("the Authorization header must use the Bearer scheme");
    auto const token = bearer_token(authorization);
    if (token.empty()) throw scim::Error::unauthorized("the bearer token is empty");

    auto const hash = sha256_hex(token);
    auto const now = std::chrono::steady_clock::now();
    auto const unknown = [] { return scim::Error::invalid_token("the bearer token is unknown or revoked"); };
    {
        std::lock_guard lock(mutex_);
        if (auto it = cache_.find(hash); it != cache_.end()) {
            if (it->second.expires > now) co_return it->second.grant;
            cache_.erase(it);
        }
        if (auto it = unknown_.find(hash); it != unknown_.end()) {
            if (it->second > now) throw unknown();
            unknown_.erase(it);
        }
    }
    // A JWT (three dot-separated parts; static tokens have no dots): an OAuth access token or a trusted issuer's.
    if (std::count(token.begin(), token.end(), '.') == 2) {
        if (!oauth_) throw scim::Error::invalid_token("this server does not accept JWTs; OAuth is off");
        // Each bad one says why (401 with the reason); the source's failures are limited by the caller.
        auto [jwt_grant, expires] = co_await oauth_->grant_of(token);
        if (cache_ttl_.count() > 0) {
            // Kept no longer than the token lives.
            auto const left = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                expires - std::chrono::system_clock::now());
            std::lock_guard lock(mutex_);
            if (cache_.size() > 10000) cache_.clear();
            cache_[hash] = {jwt_grant, now + std::min<std::chrono::steady_clock::duration>(cache_ttl_, left)};
        }
        co_return jwt_grant;
    }
    auto grant = co_await db_.run([&](pqxx::work& tx) -> std::optional<storage::TokenGrant> {
        storage::TokenRepository tokens(tx);
        auto found = tokens.find_active(hash);
        if (found && !found->used_recently) tokens.record_use(found->token_id);
        return found;
    });
    if (!grant) {
        if (cache_ttl_.count() > 0) {
            std::lock_guard lock(mutex_);
            if (unknown_.size() > 10000) unknown_.clear();  // bounded, as the cache is
            unknown_[hash] = now + cache_ttl_;
        }
        throw unknown();
    }
    if (cache_ttl_.count() > 0) {
        std::lock_guard lock(mutex_);
        if (cache_.size() > 10000) cache_.clear();  // bounded: a flood of distinct tokens cannot grow it forever
        cache_[hash] = {*grant, now + cache_ttl_};
    }
    co_return *grant;
}

}  // namespace server
