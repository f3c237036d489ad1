// The HTTP client: connect (and TLS), send, read the answer, with a timeout on each step.
#include "server/http_client.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

namespace server {

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {
inline constexpr auto as_tuple_awaitable = net::as_tuple(net::use_awaitable);
}

std::optional<HttpEndpoint> parse_endpoint(std::string const& url) {
    auto const parsed = boost::urls::parse_uri(url);
    if (!parsed || !parsed->has_authority()) return std::nullopt;
    HttpEndpoint e;
    if (parsed->scheme() == "https")
        e.https = true;
    else if (parsed->scheme() != "http")
        return std::nullopt;
    e.host = parsed->host();
    if (e.host.empty()) return std::nullopt;
    if (e.host.size() > 2 && e.host.front() == '[') e.host = e.host.substr(1, e.host.size() - 2);
    e.port = parsed->has_port() ? std::string(parsed->port()) : (e.https ? "443" : "80");
    e.target = parsed->encoded_resource().empty() ? "/" : std::string(parsed->encoded_resource());
    if (e.target.front() != '/') e.target = "/" + e.target;
    return e;
}

net::awaitable<HttpClientResult> HttpClient::request(http::verb method, std::string const& body,
                                                     std::string const& content_type,
                                                     std::string const& authorization) {
    co_return co_await request_to(method, endpoint_.target, body, content_type, authorization);
}

std::string HttpClient::tls_version() const {
    if (!secure_) return {};
    auto& stream = const_cast<std::optional<beast::ssl_stream<beast::tcp_stream>>&>(secure_);
    return SSL_get_version(stream->native_handle());
}

net::awaitable<HttpClientResult> HttpClient::request_to(http::verb method, std::string const& target,
                                                        std::string const& body, std::string const& content_type,
                                                        std::string const& authorization) {
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, endpoint_.host);
    req.set(http::field::user_agent, "scimd");
    if (!content_type.empty()) req.set(http::field::content_type, content_type);
    req.set(http::field::accept, "application/json");
    if (!authorization.empty()) req.set(http::field::authorization, authorization);
    req.keep_alive(true);
    req.body() = body;
    req.prepare_payload();
    for (int attempt = 0; attempt < 2; ++attempt) {  // a kept-alive connection the server closed: reopen once
        bool const fresh = !plain_ && !secure_;
        if (fresh) {
            if (auto failed = co_await open()) co_return *failed;
        }
        HttpClientResult result;
        if (endpoint_.https)  // not a conditional expression: GCC 12 miscompiles co_await inside one
            result = co_await exchange(*secure_, req);
        else
            result = co_await exchange(*plain_, req);
        if (result.status != 0 || fresh || cancelled_) co_return result;
        close();
    }
    co_return HttpClientResult{0, {}, "the connection failed", "connect", {}, {}};
}

void HttpClient::cancel() {
    cancelled_ = true;
    if (resolver_) resolver_->cancel();
    boost::system::error_code ignored;
    if (plain_) plain_->socket().close(ignored);
    if (secure_) beast::get_lowest_layer(*secure_).socket().close(ignored);
}

void HttpClient::close() {
    plain_.reset();
    secure_.reset();
}

net::awaitable<std::optional<HttpClientResult>> HttpClient::open() {
    if (cancelled_) co_return HttpClientResult{0, {}, "cancelled", "connect", {}, {}};
    resolver_.emplace(executor_);
    auto [rec, found] = co_await resolver_->async_resolve(endpoint_.host, endpoint_.port, as_tuple_awaitable);
    resolver_.reset();
    if (cancelled_) co_return HttpClientResult{0, {}, "cancelled", "connect", {}, {}};
    if (rec)
        co_return HttpClientResult{0, {}, "cannot resolve " + endpoint_.host + ": " + rec.message(), "connect", {}, {}};
    // Only the permitted addresses are tried: the check is on what the name resolves to now, not on the name.
    std::vector<tcp::endpoint> permitted;
    std::string refused;
    for (auto const& entry : found) {
        auto const address = entry.endpoint().address();
        if (auto const why = egress_.refusal(address.to_string()))
            refused = endpoint_.host + " resolves to " + address.to_string() + ", " + *why;
        else
            permitted.push_back(entry.endpoint());
    }
    if (permitted.empty())
        co_return HttpClientResult{
            0,
            {},
            "refused by the egress policy: " + refused + " (allow with " + EgressPolicy::how_to_allow + ")",
            "refused",
            {},
            {}};
    if (endpoint_.https) {
        secure_.emplace(executor_, tls_);
        auto& lowest = beast::get_lowest_layer(*secure_);
        lowest.expires_after(timeout_);
        auto [cec, ep] = co_await lowest.async_connect(permitted, as_tuple_awaitable);
        if (cec) co_return failed("cannot connect to " + endpoint_.host + ": " + cec.message(), cec);
        // SNI; OpenSSL's macro casts in the C way, so call what it expands to.
        SSL_ctrl(secure_->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(endpoint_.host.c_str()));
        secure_->set_verify_callback(ssl::host_name_verification(endpoint_.host));
        auto [hec] = co_await secure_->async_handshake(ssl::stream_base::client, as_tuple_awaitable);
        if (hec) co_return failed("TLS with " + endpoint_.host + " failed: " + hec.message(), hec);
    } else {
        plain_.emplace(executor_);
        plain_->expires_after(timeout_);
        auto [cec, ep] = co_await plain_->async_connect(permitted, as_tuple_awaitable);
        if (cec) co_return failed("cannot connect to " + endpoint_.host + ": " + cec.message(), cec);
    }
    co_return std::nullopt;
}

HttpClientResult HttpClient::failed(std::string error, beast::error_code const& ec) {
    close();
    return {0, {}, std::move(error), ec == beast::error::timeout ? "timeout" : "connect", {}, {}};
}

template <class Stream, class Request>
net::awaitable<HttpClientResult> HttpClient::exchange(Stream& stream, Request& req) {
    auto& lowest = beast::get_lowest_layer(stream);
    lowest.expires_after(timeout_);
    auto [wec, wn] = co_await http::async_write(stream, req, as_tuple_awaitable);
    if (wec) co_return failed("sending failed: " + wec.message(), wec);
    http::response_parser<http::string_body> parser;
    parser.body_limit(body_limit_);
    auto [rec, rn] = co_await http::async_read(stream, buffer_, parser, as_tuple_awaitable);
    if (rec) co_return failed("no answer: " + rec.message(), rec);
    auto& res = parser.get();
    HttpClientResult result{static_cast<int>(res.result_int()), std::move(res.body()), {}, "status", {}, {}};
    for (auto const& field : res) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        result.headers[name] = std::string(field.value());
    }
    if (result.status < 200 || result.status > 299) {
        auto const excerpt = result.body.substr(0, 200);
        result.error = "HTTP " + std::to_string(result.status) + (excerpt.empty() ? "" : ": " + excerpt);
        if (auto const it = res.find(http::field::retry_after); it != res.end()) {
            try {
                result.retry_after_seconds = std::stol(std::string(it->value()));
            } catch (std::exception const&) {
            }
        }
    }
    if (!res.keep_alive()) close();
    co_return result;
}

}  // namespace server
