// One connection: TLS or plain, each served by its own file (session_tls.cpp, session_plain.cpp).
#include "server/session.hpp"

#include <string>

#include <boost/asio.hpp>

namespace server {

using tcp = net::ip::tcp;

net::awaitable<void> serve_plain(tcp::socket socket, ServerState& server, Connections::Entry& entry,
                                 std::string const& peer);
net::awaitable<void> serve_tls(tcp::socket socket, ServerState& server, Connections::Entry& entry,
                               std::string const& peer, std::shared_ptr<boost::asio::ssl::context> tls);

net::awaitable<void> run_connection(tcp::socket socket, ServerState& server) {
    auto entry = server.connections.add(socket.get_executor());
    boost::system::error_code peer_ec;
    auto const peer = socket.remote_endpoint(peer_ec).address().to_string();
    if (auto tls = server.tls())
        co_await serve_tls(std::move(socket), server, *entry, peer, std::move(tls));
    else
        co_await serve_plain(std::move(socket), server, *entry, peer);
    server.connections.remove(entry);
}

}  // namespace server
