// Serving a connection over TLS: the handshake, the requests, and a clean TLS close.
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>

#include "server/session_requests.hpp"

namespace server {

namespace beast = boost::beast;
using tcp = net::ip::tcp;

namespace {
constexpr std::chrono::seconds handshake_timeout{10};
}

net::awaitable<void> serve_tls(tcp::socket socket, ServerState& server, Connections::Entry& entry,
                               std::string const& peer, std::shared_ptr<boost::asio::ssl::context> tls) {
    using session_detail::as_tuple_awaitable;
    beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls);
    auto& lowest = beast::get_lowest_layer(stream);
    entry.stream = &lowest;
    lowest.expires_after(handshake_timeout);
    auto [ec] = co_await stream.async_handshake(boost::asio::ssl::stream_base::server, as_tuple_awaitable);
    if (ec)
        server.app.metrics.tls_handshake_failures.with({ec == beast::error::timeout ? "timeout" : "error"}).inc();
    else
        server.app.metrics.tls_handshakes.inc();
    if (!ec) {
        bool const clean = co_await session_detail::serve_requests(stream, server, entry, peer);
        if (clean && !server.connections.stopping()) {
            lowest.expires_after(std::chrono::seconds(5));
            co_await stream.async_shutdown(as_tuple_awaitable);
        }
    }
    entry.stream = nullptr;
}

}  // namespace server
