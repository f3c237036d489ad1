// Every error the server answers, as an RFC 7644 §3.12 body.
#pragma once

#include "scim/error.hpp"
#include "server/http_message.hpp"

namespace server {

inline constexpr char const* scim_content_type = "application/scim+json";

/// The response for `e`: its status, an application/scim+json error body, and WWW-Authenticate on 401.
HttpResponse error_response(scim::Error const& e);

}  // namespace server
