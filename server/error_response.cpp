// Rendering scim::Error as an HTTP response.
#include "server/error_response.hpp"

#include <boost/json/serialize.hpp>

namespace server {

std::string quotable(std::string_view text) {
    std::string out;
    for (char c : text)
        if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) out += c;
    return out;
}

HttpResponse error_response(scim::Error const& e) {
    HttpResponse res;
    res.status = e.status();
    res.body = boost::json::serialize(e.to_json());
    res.set_header("Content-Type", scim_content_type);
    if (e.status() == 401) {
        std::string challenge = "Bearer realm=\"scimd\"";
        if (e.token_invalid())  // RFC 6750 §3
            challenge += ", error=\"invalid_token\", error_description=\"" + quotable(e.detail()) + "\"";
        res.set_header("WWW-Authenticate", challenge);
    }
    // Identity providers back off and retry on 429 and 503 when told how long to wait.
    if (e.retry_after_seconds() > 0) res.set_header("Retry-After", std::to_string(e.retry_after_seconds()));
    return res;
}

HttpResponse oauth_error_response(scim::Error const& e) {
    HttpResponse res;
    res.status = e.status();
    auto const code = e.status() == 429 || e.status() == 503 ? "temporarily_unavailable"
                      : e.status() >= 500                    ? "server_error"
                                                             : "invalid_request";
    res.body = boost::json::serialize(boost::json::object{{"error", code}, {"error_description", e.detail()}});
    res.set_header("Content-Type", "application/json");
    res.set_header("Cache-Control", "no-store");
    if (e.retry_after_seconds() > 0) res.set_header("Retry-After", std::to_string(e.retry_after_seconds()));
    return res;
}

}  // namespace server
