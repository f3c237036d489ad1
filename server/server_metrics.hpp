// The metrics `scimd serve` publishes on the admin listener's /metrics. Labels never carry a tenant, a user or a raw
// path: a route is its template ("/Users/{id}"), so the number of series stays fixed whatever clients send.
#pragma once

#include <chrono>
#include <string>

#include "server/metrics.hpp"

namespace server {

struct ServerMetrics {
    ServerMetrics();

    /// One answered request: counts it and records its duration (`seconds`).
    void request(std::string const& route, std::string const& method, int status, double seconds);

    metrics::Registry registry;
    metrics::Family<metrics::Counter>& requests;
    metrics::Family<metrics::Histogram>& request_duration;
    metrics::Gauge& in_flight;
    // The database pools' metrics, by pool: primary, and replica when --read-database-url is set.
    metrics::Family<metrics::Gauge>& db_pool_size;
    metrics::Family<metrics::Gauge>& db_pool_in_use;
    metrics::Family<metrics::Histogram>& db_pool_wait;
    metrics::Family<metrics::Counter>& db_errors;  // by pool and kind: unavailable, timeout, serialization
    metrics::Family<metrics::Counter>& db_retries;
    // Reads a replica could have served, by where they went and why (replica, recent_write, conditional, behind,
    // replica_failed); the replica's state as its last check saw it.
    metrics::Family<metrics::Counter>& replica_reads;
    metrics::Gauge& replica_usable;
    metrics::Gauge& replica_lag_bytes;
    metrics::Counter& tls_handshakes;
    metrics::Family<metrics::Counter>& tls_handshake_failures;  // by reason: timeout, error
    metrics::Counter& tls_reloads;
    metrics::Family<metrics::Counter>& bulk_operations;  // by method
    metrics::Family<metrics::Counter>& rate_limited;     // by limit: tenant, token, auth_failures, bodies
    metrics::Counter& events_delivered;
    metrics::Family<metrics::Counter>& event_delivery_failures;  // by reason: connect, timeout, status
    metrics::Counter& events_rejected;
    metrics::Histogram& event_delivery_lag;
    metrics::Gauge& event_streams_failing;
    metrics::Counter& device_mac_conflicts;
    std::chrono::system_clock::time_point started = std::chrono::system_clock::now();
};

/// A method as a label: the HTTP methods scimd knows, anything else as "other".
std::string method_label(std::string_view method);

}  // namespace server
