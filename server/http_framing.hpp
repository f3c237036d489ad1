// Whether a request head frames exactly one request (RFC 9112 §6): a body is delimited by Content-Length or by
// chunked transfer coding alone, never both and never by anything else. Anything else is how request smuggling
// starts, so it is answered 400 and the connection is closed.
#pragma once

#include <optional>
#include <string>

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>

namespace server {

/// The reason `head` does not frame one request, for a 400 detail; nullopt when it does.
std::optional<std::string> framing_problem(boost::beast::http::request_header<> const& head);

}  // namespace server
