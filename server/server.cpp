// Listener, sessions and graceful shutdown (Boost.Beast over Boost.Asio coroutines, OpenSSL for TLS).
#include "server/server.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <csignal>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <vector>

#include <openssl/ssl.h>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <pqxx/pqxx>

#include "scim/error.hpp"
#include "scim/text.hpp"
#include "server/app.hpp"
#include "server/error_response.hpp"
#include "server/http_framing.hpp"
#include "server/log.hpp"
#include "server/router.hpp"
#include "storage/cursor_secret.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"

namespace server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

inline constexpr auto as_tuple_awaitable = net::as_tuple(net::use_awaitable);
constexpr std::chrono::seconds handshake_timeout{10};
constexpr std::size_t header_limit = 32 * 1024;

// Open connections, so that a shutdown can close the idle ones and wait for the busy ones.
class Connections {
public:
    // Touched only on the connection's own strand, except `executor`, which is immutable.
    struct Entry {
        net::any_io_executor executor;
        beast::tcp_stream* stream = nullptr;
        bool idle = true;
    };

    std::shared_ptr<Entry> add(net::any_io_executor executor) {
        auto entry = std::make_shared<Entry>(Entry{std::move(executor)});
        std::lock_guard lock(mutex_);
        entries_.insert(entry);
        return entry;
    }

    void remove(std::shared_ptr<Entry> const& entry) {
        std::function<void()> drained;
        {
            std::lock_guard lock(mutex_);
            entries_.erase(entry);
            if (stopping_ && entries_.empty()) drained = on_drained_;
        }
        if (drained) drained();
    }

    bool stopping() const noexcept { return stopping_.load(); }

    // Marks the server as stopping and closes every connection that waits for a request.
    void stop(std::function<void()> on_drained) {
        std::vector<std::shared_ptr<Entry>> entries;
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
            on_drained_ = on_drained;
            entries.assign(entries_.begin(), entries_.end());
        }
        if (entries.empty()) on_drained();
        for (auto const& entry : entries)
            net::post(entry->executor, [entry] {
                if (entry->stream && entry->idle) entry->stream->cancel();
            });
    }

    std::size_t size() {
        std::lock_guard lock(mutex_);
        return entries_.size();
    }

private:
    std::mutex mutex_;
    std::unordered_set<std::shared_ptr<Entry>> entries_;
    std::atomic<bool> stopping_{false};
    std::function<void()> on_drained_;
};

struct Server {
    App& app;
    std::unique_ptr<ssl::context> tls;  // null with --no-tls
    Connections connections;
};

// The request as handlers see it, from the head; the body is added once it is read.
HttpRequest head_of(http::request_header<> const& req) {
    HttpRequest out;
    out.method = std::string(req.method_string());
    out.target = std::string(req.target());
    out.host = std::string(req[http::field::host]);
    out.authorization = std::string(req[http::field::authorization]);
    out.content_type = std::string(req[http::field::content_type]);
    out.if_match = std::string(req[http::field::if_match]);
    out.if_none_match = std::string(req[http::field::if_none_match]);
    out.has_body = req.count(http::field::content_length) > 0 || req.count(http::field::transfer_encoding) > 0;
    return out;
}

// Writes `res`; to a HEAD request, with the length of the body it would have had and no body (RFC 9110 §9.3.2).
template <class Stream>
net::awaitable<beast::error_code> write_response(Stream& stream, HttpResponse&& res, unsigned version, bool keep_alive,
                                                 bool head) {
    if (head) {
        http::response<http::empty_body> out{static_cast<http::status>(res.status), version};
        out.set(http::field::server, "scimd");
        for (auto& [name, value] : res.headers) out.set(name, value);
        out.keep_alive(keep_alive);
        if (res.status != 204 && res.status != 304) out.content_length(res.body.size());
        auto [ec, n] = co_await http::async_write(stream, out, as_tuple_awaitable);
        co_return ec;
    }
    http::response<http::string_body> out{static_cast<http::status>(res.status), version};
    out.set(http::field::server, "scimd");
    for (auto& [name, value] : res.headers) out.set(name, value);
    out.body() = std::move(res.body);
    out.keep_alive(keep_alive);
    out.prepare_payload();
    auto [ec, n] = co_await http::async_write(stream, out, as_tuple_awaitable);
    co_return ec;
}

// Answers `res` and ends the connection while the client may still be sending a body we will not read.
// Closing a socket with unread input makes the kernel send a reset, which can destroy the response before the
// client reads it; so stop sending, then drain what arrives for a short while, and only then close.
template <class Stream>
net::awaitable<void> refuse_and_close(Stream& stream, HttpResponse res, unsigned version) {
    if (auto ec = co_await write_response(stream, std::move(res), version, false, false)) co_return;
    auto& lowest = beast::get_lowest_layer(stream);
    beast::error_code ignored;
    lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
    lowest.expires_after(std::chrono::seconds(2));
    std::array<char, 16 * 1024> scratch;
    for (std::size_t drained = 0; drained < 8 * 1024 * 1024;) {
        auto [rec, got] = co_await lowest.async_read_some(net::buffer(scratch), as_tuple_awaitable);
        if (rec) break;
        drained += got;
    }
}

// Whether `ec` from reading a head means the bytes were not HTTP (answer 400) rather than that the peer went away.
bool malformed(beast::error_code const& ec) {
    static auto const& http_category = http::make_error_code(http::error::bad_method).category();
    return ec.category() == http_category && ec != http::error::end_of_stream && ec != http::error::partial_message;
}

// Reads requests and writes responses until the peer leaves, a limit is hit, or the server stops. Returns
// false when the connection was already shut down (a refused request) and needs no TLS close.
template <class Stream>
net::awaitable<bool> serve_requests(Stream& stream, Server& server, Connections::Entry& entry,
                                    std::string const& peer) {
    auto& tcp_stream = beast::get_lowest_layer(stream);
    auto& app = server.app;
    auto const& config = app.config;
    bool const tls = server.tls != nullptr;
    beast::flat_buffer buffer;
    for (;;) {
        if (server.connections.stopping()) co_return true;
        // A kept-alive connection may wait idle_timeout for its next request; from the request's first byte, the
        // whole of it (head and body) must arrive within read_timeout, however slowly the client drips it.
        entry.idle = true;
        if (buffer.size() == 0) {
            tcp_stream.expires_after(config.idle_timeout);
            auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), as_tuple_awaitable);
            if (ec) co_return true;
            buffer.commit(n);
        }
        entry.idle = false;
        tcp_stream.expires_after(config.read_timeout);
        http::request_parser<http::string_body> parser;
        parser.header_limit(header_limit);
        parser.body_limit(boost::none);  // the endpoint's own limit is set once the request is admitted
        auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, as_tuple_awaitable);
        auto const version = parser.get().version() ? parser.get().version() : 11;
        auto request = head_of(parser.get());
        Exchange exchange(app, tls, peer);
        if (ec == http::error::header_limit) {
            co_await refuse_and_close(
                stream,
                exchange.finish(
                    request, error_response(scim::Error(431, scim::ScimType::none, "the request header is too large"))),
                version);
            co_return false;
        }
        if (ec && malformed(ec)) {
            co_await refuse_and_close(
                stream,
                exchange.finish(
                    request, error_response(scim::Error(400, scim::ScimType::none,
                                                        "the request is not valid HTTP/1.1 (" + ec.message() + ")"))),
                version);
            co_return false;
        }
        if (ec) co_return true;  // closed, timed out or reset: nothing to answer
        if (auto const problem = framing_problem(parser.get())) {
            co_await refuse_and_close(
                stream, exchange.finish(request, error_response(scim::Error(400, scim::ScimType::none, *problem))),
                version);
            co_return false;
        }
        bool const head = parser.get().method() == http::verb::head;
        bool const body_pending = parser.chunked() || (parser.content_length() && *parser.content_length() > 0);

        // Route, token, limits and scope are decided before a body byte is read or 100-continue is sent.
        if (auto refused = co_await exchange.admit(request)) {
            if (body_pending) {
                co_await refuse_and_close(stream, std::move(*refused), version);
                co_return false;
            }
            bool const keep_alive = parser.get().keep_alive() && !server.connections.stopping();
            if (co_await write_response(stream, std::move(*refused), version, keep_alive, head) || !keep_alive)
                co_return true;
            continue;
        }
        auto const limit = exchange.body_limit();
        auto const too_large = [&] {
            return exchange.finish(request,
                                   error_response(scim::Error::payload_too_large(exchange.body_too_large_detail())));
        };
        if (parser.content_length() && *parser.content_length() > limit) {
            co_await refuse_and_close(stream, too_large(), version);  // refused before reading it
            co_return false;
        }
        BodyReservation reservation;
        if (body_pending) {
            auto const bytes = parser.content_length() ? static_cast<std::size_t>(*parser.content_length()) : limit;
            if (!app.bodies.reserve(bytes)) {
                co_await refuse_and_close(
                    stream,
                    exchange.finish(request,
                                    error_response(scim::Error::unavailable(
                                        "the server is receiving many request bodies at once; retry shortly", 1))),
                    version);
                co_return false;
            }
            reservation = BodyReservation(app.bodies, bytes);
            parser.body_limit(limit);
            if (scim::iequals(parser.get()[http::field::expect], "100-continue")) {
                http::response<http::empty_body> go_on{http::status::continue_, version};
                auto [cec, cn] = co_await http::async_write(stream, go_on, as_tuple_awaitable);
                if (cec) co_return true;
            }
            auto [bec, bn] = co_await http::async_read(stream, buffer, parser, as_tuple_awaitable);
            if (bec == http::error::body_limit) {
                co_await refuse_and_close(stream, too_large(), version);
                co_return false;
            }
            if (bec && malformed(bec)) {
                co_await refuse_and_close(
                    stream,
                    exchange.finish(request,
                                    error_response(scim::Error(
                                        400, scim::ScimType::none,
                                        "the request body is not valid HTTP/1.1 framing (" + bec.message() + ")"))),
                    version);
                co_return false;
            }
            if (bec) co_return true;
            request.body = std::move(parser.get().body());
        }
        bool const keep_alive = parser.get().keep_alive();
        tcp_stream.expires_never();  // a slow database is not a slow client
        auto response = co_await exchange.answer(request);
        reservation.reset();
        request.body.clear();
        tcp_stream.expires_after(config.read_timeout);
        bool const keep = keep_alive && !server.connections.stopping();
        if (co_await write_response(stream, std::move(response), version, keep, head) || !keep) co_return true;
    }
}

net::awaitable<void> run_connection(tcp::socket socket, Server& server) {
    auto entry = server.connections.add(socket.get_executor());
    beast::error_code peer_ec;
    auto const peer = socket.remote_endpoint(peer_ec).address().to_string();
    if (server.tls) {
        beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *server.tls);
        auto& lowest = beast::get_lowest_layer(stream);
        entry->stream = &lowest;
        lowest.expires_after(handshake_timeout);
        auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, as_tuple_awaitable);
        if (!ec) {
            bool const clean = co_await serve_requests(stream, server, *entry, peer);
            if (clean && !server.connections.stopping()) {
                lowest.expires_after(std::chrono::seconds(5));
                co_await stream.async_shutdown(as_tuple_awaitable);
            }
        }
        entry->stream = nullptr;
    } else {
        beast::tcp_stream stream(std::move(socket));
        entry->stream = &stream;
        co_await serve_requests(stream, server, *entry, peer);
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        entry->stream = nullptr;
    }
    server.connections.remove(entry);
}

net::awaitable<void> accept_loop(tcp::acceptor& acceptor, Server& server, net::io_context& ioc) {
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(net::make_strand(ioc), as_tuple_awaitable);
        if (ec) {
            if (!acceptor.is_open() || ec == net::error::operation_aborted) co_return;
            log_line("accept failed: " + ec.message());  // e.g. out of file descriptors: keep serving the rest
            net::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
            co_await pause.async_wait(as_tuple_awaitable);
            continue;
        }
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        auto executor = socket.get_executor();
        net::co_spawn(executor, run_connection(std::move(socket), server), [](std::exception_ptr e) {
            if (!e) return;
            try {
                std::rethrow_exception(e);
            } catch (std::exception const& x) {
                log_line(std::string("connection failed: ") + x.what());
            }
        });
    }
}

std::unique_ptr<ssl::context> make_tls_context(ServeConfig const& config) {
    if (config.tls_cert.empty() || config.tls_key.empty())
        throw StartupError("HTTPS needs --tls-cert and --tls-key (or --no-tls behind a TLS-terminating load balancer)");
    auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                         ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
    // TLS 1.2 with forward secrecy and AEAD only (TLS 1.3's suites are all of that kind); no renegotiation.
    if (SSL_CTX_set_cipher_list(
            context->native_handle(),
            "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
            "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305") != 1)
        throw StartupError("this OpenSSL offers none of the TLS 1.2 ECDHE AEAD cipher suites");
    SSL_CTX_set_options(context->native_handle(), SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    boost::system::error_code ec;
    context->use_certificate_chain_file(config.tls_cert, ec);
    if (ec) throw StartupError("cannot load the TLS certificate " + config.tls_cert + ": " + ec.message());
    context->use_private_key_file(config.tls_key, ssl::context::pem, ec);
    if (ec) throw StartupError("cannot load the TLS key " + config.tls_key + ": " + ec.message());
    return context;
}

tcp::endpoint listen_endpoint(std::string const& listen) {
    auto const colon = listen.rfind(':');
    if (colon == std::string::npos) throw StartupError("--listen must be host:port, not \"" + listen + "\"");
    std::string host = listen.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host == "localhost") host = "127.0.0.1";
    boost::system::error_code ec;
    auto const address = net::ip::make_address(host, ec);
    if (ec) throw StartupError("--listen: \"" + host + "\" is not an IP address");
    int port = -1;
    try {
        port = std::stoi(listen.substr(colon + 1));
    } catch (std::exception const&) {
    }
    if (port < 0 || port > 65535) throw StartupError("--listen: bad port in \"" + listen + "\"");
    return {address, static_cast<unsigned short>(port)};
}

// Checks that the database schema is the one this binary needs, and reads the cursor secret.
std::string prepare_database(std::string const& url) {
    auto connection = storage::connect(url);
    auto const status = storage::migration_status(*connection);
    if (status.applied < status.latest)
        throw StartupError("the database schema is at version " + std::to_string(status.applied) +
                           ", this scimd needs " + std::to_string(status.latest) + ": run 'scimd migrate' first");
    if (status.applied > status.latest)
        throw StartupError("the database schema is at version " + std::to_string(status.applied) +
                           ", newer than this scimd knows (" + std::to_string(status.latest) + "): upgrade scimd");
    pqxx::read_transaction tx(*connection);
    return storage::load_cursor_secret(tx);
}

}  // namespace

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
    Server server{app, std::move(tls), {}};

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
