// `scimd serve`: startup, the listeners, certificate reloads on SIGHUP, and graceful shutdown on SIGINT or SIGTERM.
#include "server/server.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include "server/admin.hpp"
#include "server/app.hpp"
#include "server/event_delivery.hpp"
#include "server/health.hpp"
#include "server/listener.hpp"
#include "server/log.hpp"
#include "server/retention.hpp"
#include "server/session.hpp"
#include "server/startup.hpp"
#include "server/systemd_notify.hpp"
#include "storage/database.hpp"

namespace server {

namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

namespace {

// Beats the health's liveness every second while the event loop runs, until `stopped` is set. The flag, not only the
// timer's cancellation: a cancel that comes after the timer expired, with its completion queued, cancels nothing, and
// the loop would keep the event loop alive for ever.
net::awaitable<void> heartbeat(Health& health, net::steady_timer& timer, std::atomic<bool> const& stopped) {
    while (!stopped) {
        health.beat();
        timer.expires_after(std::chrono::seconds(1));
        auto [ec] = co_await timer.async_wait(net::as_tuple(net::use_awaitable));
        if (ec) co_return;
    }
}

// Reloads the certificate and key on every SIGHUP: new connections get the new ones, open ones keep theirs. A
// reload that fails keeps the old ones and says why.
void reload_on_sighup(net::signal_set& signals, ServerState& server, ServeConfig const& config) {
    signals.async_wait([&](boost::system::error_code const& ec, int) {
        if (ec) return;
        notify_systemd("RELOADING=1");
        if (!server.tls_enabled) {
            log_line("SIGHUP: nothing to reload with --no-tls");
        } else {
            try {
                server.set_tls(make_tls_context(config));
                server.app.metrics.tls_reloads.inc();
                log_line("SIGHUP: reloaded the TLS certificate " + config.tls_cert + " and its key");
            } catch (StartupError const& e) {
                log_line(std::string("SIGHUP: kept the current certificate: ") + e.what(), LogLevel::error);
            }
        }
        notify_systemd("READY=1");
        reload_on_sighup(signals, server, config);
    });
}

}  // namespace

int serve(ServeConfig const& config) {
    auto const endpoint = listen_endpoint(config.listen);
    std::shared_ptr<ssl::context> tls;
    if (!config.no_tls) tls = make_tls_context(config);
    std::string cursor_secret;
    try {
        cursor_secret = prepare_database(config.database_url);
    } catch (storage::DatabaseUnavailable const& e) {
        throw StartupError(e.what());
    }
    App app(config, scim::SchemaRegistry::builtin(), std::move(cursor_secret));
    ServerState server(app, std::move(tls));
    Health health(config.database_url);
    std::unique_ptr<AdminListener> admin;
    if (!config.admin_listen.empty()) admin = std::make_unique<AdminListener>(config.admin_listen, health, app.metrics);

    net::io_context ioc(static_cast<int>(config.io_threads));
    // The signals are ours before "listening" is said: a SIGTERM right after it must drain, not kill.
    net::signal_set signals(ioc, SIGINT, SIGTERM);
    net::signal_set hangups(ioc, SIGHUP);
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
        log_line("listening on " + host +
                     " without --public-url: resource locations are built from each "
                     "request's Host header; set --public-url to the address clients use",
                 LogLevel::warning);
    if (admin) {
        admin->start();
        log_line("admin endpoints /livez, /readyz and /metrics at " + admin->url());
    }
    auto const origin =
        std::string(server.tls_enabled ? "https" : "http") + "://" + host + ":" + std::to_string(bound.port());
    app.events_issuer = config.public_url.empty() ? origin : config.public_url;
    while (!app.events_issuer.empty() && app.events_issuer.back() == '/') app.events_issuer.pop_back();
    if (config.oauth) {
        if (!config.oauth_ca_file.empty() && !std::filesystem::exists(config.oauth_ca_file))
            throw StartupError("--oauth-ca-file " + config.oauth_ca_file + " does not exist");
        app.oauth = std::make_unique<OAuth>(
            app.db, OAuthOptions{app.events_issuer, config.oauth_token_lifetime, config.oauth_ca_file,
                                 config.oauth_jwks_refresh, config.egress});
        app.auth.use_oauth(app.oauth.get());
    }
    std::unique_ptr<EventDelivery> delivery;
    if (config.events_delivery)
        delivery = std::make_unique<EventDelivery>(config.database_url, app.events_issuer, app.metrics,
                                                   EventDeliveryOptions{}, config.egress);
    AuditRetention retention(config.database_url, config.audit_retention_interval);
    log_line("listening on " + origin + "/scim/v2");

    net::co_spawn(acceptor.get_executor(), accept_loop(acceptor, server, ioc), net::detached);
    net::steady_timer beat(ioc);
    std::atomic<bool> beat_stopped{false};
    net::co_spawn(ioc, heartbeat(health, beat, beat_stopped), net::detached);
    reload_on_sighup(hangups, server, config);

    net::steady_timer deadline(ioc);
    std::atomic<bool> deadline_hit{false};
    net::steady_timer drain(ioc);
    // Stops accepting, lets in-flight requests finish within the shutdown timeout, and then lets the event loop end.
    auto const stop = [&] {
        net::post(acceptor.get_executor(), [&] {
            boost::system::error_code ignored;
            acceptor.close(ignored);
        });
        log_line("finishing " + std::to_string(server.connections.size()) + " connection(s), accepting no more");
        deadline.expires_after(config.shutdown_timeout);
        deadline.async_wait([&](boost::system::error_code const& dec) {
            if (dec) return;
            log_line("shutdown timeout: cancelling the database work of " + std::to_string(server.connections.size()) +
                         " busy connection(s) and closing them",
                     LogLevel::warning);
            app.db.cancel_all();  // nothing commits after this: its client will get no answer
            if (app.replica) app.replica->pool().cancel_all();
            deadline_hit = true;
            ioc.stop();
        });
        server.connections.stop([&] {
            net::post(ioc, [&] {
                deadline.cancel();
                beat_stopped = true;
                beat.cancel();
                boost::system::error_code ignored;
                hangups.cancel(ignored);
            });
        });
    };
    signals.async_wait([&](boost::system::error_code const& sec, int signal) {
        if (sec) return;
        health.stopping();  // from now on /readyz says 503, so that balancers send no new work
        notify_systemd("STOPPING=1");
        log_line(std::string("received ") + (signal == SIGINT ? "SIGINT" : "SIGTERM"));
        if (config.drain_delay.count() == 0) return stop();
        log_line("draining: not ready, still serving for " + std::to_string(config.drain_delay.count()) + " s");
        drain.expires_after(config.drain_delay);
        drain.async_wait([&](boost::system::error_code const&) { stop(); });
    });

    notify_systemd("READY=1");
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < config.io_threads; ++i) threads.emplace_back([&] { ioc.run(); });
    ioc.run();
    for (auto& t : threads) t.join();
    delivery.reset();  // finishes the batch it is delivering
    app.db.stop();
    if (app.replica) app.replica->pool().stop();
    app.cpu.join();
    log_line("stopped");
    if (deadline_hit) {
        // Requests abandoned at the deadline are still suspended in the event loop; unwinding them would touch
        // parts of it already torn down. Their clients get no answer either way: end the process here.
        std::fflush(nullptr);
        std::_Exit(0);
    }
    return 0;
}

}  // namespace server
