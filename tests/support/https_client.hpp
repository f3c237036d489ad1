// A small blocking HTTP/1.1 client over TLS (or plain TCP) for end-to-end tests; one kept-alive connection.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <boost/json/value.hpp>

struct HttpResult {
    int status = 0;
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;

    std::string header(std::string const& name) const;
    /// The body as JSON; fails the test when it is not.
    boost::json::value json() const;
};

class HttpsClient {
public:
    HttpsClient(unsigned short port, bool tls);
    ~HttpsClient();

    /// Sends one request and reads the response. `headers` are added as given; Host and Content-Length are set.
    HttpResult request(std::string const& method, std::string const& target, std::string const& body = "",
                       std::map<std::string, std::string> const& headers = {});
    /// Sends only the header of a request that announces `content_length` body bytes, then reads the response.
    HttpResult request_header_only(std::string const& method, std::string const& target, std::size_t content_length,
                                   std::map<std::string, std::string> const& headers);
    /// Whether the server closed the connection after the last response.
    bool closed_by_server();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};
