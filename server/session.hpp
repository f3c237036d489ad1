// One client connection: the TLS handshake, then requests read and answered one after another until the peer
// leaves, a limit is hit or the server stops. Each request is admitted from its head before its body is read.
#pragma once

#include <memory>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "server/app.hpp"
#include "server/connections.hpp"

namespace server {

/// What every connection of a server shares.
struct ServerState {
    App& app;
    std::unique_ptr<boost::asio::ssl::context> tls;  // null with --no-tls
    Connections connections;
};

/// Serves `socket` until it closes; registered in `server.connections` meanwhile.
boost::asio::awaitable<void> run_connection(boost::asio::ip::tcp::socket socket, ServerState& server);

}  // namespace server
