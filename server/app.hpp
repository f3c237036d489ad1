// Everything a request handler may use, built once by `scimd serve`.
#pragma once

#include <memory>

#include <boost/asio/thread_pool.hpp>

#include "scim/schema.hpp"
#include "server/auth.hpp"
#include "server/body_budget.hpp"
#include "server/cursor.hpp"
#include "server/db_pool.hpp"
#include "server/oauth.hpp"
#include "server/page_positions.hpp"
#include "server/rate_limiter.hpp"
#include "server/read_replica.hpp"
#include "server/serve_config.hpp"
#include "server/server_metrics.hpp"
#include "server/work_slots.hpp"

namespace server {

struct App {
    App(ServeConfig c, scim::SchemaRegistry const& schema_registry, std::string cursor_secret);

    ServeConfig config;
    scim::SchemaRegistry const& registry;
    ServerMetrics metrics;  // before everything that counts into it
    DbPool db;
    net::thread_pool cpu;  // slow CPU work such as password hashing, off the I/O threads
    Authenticator auth;
    CursorCodec cursors;
    // A startIndex walk's next page is a keyset seek. Room for 64 walkers of each of 1,024 queries: at most
    // 65,536 positions of about 200 bytes.
    PagePositions page_positions{1024, 64, std::chrono::minutes(2)};
    RateLimiter rate_limits;    // by tenant and by token
    RateLimiter auth_failures;  // by source address
    BodyBudget bodies;
    // /Bulk requests worked on at once: one per database connection, as only that many can write at a time.
    WorkSlots bulk_slots;
    std::string events_issuer;             // the iss of every SET: --public-url, else the address scimd listens on
    std::unique_ptr<OAuth> oauth;          // the token endpoint and access tokens; null when --oauth off
    std::unique_ptr<ReadReplica> replica;  // where reads may go; null without --read-database-url
};

}  // namespace server
