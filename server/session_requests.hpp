// The request loop of one connection, as a template over its stream (plain TCP or TLS): included by the two files
// that serve each kind (session_plain.cpp, session_tls.cpp), so that each kind is instantiated, and compiled, apart.
#pragma once

#include <algorithm>
#include <array>
#include <string>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "scim/error.hpp"
#include "scim/text.hpp"
#include "server/error_response.hpp"
#include "server/http_framing.hpp"
#include "server/log.hpp"
#include "server/router.hpp"
#include "server/session.hpp"

namespace server::session_detail {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

inline constexpr auto as_tuple_awaitable = net::as_tuple(net::use_awaitable);
constexpr std::size_t header_limit = 32 * 1024;

inline HttpRequest head_of(http::request_header<> const& req) {
    HttpRequest out;
    out.method = std::string(req.method_string());
    out.target = std::string(req.target());
    out.host = std::string(req[http::field::host]);
    out.authorization = std::string(req[http::field::authorization]);
    out.content_type = std::string(req[http::field::content_type]);
    out.if_match = std::string(req[http::field::if_match]);
    out.if_none_match = std::string(req[http::field::if_none_match]);
    out.request_id = std::string(req["X-Request-Id"]);
    out.has_body = req.count(http::field::content_length) > 0 || req.count(http::field::transfer_encoding) > 0;
    return out;
}

// Writes a streamed body chunk by chunk, each within the write timeout of its own. A failure while making the body
// ends the connection before the last chunk: the client sees a truncated response, never a short one that looks
// whole.
template <class Stream>
net::awaitable<beast::error_code> write_stream(Stream& stream, HttpResponse&& res, unsigned version, bool keep_alive) {
    http::response<http::empty_body> out{static_cast<http::status>(res.status), version};
    out.set(http::field::server, "scimd");
    for (auto& [name, value] : res.headers) out.set(name, value);
    out.keep_alive(keep_alive);
    out.chunked(true);
    http::response_serializer<http::empty_body> serializer{out};
    auto& lowest = beast::get_lowest_layer(stream);
    auto const write_timeout = std::chrono::seconds(30);
    lowest.expires_after(write_timeout);
    if (auto [ec, n] = co_await http::async_write_header(stream, serializer, as_tuple_awaitable); ec) co_return ec;
    for (;;) {
        std::optional<std::string> chunk;
        bool failed = false;
        try {
            chunk = co_await res.stream->next();
        } catch (std::exception const& e) {
            log_line(std::string("a streamed response failed: ") + e.what(), LogLevel::error);
            failed = true;
        }
        if (failed) co_return beast::error_code(net::error::connection_aborted);
        if (!chunk) break;
        if (chunk->empty()) continue;
        lowest.expires_after(write_timeout);
        if (auto [ec, n] = co_await net::async_write(stream, http::make_chunk(net::buffer(*chunk)), as_tuple_awaitable);
            ec)
            co_return ec;
    }
    lowest.expires_after(write_timeout);
    auto [ec, n] = co_await net::async_write(stream, http::make_chunk_last(), as_tuple_awaitable);
    co_return ec;
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
        if (res.status != 204 && res.status != 304 && !res.stream) out.content_length(res.body.size());
        auto [ec, n] = co_await http::async_write(stream, out, as_tuple_awaitable);
        co_return ec;
    }
    if (res.stream) co_return co_await write_stream(stream, std::move(res), version, keep_alive);
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
inline bool malformed(beast::error_code const& ec) {
    static auto const& http_category = http::make_error_code(http::error::bad_method).category();
    return ec.category() == http_category && ec != http::error::end_of_stream && ec != http::error::partial_message;
}

// Reads requests and writes responses until the peer leaves, a limit is hit, or the server stops. Returns
// false when the connection was already shut down (a refused request) and needs no TLS close.
template <class Stream>
net::awaitable<bool> serve_requests(Stream& stream, ServerState& server, Connections::Entry& entry,
                                    std::string const& peer) {
    auto& tcp_stream = beast::get_lowest_layer(stream);
    auto& app = server.app;
    auto const& config = app.config;
    bool const tls = server.tls_enabled;
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
        Exchange exchange(app, tls, peer, request.request_id);
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
                app.metrics.rate_limited.with({"bodies"}).inc();
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
        auto response = co_await exchange.answer(std::move(request));
        reservation.reset();
        tcp_stream.expires_after(config.read_timeout);
        bool const keep = keep_alive && !server.connections.stopping();
        if (co_await write_response(stream, std::move(response), version, keep, head) || !keep) co_return true;
    }
}

}  // namespace server::session_detail
