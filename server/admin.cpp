// Serving /livez, /readyz and /metrics over plain HTTP.
#include "server/admin.hpp"

#include <list>
#include <thread>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "server/log.hpp"
#include "server/server.hpp"
#include "server/startup.hpp"

namespace server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

// Nobody authenticates here, and a probe must be answered whatever else connects: connections are bounded in all and
// per source address, a request's header must arrive within a short time, and a new connection that finds the bound
// reached closes the oldest one that is waiting for a request rather than being refused itself.
constexpr std::size_t max_connections = 64;
constexpr std::size_t max_connections_per_source = 16;
constexpr auto header_timeout = std::chrono::seconds(2);
constexpr auto timeout = std::chrono::seconds(10);  // to send an answer
inline constexpr auto as_tuple_awaitable = net::as_tuple(net::use_awaitable);

}  // namespace

struct AdminListener::State {
    State(Health& h, ServerMetrics& m) : health(h), metrics(m), acceptor(ioc) {}

    Health& health;
    ServerMetrics& metrics;
    net::io_context ioc{1};
    tcp::acceptor acceptor;
    std::thread thread;

    // The open connections, oldest first; only the listener's one thread touches them.
    struct Connection {
        beast::tcp_stream* stream = nullptr;
        net::ip::address source;
        bool waiting = true;   // for a request's header: nothing lost when closed
        bool closing = false;  // closed to make room; it goes from the list when its coroutine ends
    };
    std::list<Connection> open;

    // Makes room for a connection from `source`: closes the oldest waiting connection (of that source when it holds
    // its share). False when every connection is busy answering: the new one is refused.
    bool make_room(net::ip::address const& source) {
        std::size_t all = 0, from_source = 0;
        for (auto const& c : open) {
            if (c.closing) continue;
            ++all;
            if (c.source == source) ++from_source;
        }
        bool const source_full = from_source >= max_connections_per_source;
        if (!source_full && all < max_connections) return true;
        for (auto& c : open) {
            if (c.closing || !c.waiting || (source_full && c.source != source)) continue;
            c.closing = true;
            c.stream->close();
            return true;
        }
        return false;
    }

    http::response<http::string_body> answer(http::request<http::empty_body> const& req) const {
        http::response<http::string_body> res{http::status::ok, req.version()};
        res.set(http::field::server, "scimd");
        res.set(http::field::cache_control, "no-store");
        res.set(http::field::content_type, "text/plain; charset=utf-8");
        auto const target = std::string_view(req.target()).substr(0, req.target().find('?'));
        bool const known = target == "/livez" || target == "/readyz" || target == "/metrics";
        if (!known) {
            res.result(http::status::not_found);
            res.body() = "not found: this admin listener serves /livez, /readyz and /metrics\n";
        } else if (req.method() != http::verb::get && req.method() != http::verb::head) {
            res.result(http::status::method_not_allowed);
            res.set(http::field::allow, "GET, HEAD");
            res.body() = "use GET\n";
        } else if (target == "/metrics") {
            res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
            res.body() = metrics.registry.render();
        } else {
            auto const state = target == "/livez" ? health.live() : health.ready();
            if (!state.ok) res.result(http::status::service_unavailable);
            res.body() = state.reason + "\n";
        }
        res.prepare_payload();
        if (req.method() == http::verb::head) res.body().clear();
        return res;
    }

    net::awaitable<void> serve(tcp::socket socket, net::ip::address source) {
        beast::tcp_stream stream(std::move(socket));
        auto const self = open.insert(open.end(), Connection{&stream, source});
        beast::flat_buffer buffer;
        for (int served = 0; served < 1000 && !self->closing; ++served) {
            self->waiting = true;
            stream.expires_after(header_timeout);
            http::request_parser<http::empty_body> parser;
            parser.header_limit(8 * 1024);
            auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, as_tuple_awaitable);
            if (ec || self->closing) break;
            self->waiting = false;
            stream.expires_after(timeout);
            auto const& req = parser.get();
            // Only GET and HEAD without a body are served: anything else is answered and the connection closed,
            // without reading what was sent.
            bool const body = parser.chunked() || (parser.content_length() && *parser.content_length() > 0);
            bool const keep = req.keep_alive() && !body;
            if (!body) {
                auto [bec, bn] = co_await http::async_read(stream, buffer, parser, as_tuple_awaitable);
                if (bec) break;
            }
            auto res = answer(req);
            if (body && res.result() == http::status::ok) {
                res.result(http::status::bad_request);
                res.body() = "a probe takes no body\n";
                res.prepare_payload();
            }
            bool const head = req.method() == http::verb::head;
            res.keep_alive(keep);
            if (head) {
                http::response<http::empty_body> out{res.result(), res.version()};
                for (auto const& field : res) out.set(field.name_string(), field.value());
                out.keep_alive(keep);
                auto [wec, wn] = co_await http::async_write(stream, out, as_tuple_awaitable);
                if (wec) break;
            } else {
                auto [wec, wn] = co_await http::async_write(stream, res, as_tuple_awaitable);
                if (wec) break;
            }
            if (!keep) break;
        }
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        open.erase(self);
    }

    net::awaitable<void> accept() {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(as_tuple_awaitable);
            if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
            if (ec) {
                net::steady_timer pause(ioc, std::chrono::milliseconds(100));
                co_await pause.async_wait(as_tuple_awaitable);
                continue;
            }
            boost::system::error_code peer_error;
            auto const source = socket.remote_endpoint(peer_error).address();
            if (peer_error || !make_room(source)) continue;  // the socket closes as it goes out of scope
            net::co_spawn(ioc, serve(std::move(socket), source), net::detached);
        }
    }
};

AdminListener::AdminListener(std::string const& listen, Health& health, ServerMetrics& metrics)
    : state_(std::make_unique<State>(health, metrics)) {
    auto const endpoint = listen_endpoint(listen, "--admin-listen");
    boost::system::error_code ec;
    auto& acceptor = state_->acceptor;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) throw StartupError("cannot listen on " + listen + " (--admin-listen): " + ec.message());
}

AdminListener::~AdminListener() {
    state_->ioc.stop();
    if (state_->thread.joinable()) state_->thread.join();
}

std::string AdminListener::url() const {
    auto const bound = state_->acceptor.local_endpoint();
    auto host = bound.address().to_string();
    if (bound.address().is_v6()) host = "[" + host + "]";
    return "http://" + host + ":" + std::to_string(bound.port());
}

void AdminListener::start() {
    net::co_spawn(state_->ioc, state_->accept(), net::detached);
    state_->thread = std::thread([this] { state_->ioc.run(); });
}

}  // namespace server
