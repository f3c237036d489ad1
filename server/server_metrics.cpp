// Registration of the server's metrics, and the process metrics read from /proc when scraped.
#include "server/server_metrics.hpp"

#include <dirent.h>
#include <unistd.h>
#include <fstream>

namespace server {

namespace {

double resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    long size = 0, resident = 0;
    if (!(statm >> size >> resident)) return 0;
    return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

double open_fds() {
    DIR* dir = opendir("/proc/self/fd");
    if (!dir) return 0;
    double n = 0;
    while (auto const* entry = readdir(dir))
        if (entry->d_name[0] != '.') ++n;
    closedir(dir);
    return n - 1;  // the descriptor of the directory being read
}

double max_fds() {
    long const n = sysconf(_SC_OPEN_MAX);
    return n > 0 ? static_cast<double>(n) : 0;
}

}  // namespace

std::string method_label(std::string_view method) {
    for (std::string_view known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
        if (method == known) return std::string(method);
    return "other";
}

ServerMetrics::ServerMetrics()
    : requests(registry.counter("scimd_http_requests_total",
                                "SCIM requests answered, by route template, method and "
                                "status class.",
                                {"route", "method", "status_class"})),
      request_duration(registry.histogram("scimd_http_request_duration_seconds",
                                          "Time from a request's head to its response, by route template.",
                                          {"route", "method"}, metrics::latency_buckets())),
      in_flight(registry.gauge("scimd_http_requests_in_flight", "SCIM requests being worked on.").with({})),
      db_pool_size(registry.gauge("scimd_db_pool_connections", "PostgreSQL connections of the pool.", {"pool"})),
      db_pool_in_use(registry.gauge("scimd_db_pool_connections_in_use", "PostgreSQL connections running a transaction.",
                                    {"pool"})),
      db_pool_wait(registry.histogram("scimd_db_pool_wait_seconds",
                                      "Time a request waited for a free database connection.", {"pool"},
                                      metrics::latency_buckets())),
      db_errors(registry.counter("scimd_db_errors_total",
                                 "Database failures a request could not recover from, by pool and kind.",
                                 {"pool", "kind"})),
      db_retries(registry.counter("scimd_db_retries_total",
                                  "Transactions retried after a serialization failure, deadlock or lost connection.",
                                  {"pool"})),
      replica_reads(registry.counter("scimd_replica_reads_total",
                                     "Reads a read replica could serve, by where they went: replica, or the primary "
                                     "and why (recent_write, conditional, behind, replica_failed).",
                                     {"outcome"})),
      replica_usable(registry
                         .gauge("scimd_replica_usable",
                                "1 when the read replica answered its last check and was not behind; else 0.")
                         .with({})),
      replica_lag_bytes(
          registry.gauge("scimd_replica_lag_bytes", "WAL bytes the read replica had still to replay at its last check.")
              .with({})),
      tls_handshakes(registry.counter("scimd_tls_handshakes_total", "TLS handshakes completed.").with({})),
      tls_handshake_failures(registry.counter("scimd_tls_handshake_failures_total",
                                              "TLS handshakes that failed or timed out, by reason.", {"reason"})),
      tls_reloads(registry.counter("scimd_tls_reloads_total", "Certificate and key reloads on SIGHUP that took effect.")
                      .with({})),
      bulk_operations(registry.counter("scimd_bulk_operations_total",
                                       "Operations carried by /Bulk requests, by method.", {"method"})),
      rate_limited(registry.counter("scimd_rate_limited_requests_total",
                                    "Requests turned away by a limit (429 or 503 with Retry-After), by limit.",
                                    {"limit"})),
      events_delivered(
          registry.counter("scimd_events_delivered_total", "Security Event Tokens a push receiver accepted.").with({})),
      event_delivery_failures(registry.counter("scimd_event_delivery_failures_total",
                                               "Push attempts that failed and will be retried, by reason.",
                                               {"reason"})),
      events_rejected(registry
                          .counter("scimd_events_rejected_total",
                                   "Security Event Tokens a push receiver refused as invalid (400): not retried.")
                          .with({})),
      event_delivery_lag(registry
                             .histogram("scimd_event_delivery_lag_seconds",
                                        "Time from the write to the delivery of its event.", {},
                                        {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600})
                             .with({})),
      event_streams_failing(registry
                                .gauge("scimd_event_streams_failing",
                                       "Push streams whose receiver has failed for longer than their retry time.")
                                .with({})),
      device_mac_conflicts(registry
                               .counter("scimd_device_mac_conflicts_total",
                                        "Devices left pending because another tenant has their MAC address active.")
                               .with({})) {
    registry.gauge_callback("process_resident_memory_bytes", "Resident memory size in bytes.", resident_bytes);
    registry.gauge_callback("process_open_fds", "Open file descriptors.", open_fds);
    registry.gauge_callback("process_max_fds", "The most file descriptors the process may open.", max_fds);
    registry.gauge_callback("process_start_time_seconds", "Start time of the process since the Unix epoch, in seconds.",
                            [t = started] { return std::chrono::duration<double>(t.time_since_epoch()).count(); });
}

void ServerMetrics::request(std::string const& route, std::string const& method, int status, double seconds) {
    auto const m = method_label(method);
    std::string status_class = "0xx";
    if (status >= 100 && status < 600) status_class[0] = static_cast<char>('0' + status / 100);
    requests.with({route, m, status_class}).inc();
    request_duration.with({route, m}).observe(seconds);
}

}  // namespace server
