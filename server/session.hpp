// One client connection: the TLS handshake, then requests read and answered one after another until the peer
// leaves, a limit is hit or the server stops. Each request is admitted from its head before its body is read.
#pragma once

#include <memory>
#include <mutex>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "server/app.hpp"
#include "server/connections.hpp"

namespace server {

/// What every connection of a server shares.
struct ServerState {
    ServerState(App& a, std::shared_ptr<boost::asio::ssl::context> tls)
        : app(a), tls_enabled(tls != nullptr), tls_(tls) {}

    App& app;
    bool const tls_enabled;
    Connections connections;

    /// The TLS context new connections use; a connection keeps the one it began with, so a reload on SIGHUP drops
    /// nobody.
    std::shared_ptr<boost::asio::ssl::context> tls() const {
        std::lock_guard lock(tls_mutex_);
        return tls_;
    }
    void set_tls(std::shared_ptr<boost::asio::ssl::context> context) {
        std::lock_guard lock(tls_mutex_);
        tls_ = std::move(context);
    }

private:
    mutable std::mutex tls_mutex_;
    std::shared_ptr<boost::asio::ssl::context> tls_;  // null with --no-tls
};

/// Serves `socket` until it closes; registered in `server.connections` meanwhile.
boost::asio::awaitable<void> run_connection(boost::asio::ip::tcp::socket socket, ServerState& server);

}  // namespace server
