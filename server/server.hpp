// `scimd serve`: the HTTPS (or plain HTTP) listener, one coroutine per connection on a pool of I/O threads.
#pragma once

#include <stdexcept>

#include "server/serve_config.hpp"

namespace server {

/// Serves until SIGINT or SIGTERM, then stops accepting, lets in-flight requests finish (within
/// config.shutdown_timeout), closes idle connections and returns 0. Prints "listening on <url>" to stderr once
/// the socket is bound. @throws StartupError when it cannot start (database, TLS files, address).
int serve(ServeConfig const& config);

/// A reason `scimd serve` cannot start, in one line for the operator.
struct StartupError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace server
