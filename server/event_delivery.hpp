// Push delivery of change events (RFC 8935) inside `scimd serve`: a thread of its own with a database connection of
// its own. It locks one due stream at a time (FOR UPDATE SKIP LOCKED, so that instances sharing a database never
// deliver the same stream at once), POSTs its waiting SETs in order over one kept-alive connection, removes each one
// the receiver accepted, and on a failure backs the stream off exponentially with jitter (or as Retry-After says).
// A SET is removed only after its receiver accepted it, in the transaction that holds the stream: a crash at any
// point leaves it to be delivered again (at least once; receivers dedupe by jti).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "server/server_metrics.hpp"

namespace server {

struct EventDeliveryOptions {
    std::chrono::milliseconds idle_interval{250};  // how often an idle worker looks for due streams
    std::chrono::seconds http_timeout{10};         // to connect, send a SET and read the answer
    int batch = 200;                               // SETs delivered under one lock of a stream
    // After a batch smaller than `batch`, the worker waits this long for more SETs to gather: fewer, larger
    // transactions cost the database less for each SET, for this much more lag.
    std::chrono::milliseconds linger{100};
    std::chrono::milliseconds max_backoff{std::chrono::minutes(5)};
};

class EventDelivery {
public:
    /// Starts the worker. `issuer` is the SETs' iss: the server's public URL.
    EventDelivery(std::string database_url, std::string issuer, ServerMetrics& metrics, EventDeliveryOptions options);
    ~EventDelivery();
    EventDelivery(EventDelivery const&) = delete;
    EventDelivery& operator=(EventDelivery const&) = delete;

private:
    void run();
    int deliver_one_stream();  // SETs it handled; -1 when no stream was due

    std::string url_;
    std::string issuer_;
    ServerMetrics& metrics_;
    EventDeliveryOptions options_;
    struct Worker;  // the worker thread's connection, signer and TLS context
    std::unique_ptr<Worker> worker_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool quit_ = false;
    std::thread thread_;
};

/// The delay before the next attempt after `attempts` failures in a row: 1 s doubling up to `max`, with jitter (a
/// random point in its upper half), so that many streams failing at once do not retry in step.
std::chrono::milliseconds retry_delay(int attempts, std::chrono::milliseconds max);

}  // namespace server
