// Serving a connection in plain HTTP (--no-tls, behind a TLS-terminating balancer).
#include "server/session_requests.hpp"

namespace server {

namespace beast = boost::beast;
using tcp = net::ip::tcp;

net::awaitable<void> serve_plain(tcp::socket socket, ServerState& server, Connections::Entry& entry,
                                 std::string const& peer) {
    beast::tcp_stream stream(std::move(socket));
    entry.stream = &stream;
    co_await session_detail::serve_requests(stream, server, entry, peer);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    entry.stream = nullptr;
}

}  // namespace server
