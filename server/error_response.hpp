// Every error the server answers, as an RFC 7644 §3.12 body.
#pragma once

#include <string>
#include <string_view>

#include "scim/error.hpp"
#include "server/http_message.hpp"

namespace server {

inline constexpr char const* scim_content_type = "application/scim+json";

/// `text` with what an HTTP quoted-string may not hold ('"', '\\', control characters) left out: for the
/// error_description of a WWW-Authenticate challenge.
std::string quotable(std::string_view text);

/// The response for `e`: its status, an application/scim+json error body, and WWW-Authenticate on 401.
HttpResponse error_response(scim::Error const& e);

/// The same for the OAuth token endpoint, whose clients read RFC 6749 §5.2 bodies: {"error", "error_description"}
/// ("temporarily_unavailable" with Retry-After for 429 and 503, "invalid_request" for the rest).
HttpResponse oauth_error_response(scim::Error const& e);

}  // namespace server
