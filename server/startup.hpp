// What `scimd serve` checks and loads before it listens: the TLS context, the listen address, and a database whose
// schema is the one this binary needs. Each failure is a StartupError in one line for the operator.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "server/serve_config.hpp"

namespace server {

/// TLS 1.2+ with the certificate and key of `config`. @throws StartupError.
std::unique_ptr<boost::asio::ssl::context> make_tls_context(ServeConfig const& config);

/// The address of --listen (host:port, [v6]:port, localhost); `option` names the flag in errors.
/// @throws StartupError.
boost::asio::ip::tcp::endpoint listen_endpoint(std::string const& listen, std::string_view option = "--listen");

/// Checks that the database schema is the one this binary needs, and reads the cursor secret.
/// @throws StartupError (schema too old or too new), storage::DatabaseUnavailable.
std::string prepare_database(std::string const& url);

}  // namespace server
