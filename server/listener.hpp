// Accepting connections: each gets a coroutine of its own on a strand of the I/O threads.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "server/session.hpp"

namespace server {

/// Accepts until `acceptor` is closed; a failed accept (out of file descriptors) pauses briefly and goes on.
boost::asio::awaitable<void> accept_loop(boost::asio::ip::tcp::acceptor& acceptor, ServerState& server,
                                         boost::asio::io_context& ioc);

}  // namespace server
