// Rendering scim::Error as an HTTP response.
#include "server/error_response.hpp"

#include <boost/json/serialize.hpp>

namespace server {

HttpResponse error_response(scim::Error const& e) {
    HttpResponse res;
    res.status = e.status();
    res.body = boost::json::serialize(e.to_json());
    res.set_header("Content-Type", scim_content_type);
    if (e.status() == 401) res.set_header("WWW-Authenticate", "Bearer realm=\"scimd\"");
    // Identity providers back off and retry on 429 and 503 when told how long to wait.
    if (e.retry_after_seconds() > 0) res.set_header("Retry-After", std::to_string(e.retry_after_seconds()));
    return res;
}

}  // namespace server
