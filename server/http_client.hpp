// A small HTTP/1.1 client over one kept-alive connection (http or https, with the server's certificate and name
// verified): what the event delivery worker POSTs SETs with and what JWKS documents are fetched with.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "server/egress_policy.hpp"

namespace server {

/// Where a request goes, from an http:// or https:// URL.
struct HttpEndpoint {
    bool https = false;
    std::string host;
    std::string port;
    std::string target;
};

/// The endpoint of `url`, or nullopt when it is not an http or https URL with a host.
std::optional<HttpEndpoint> parse_endpoint(std::string const& url);

struct HttpClientResult {
    int status = 0;                 // 0: no answer
    std::string body;               // the answer's body (at most the client's limit)
    std::string error;              // why, when there was no 2xx
    std::string reason = "status";  // "status", "connect" or "timeout": a metric's label
    std::optional<long> retry_after_seconds;
    std::map<std::string, std::string> headers;  // of the answer, names in lower case
};

class HttpClient {
public:
    /// Connects only to addresses `egress` permits (a name is resolved at each connect, then checked).
    HttpClient(boost::asio::any_io_executor executor, boost::asio::ssl::context& tls, HttpEndpoint endpoint,
               std::chrono::seconds timeout, EgressPolicy const& egress, std::size_t body_limit = 64 * 1024)
        : executor_(std::move(executor)),
          tls_(tls),
          endpoint_(std::move(endpoint)),
          timeout_(timeout),
          egress_(egress),
          body_limit_(body_limit) {}

    /// Sends one request to the endpoint's target; a kept-alive connection the server closed is reopened once.
    boost::asio::awaitable<HttpClientResult> request(boost::beast::http::verb method, std::string const& body = {},
                                                     std::string const& content_type = {},
                                                     std::string const& authorization = {});
    /// The same to another target (path and query) of the endpoint's host.
    boost::asio::awaitable<HttpClientResult> request_to(boost::beast::http::verb method, std::string const& target,
                                                        std::string const& body, std::string const& content_type,
                                                        std::string const& authorization);
    /// The TLS version the connection speaks ("TLSv1.3"), or empty for plain HTTP or before the first request.
    std::string tls_version() const;

    /// Ends what the client is doing (resolving, connecting, sending or waiting): its request completes with an
    /// error at once. For shutting down.
    void cancel();

private:
    void close();
    boost::asio::awaitable<std::optional<HttpClientResult>> open();
    HttpClientResult failed(std::string error, boost::beast::error_code const& ec);
    template <class Stream, class Request>
    boost::asio::awaitable<HttpClientResult> exchange(Stream& stream, Request& req);

    boost::asio::any_io_executor executor_;
    boost::asio::ssl::context& tls_;
    HttpEndpoint endpoint_;
    std::chrono::seconds timeout_;
    EgressPolicy const& egress_;
    std::size_t body_limit_;
    boost::beast::flat_buffer buffer_;
    std::optional<boost::asio::ip::tcp::resolver> resolver_;
    bool cancelled_ = false;
    std::optional<boost::beast::tcp_stream> plain_;
    std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> secure_;
};

}  // namespace server
