// The request and response as handlers see them: plain values, no Beast types, so handlers stay light to compile.
#pragma once

#include <string>
#include <utility>
#include <vector>

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

struct HttpResponse {
    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // Content-Type among them when there is a body

    void set_header(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
};

}  // namespace server
