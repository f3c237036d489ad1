// `scimd serve`: startup, the listener, and graceful shutdown on SIGINT or SIGTERM.
#include "server/server.hpp"

#include <csignal>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include "server/app.hpp"
#include "server/listener.hpp"
#include "server/log.hpp"
#include "server/session.hpp"
#include "server/startup.hpp"
#include "storage/database.hpp"

namespace server {

namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

int serve(ServeConfig const& config) {
    auto const endpoint = listen_endpoint(config.listen);
    std::unique_ptr<ssl::context> tls;
    if (!config.no_tls) tls = make_tls_context(config);
    std::string cursor_secret;
    try {
        cursor_secret = prepare_database(config.database_url);
    } catch (storage::DatabaseUnavailable const& e) {
        throw StartupError(e.what());
    }
    App app(config, scim::SchemaRegistry::builtin(), std::move(cursor_secret));
    ServerState server{app, std::move(tls), {}};

    net::io_context ioc(static_cast<int>(config.io_threads));
    tcp::acceptor acceptor(net::make_strand(ioc));
    boost::system::error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) throw StartupError("cannot listen on " + config.listen + ": " + ec.message());
    auto const bound = acceptor.local_endpoint();
    auto host = bound.address().to_string();
    if (bound.address().is_v6()) host = "[" + host + "]";
    if (config.public_url.empty() && !bound.address().is_loopback())
        log_line("warning: listening on " + host +
                 " without --public-url: resource locations are built from each "
                 "request's Host header; set --public-url to the address clients use");
    log_line(std::string("listening on ") + (server.tls ? "https" : "http") + "://" + host + ":" +
             std::to_string(bound.port()) + "/scim/v2");

    net::co_spawn(acceptor.get_executor(), accept_loop(acceptor, server, ioc), net::detached);

    net::steady_timer deadline(ioc);
    net::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code const& sec, int signal) {
        if (sec) return;
        log_line(std::string("received ") + (signal == SIGINT ? "SIGINT" : "SIGTERM") + ": finishing " +
                 std::to_string(server.connections.size()) + " connection(s), accepting no more");
        net::post(acceptor.get_executor(), [&] {
            boost::system::error_code ignored;
            acceptor.close(ignored);
        });
        deadline.expires_after(config.shutdown_timeout);
        deadline.async_wait([&](boost::system::error_code const& dec) {
            if (dec) return;
            log_line("shutdown timeout: cancelling the database work of " + std::to_string(server.connections.size()) +
                     " busy connection(s) and closing them");
            app.db.cancel_all();  // nothing commits after this: its client will get no answer
            ioc.stop();
        });
        server.connections.stop([&] { net::post(ioc, [&] { deadline.cancel(); }); });
    });

    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < config.io_threads; ++i) threads.emplace_back([&] { ioc.run(); });
    ioc.run();
    for (auto& t : threads) t.join();
    app.db.stop();
    app.cpu.join();
    log_line("stopped");
    return 0;
}

}  // namespace server
