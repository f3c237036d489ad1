// The request and response as handlers see them: plain values, no Beast types, so handlers stay light to compile.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

namespace server {

struct HttpRequest {
    std::string method;  // "GET", "POST", …
    std::string target;  // origin-form, e.g. "/scim/v2/Users?filter=…"
    std::string body;
    std::string host;
    std::string authorization;
    std::string content_type;
    std::string if_match;
    std::string if_none_match;
    std::string request_id;  // the client's X-Request-Id, as sent
    bool has_body = false;   // a Content-Length or chunked body was sent
};

/// A body written as it is made (chunked transfer coding): each next() is one chunk, nullopt the end. An exception
/// ends the connection without the last chunk, so that the client sees the body is incomplete.
class ResponseStream {
public:
    virtual ~ResponseStream() = default;
    virtual boost::asio::awaitable<std::optional<std::string>> next() = 0;
};

struct HttpResponse {
    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // Content-Type among them when there is a body
    std::shared_ptr<ResponseStream> stream;                    // when set, the body: `body` must be empty

    void set_header(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
};

}  // namespace server
