// Everything a request handler may use, built once by `scimd serve`.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include "scim/schema.hpp"
#include "server/auth.hpp"
#include "server/body_budget.hpp"
#include "server/cursor.hpp"
#include "server/db_pool.hpp"
#include "server/rate_limiter.hpp"
#include "server/serve_config.hpp"

namespace server {

struct App {
    App(ServeConfig c, scim::SchemaRegistry const& schema_registry, std::string cursor_secret);

    ServeConfig config;
    scim::SchemaRegistry const& registry;
    DbPool db;
    net::thread_pool cpu;  // slow CPU work such as password hashing, off the I/O threads
    Authenticator auth;
    CursorCodec cursors;
    RateLimiter rate_limits;    // by tenant and by token
    RateLimiter auth_failures;  // by source address
    BodyBudget bodies;
};

}  // namespace server
