// Settings of `scimd serve`.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "server/egress_policy.hpp"
#include "server/rate_limiter.hpp"

namespace server {

struct ServeConfig {
    std::string listen = "127.0.0.1:8443";                // host:port; port 0 picks a free one
    std::string admin_listen = "127.0.0.1:9464";          // /livez, /readyz, /metrics over plain HTTP; empty: none
    std::chrono::seconds drain_delay{0};                  // after SIGTERM: not ready, but still serving, for this long
    bool events_delivery = true;                          // this instance pushes change events to push streams
    bool oauth = true;                                    // the token endpoint, access tokens and trusted issuers
    std::chrono::seconds oauth_token_lifetime{3600};      // of an access token
    std::string oauth_ca_file;                            // extra CAs for trusted issuers' and clients' JWKS URLs
    std::chrono::seconds oauth_jwks_refresh{60};          // the least time between two fetches of one JWKS URL
    EgressPolicy egress;                                  // where push receivers and JWKS URLs may be
    std::chrono::seconds audit_retention_interval{3600};  // how often expired change records are deleted
    std::string database_url = "postgresql:///scimd";
    std::string read_database_url;                            // a streaming replica for reads; empty: none
    std::size_t read_db_connections = 0;                      // to the replica; 0: as many as db_connections
    std::chrono::milliseconds read_your_writes_window{5000};  // a token that wrote reads from the primary this long
    std::string tls_cert;                                     // PEM files; required unless no_tls
    std::string tls_key;
    bool no_tls = false;     // plain HTTP, for use behind a TLS-terminating load balancer
    std::string public_url;  // scheme://host[:port] clients reach us at, for meta.location; default: the Host header
    std::size_t io_threads = 2;
    std::size_t db_connections = 4;
    std::size_t max_body_bytes = 1024 * 1024;
    std::chrono::seconds read_timeout{30};            // to receive one request once it has begun
    std::chrono::seconds idle_timeout{60};            // between requests on a kept-alive connection
    std::chrono::seconds shutdown_timeout{20};        // in-flight requests may finish within this after SIGTERM
    std::chrono::milliseconds token_cache_ttl{5000};  // how long a checked token is trusted without the database
    bool access_log = true;
    std::int64_t default_page_size = 100;  // count when a list request names none
    std::int64_t max_page_size = 1000;     // the largest count honoured (ServiceProviderConfig filter.maxResults)
    std::chrono::seconds cursor_lifetime{3600};
    std::int64_t max_inline_members = 100000;                 // larger groups are read with excludedAttributes=members
    std::size_t bulk_max_operations = 1000;                   // ServiceProviderConfig bulk.maxOperations
    std::size_t bulk_max_payload_bytes = 1024 * 1024;         // bulk.maxPayloadSize: the body limit of POST /Bulk
    std::size_t import_max_bytes = 16 * 1024 * 1024;          // the body limit of POST /Users/.import (CSV)
    std::size_t max_buffered_body_bytes = 128 * 1024 * 1024;  // request bodies held by all connections at once
    std::chrono::milliseconds statement_timeout{30000};       // PostgreSQL statement_timeout of every connection
    std::size_t max_values_per_attribute = 1000;   // values of one multi-valued attribute in a request (not members)
    std::size_t max_members_per_request = 100000;  // a group's members given in one request
    RateLimit auth_failure_limit{1, 20};           // failed authentications per source address: 1/s, 20 at once
};

}  // namespace server
