// Public keys of other parties (a trusted issuer, a client with a JWKS URL), fetched from their JWKS documents over
// HTTPS and kept: a kid not yet seen refreshes the document, at most once a minute per URL, so that an issuer's key
// rotation works without a restart and a flood of made-up kids costs nothing.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include "server/egress_policy.hpp"

namespace server {

class JwksCache {
public:
    /// What a caller is told when the document could not be fetched or read; the reason goes to the log.
    static constexpr char const* unavailable = "the issuer's signing keys could not be obtained; try again later";

    /// TLS verifies servers against the system's CAs and, when given, those in `ca_file` (a private PKI). Plain
    /// http:// is accepted for loopback addresses only (a local issuer in development and tests).
    /// Fetches only from addresses `egress` permits.
    explicit JwksCache(std::string const& ca_file = {},
                       std::chrono::seconds refresh_interval = std::chrono::seconds(60), EgressPolicy egress = {});

    /// The JWK (JSON) with `kid` from the document at `url` (with an empty kid: the document's only key), or why
    /// there is none, fit for an unauthenticated caller: `unavailable`, or that no such key is published. A fetch that
    /// fails is logged with its reason.
    boost::asio::awaitable<std::pair<std::optional<std::string>, std::string>> key(std::string const& url,
                                                                                   std::string const& kid);

private:
    struct Document {
        std::map<std::string, std::string> keys;  // by kid
        std::chrono::steady_clock::time_point fetched{};
        std::string error;  // of the last fetch, when it failed
    };
    boost::asio::awaitable<void> fetch(std::string const& url);

    boost::asio::ssl::context tls_;
    std::chrono::seconds refresh_interval_;
    EgressPolicy egress_;
    std::mutex mutex_;
    std::map<std::string, Document> documents_;
};

}  // namespace server
