// Push delivery of change events (RFC 8935) inside `scimd serve`: a thread of its own with one event loop and one
// database connection. Every round it picks due streams and delivers each in a turn of its own, many at once, so that
// one tenant's slow or unreachable receiver never holds up another's:
// - a stream is delivered by one instance at a time: its turn holds the stream's delivery lock, a session-level
//   advisory lock on the worker's connection, and no transaction stays open while SETs are sent;
// - a turn sends up to `batch` SETs in order over one kept-alive connection and ends after `turn` wall time (then the
//   stream goes back to the queue with what is left);
// - at most `concurrency` turns run at once, at most `per_tenant` of them for one tenant, and streams that are failing
//   (backing off) take at most half of them: healthy streams always find room;
// - a failed stream backs off exponentially with jitter (or as Retry-After says), costing the others nothing.
// A SET is removed only after its receiver accepted it: a crash at any point leaves it to be delivered again (at least
// once; receivers dedupe by jti), and the crash frees the stream's lock with the connection.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "server/egress_policy.hpp"
#include "server/server_metrics.hpp"

namespace server {

struct EventDeliveryOptions {
    std::chrono::milliseconds idle_interval{250};  // how often an idle worker looks for due streams
    std::chrono::seconds http_timeout{10};         // to connect, send a SET and read the answer
    int batch = 200;                               // SETs one turn of a stream delivers at most
    std::chrono::milliseconds turn{2000};          // after this, a turn starts no further SET
    // While turns are running the worker looks for due streams this often: short enough for little lag, long enough
    // that SETs written meanwhile gather into fewer, larger turns.
    std::chrono::milliseconds linger{100};
    std::chrono::milliseconds max_backoff{std::chrono::minutes(5)};
    int concurrency = 64;  // turns running at once
    int per_tenant = 4;    // turns of one tenant's streams running at once
};

class EventDelivery {
public:
    /// Starts the worker. `issuer` is the SETs' iss: the server's public URL.
    /// Receivers are reached only at addresses `egress` permits.
    EventDelivery(std::string database_url, std::string issuer, ServerMetrics& metrics, EventDeliveryOptions options,
                  EgressPolicy egress);
    /// Ends the running turns (what their receivers accepted is recorded; the rest stays for later) and the worker.
    ~EventDelivery();
    EventDelivery(EventDelivery const&) = delete;
    EventDelivery& operator=(EventDelivery const&) = delete;

private:
    struct Worker;
    std::unique_ptr<Worker> worker_;
    std::thread thread_;
};

/// The delay before the next attempt after `attempts` failures in a row: 1 s doubling up to `max`, with jitter (a
/// random point in its upper half), so that many streams failing at once do not retry in step.
std::chrono::milliseconds retry_delay(int attempts, std::chrono::milliseconds max);

}  // namespace server
