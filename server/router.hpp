// One request's way through the server: admitted from its head (route, token, rate limits, scope), answered by its
// SCIM handler once the body is read. The one place where errors become responses, and where each is logged.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "server/app.hpp"
#include "server/http_message.hpp"
#include "server/route.hpp"
#include "storage/token_repository.hpp"

namespace server {

/// One request from its head to its response.
class Exchange {
public:
    /// `peer` is the client's address, for the limit on failed authentications. The request keeps the id its client
    /// sent in X-Request-Id when that is a usable one (see usable_request_id); otherwise it gets a new one.
    Exchange(App& app, bool tls, std::string peer, std::string_view client_request_id);
    ~Exchange();
    Exchange(Exchange const&) = delete;
    Exchange& operator=(Exchange const&) = delete;

    /// Decides from the head alone, before any body byte is read or 100-continue answered: resolves the route,
    /// checks the token (with the source address's failed-authentication limit), the tenant's and the token's rate
    /// limits, scope, user-bound tokens and media type. nullopt: read the body and call answer(); otherwise the
    /// response to send, already logged. Never throws.
    boost::asio::awaitable<std::optional<HttpResponse>> admit(HttpRequest const& head);

    /// The body limit of the admitted endpoint: /Bulk and /Users/.import have their own.
    std::size_t body_limit() const;
    /// The detail of a 413 for a body over body_limit().
    std::string body_too_large_detail() const;

    /// Answers an admitted request whose body has been read. Never throws: every failure is an RFC 7644 error
    /// response (a 500 for anything unexpected, logged with the request id and, for a database error, its SQLSTATE).
    boost::asio::awaitable<HttpResponse> answer(HttpRequest request);

    /// Adds the headers every response carries (request id, no-store, nosniff, HSTS on HTTPS) and logs the access
    /// line; for responses the session makes itself (413, 431, 400 on a malformed head).
    HttpResponse finish(HttpRequest const& request, HttpResponse res) const;

private:
    static std::string effective_method(std::string const& method);
    [[noreturn]] void too_many_requests(std::string const& limit, std::string detail, int wait) const;
    static std::string printable(std::string_view text);
    HttpResponse internal_error(std::exception const& e) const;

    App& app_;
    bool tls_;
    std::string peer_;
    std::string request_id_;
    std::chrono::steady_clock::time_point started_;
    std::optional<Route> route_;
    std::optional<storage::TokenGrant> grant_;
    std::vector<std::pair<std::string, std::string>> query_;
};

/// Whether a client's X-Request-Id may be kept: 1 to 128 characters of letters, digits and "-_.:@/+=", so that it
/// can go into a log line or a header as it is.
bool usable_request_id(std::string_view id);

/// Whether a Host header may be reflected into URLs: host[:port] with nothing else in it.
bool valid_host(std::string_view host);

}  // namespace server
