// Routing of one HTTP request to its SCIM handler; the one place where errors become responses.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "server/app.hpp"
#include "server/http_message.hpp"

namespace server {

/// Answers one request: resolves the route under /scim/v2 or /customers/{tenant}/scim/v2, authenticates,
/// checks scope, method and media type, runs the handler. Never throws: every failure is an RFC 7644 error
/// response (a 500 for anything unexpected, logged with the request id). Logs one access line per request.
boost::asio::awaitable<HttpResponse> handle_request(App& app, HttpRequest const& request, bool tls);

}  // namespace server
