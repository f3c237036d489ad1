// What the admin listener's probes answer. Liveness: the event loop still runs (a timer on it beats every second).
// Readiness: a database connection of its own answers and the schema is at least the version this binary needs, checked
// every second on a thread of its own so that a probe never waits on the database; and never from the moment the
// server begins to stop, so that a load balancer drains it first.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <pqxx/connection>

namespace server {

class Health {
public:
    struct Answer {
        bool ok = false;
        std::string reason;  // one line: why not, or "ok"
    };

    /// Checks `database_url` once now (so readiness is known before the first probe) and then every `interval`.
    explicit Health(std::string database_url, std::chrono::milliseconds interval = std::chrono::seconds(1));
    ~Health();
    Health(Health const&) = delete;
    Health& operator=(Health const&) = delete;

    /// The event loop ran: called by a timer on it.
    void beat() noexcept;
    /// From SIGTERM on, the server is never ready again.
    void stopping() noexcept { stopping_ = true; }

    Answer live() const;
    Answer ready() const;

private:
    void run();
    void check();

    std::string url_;
    std::chrono::milliseconds interval_;
    std::atomic<bool> stopping_{false};
    std::atomic<std::int64_t> last_beat_;  // steady_clock ticks
    std::unique_ptr<pqxx::connection> connection_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool quit_ = false;
    Answer database_;
    std::chrono::steady_clock::time_point checked_;  // when the last check finished
    std::thread thread_;
};

/// `url` with connect_timeout=2 added unless it names one, so that a database that does not answer fails a check
/// in two seconds instead of the system's TCP timeout.
std::string with_connect_timeout(std::string const& url);

}  // namespace server
