// Blocking Beast client for end-to-end tests.
#include "tests/support/https_client.hpp"

#include <doctest/doctest.h>

#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json/parse.hpp>

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

std::string HttpResult::header(std::string const& name) const {
    std::string key;
    for (char c : name) key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto const it = headers.find(key);
    return it == headers.end() ? "" : it->second;
}

boost::json::value HttpResult::json() const {
    boost::json::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (ec) FAIL("response body is not JSON: " << body);
    return v;
}

struct HttpsClient::Impl {
    net::io_context ioc;
    ssl::context tls_context{ssl::context::tls_client};
    std::optional<beast::ssl_stream<tcp::socket>> tls_stream;
    std::optional<tcp::socket> plain;
    beast::flat_buffer buffer;
    unsigned short port;
    bool closed = false;

    template <class F>
    auto with_stream(F&& f) {
        if (tls_stream) return f(*tls_stream);
        return f(*plain);
    }

    HttpResult read_response() {
        http::response_parser<http::string_body> parser;
        parser.body_limit(boost::none);  // a group's members can be tens of megabytes
        with_stream([&](auto& s) { http::read(s, buffer, parser); });
        auto res = parser.release();
        HttpResult out;
        out.status = static_cast<int>(res.result_int());
        for (auto const& field : res) {
            std::string key(field.name_string());
            for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            out.headers[key] = std::string(field.value());
        }
        out.body = std::move(res.body());
        closed = !res.keep_alive();
        return out;
    }
};

HttpsClient::HttpsClient(unsigned short port, bool tls) : impl_(std::make_unique<Impl>()) {
    impl_->port = port;
    impl_->tls_context.set_verify_mode(ssl::verify_none);  // the test server's certificate is self-signed
    tcp::endpoint const endpoint(net::ip::make_address("127.0.0.1"), port);
    if (tls) {
        impl_->tls_stream.emplace(impl_->ioc, impl_->tls_context);
        impl_->tls_stream->next_layer().connect(endpoint);
        impl_->tls_stream->handshake(ssl::stream_base::client);
    } else {
        impl_->plain.emplace(impl_->ioc);
        impl_->plain->connect(endpoint);
    }
}

HttpsClient::~HttpsClient() = default;

HttpResult HttpsClient::request(std::string const& method, std::string const& target, std::string const& body,
                                std::map<std::string, std::string> const& headers) {
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(impl_->port));
    for (auto const& [name, value] : headers) req.set(name, value);
    if (method == "POST" || method == "PUT" || method == "PATCH" || !body.empty()) {
        req.body() = body;
        req.prepare_payload();
    }
    impl_->with_stream([&](auto& s) { http::write(s, req); });
    return impl_->read_response();
}

HttpResult HttpsClient::request_header_only(std::string const& method, std::string const& target,
                                            std::size_t content_length,
                                            std::map<std::string, std::string> const& headers) {
    http::request<http::empty_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(impl_->port));
    for (auto const& [name, value] : headers) req.set(name, value);
    req.set(http::field::content_length, std::to_string(content_length));
    http::request_serializer<http::empty_body> serializer(req);
    impl_->with_stream([&](auto& s) { http::write_header(s, serializer); });
    return impl_->read_response();
}

bool HttpsClient::closed_by_server() { return impl_->closed; }
