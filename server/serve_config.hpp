// Settings of `scimd serve`.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace server {

struct ServeConfig {
    std::string listen = "127.0.0.1:8443";  // host:port; port 0 picks a free one
    std::string database_url = "postgresql:///scimd";
    std::string tls_cert;  // PEM files; required unless no_tls
    std::string tls_key;
    bool no_tls = false;  // plain HTTP, for use behind a TLS-terminating load balancer
    std::string public_url;  // scheme://host[:port] clients reach us at, for meta.location; default: the Host header
    std::size_t io_threads = 2;
    std::size_t db_connections = 4;
    std::size_t max_body_bytes = 1024 * 1024;
    std::chrono::seconds read_timeout{30};      // to receive one request once it has begun
    std::chrono::seconds idle_timeout{60};      // between requests on a kept-alive connection
    std::chrono::seconds shutdown_timeout{20};  // in-flight requests may finish within this after SIGTERM
    std::chrono::milliseconds token_cache_ttl{5000};  // how long a checked token is trusted without the database
    bool access_log = true;
    std::int64_t default_page_size = 100;  // count when a list request names none
    std::int64_t max_page_size = 1000;     // the largest count honoured (ServiceProviderConfig filter.maxResults)
    std::chrono::seconds cursor_lifetime{3600};
    std::int64_t max_inline_members = 100000;  // larger groups are read with excludedAttributes=members
    std::size_t bulk_max_operations = 1000;          // ServiceProviderConfig bulk.maxOperations
    std::size_t bulk_max_payload_bytes = 1024 * 1024;  // bulk.maxPayloadSize: the body limit of POST /Bulk
    std::size_t import_max_bytes = 16 * 1024 * 1024;   // the body limit of POST /Users/.import (CSV)
};

}  // namespace server
