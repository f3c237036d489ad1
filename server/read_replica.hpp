// Reads from a PostgreSQL streaming replica (--read-database-url), when that cannot show a client less than it wrote.
// A read goes to the replica only when all of these hold; otherwise to the primary:
//  - the request is not conditional (If-Match, If-None-Match): a version check must see the newest version;
//  - its token did not write through this instance within the read-your-writes window;
//  - the replica's last check, at most a few check intervals ago, found it had replayed everything the primary had
//    written by the check before: so it is never more than about two intervals behind.
// A replica that cannot be reached sends reads to the primary until a check finds it again.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include <pqxx/connection>

#include "server/db_pool.hpp"
#include "server/server_metrics.hpp"

namespace server {

struct ReadReplicaOptions {
    std::string primary_url;
    std::string replica_url;
    std::size_t connections = 4;
    std::chrono::milliseconds statement_timeout{30000};
    std::chrono::milliseconds read_your_writes_window{5000};
    std::chrono::milliseconds check_interval{500};
    std::size_t max_tracked_writers = 100000;  // beyond, every read goes to the primary for one window
};

class ReadReplica {
public:
    using Clock = std::chrono::steady_clock;

    /// Checks the replica once now and then every check interval, on a thread of its own. Opens no connection of
    /// the pool until a read needs it: scimd starts and serves while the replica is away.
    ReadReplica(ReadReplicaOptions options, ServerMetrics& metrics);
    ~ReadReplica();
    ReadReplica(ReadReplica const&) = delete;
    ReadReplica& operator=(ReadReplica const&) = delete;

    /// Whether a read by `token_id` goes to the replica (counted by outcome).
    bool serves(std::string const& token_id, bool conditional, Clock::time_point now);
    /// `token_id` writes now: its reads go to the primary for the read-your-writes window.
    void wrote(std::string const& token_id, Clock::time_point now);
    /// A read found the replica unreachable: reads go to the primary until a check finds it again.
    void failed();

    DbPool& pool() { return pool_; }
    bool usable() const;

private:
    void run();
    void check();

    ReadReplicaOptions options_;
    ServerMetrics& metrics_;
    DbPool pool_;

    std::mutex writers_mutex_;
    std::unordered_map<std::string, Clock::time_point> writers_;  // token -> its last write
    Clock::time_point all_to_primary_until_{};                    // set when writers_ overflowed

    // The watcher's state: its own connections, and what its last check found.
    std::unique_ptr<pqxx::connection> primary_;
    std::unique_ptr<pqxx::connection> replica_;
    std::optional<std::string> previous_primary_lsn_;
    std::atomic<bool> caught_up_{false};
    std::atomic<std::int64_t> checked_at_{0};  // Clock ticks of the last check that found the replica caught up

    std::mutex mutex_;
    std::condition_variable wake_;
    bool quit_ = false;
    std::thread thread_;
};

}  // namespace server
