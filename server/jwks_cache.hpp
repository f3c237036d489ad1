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

namespace server {

class JwksCache {
public:
    /// TLS verifies servers against the system's CAs and, when given, those in `ca_file` (a private PKI). Plain
    /// http:// is accepted for loopback addresses only (a local issuer in development and tests).
    explicit JwksCache(std::string const& ca_file = {},
                       std::chrono::seconds refresh_interval = std::chrono::seconds(60));

    /// The JWK (JSON) with `kid` from the document at `url` (with an empty kid: the document's only key), or why
    /// there is none ("no key ... at URL", "cannot fetch URL: ...").
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
    std::mutex mutex_;
    std::map<std::string, Document> documents_;
};

}  // namespace server
