// Read routing to a streaming replica, and the watcher that keeps its lag known.
#include "server/read_replica.hpp"

#include <pqxx/pqxx>

#include "server/health.hpp"
#include "server/log.hpp"
#include "storage/database.hpp"

namespace server {

namespace {

std::int64_t ticks(ReadReplica::Clock::time_point t) { return t.time_since_epoch().count(); }

std::unique_ptr<pqxx::connection> open_watcher(std::string const& url) {
    auto connection = storage::connect(with_connect_timeout(url));
    connection->set_variable("statement_timeout", "2000");
    return connection;
}

std::string system_identifier(pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    return tx.exec1("SELECT system_identifier::text FROM pg_control_system()")[0].as<std::string>();
}

}  // namespace

ReadReplica::ReadReplica(ReadReplicaOptions options, ServerMetrics& metrics)
    : options_(std::move(options)),
      metrics_(metrics),
      pool_(with_connect_timeout(options_.replica_url), options_.connections, options_.statement_timeout, metrics,
            "replica", false) {
    check();
    thread_ = std::thread([this] { run(); });
}

ReadReplica::~ReadReplica() {
    {
        std::lock_guard lock(mutex_);
        quit_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

bool ReadReplica::usable() const {
    // A check that has not come back for a few intervals (a stalled server) says nothing about now.
    auto const last = Clock::time_point(Clock::duration(checked_at_.load()));
    return caught_up_ && Clock::now() - last < 4 * options_.check_interval;
}

bool ReadReplica::serves(std::string const& token_id, bool conditional, Clock::time_point now) {
    auto const outcome = [&]() -> char const* {
        if (conditional) return "conditional";
        {
            std::lock_guard lock(writers_mutex_);
            if (now < all_to_primary_until_) return "recent_write";
            if (auto const it = writers_.find(token_id);
                it != writers_.end() && now - it->second < options_.read_your_writes_window)
                return "recent_write";
        }
        if (!usable()) return "behind";
        return "replica";
    }();
    metrics_.replica_reads.with({outcome}).inc();
    return std::string_view(outcome) == "replica";
}

void ReadReplica::wrote(std::string const& token_id, Clock::time_point now) {
    std::lock_guard lock(writers_mutex_);
    if (writers_.size() >= options_.max_tracked_writers && !writers_.contains(token_id)) {
        std::erase_if(writers_,
                      [&](auto const& entry) { return now - entry.second >= options_.read_your_writes_window; });
        if (writers_.size() >= options_.max_tracked_writers) {
            // Too many writers to remember each: nobody reads from the replica until they are all forgotten.
            writers_.clear();
            all_to_primary_until_ = now + options_.read_your_writes_window;
            return;
        }
    }
    writers_[token_id] = now;
}

void ReadReplica::failed() {
    caught_up_ = false;
    metrics_.replica_usable.set(0);
}

void ReadReplica::run() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, options_.check_interval, [&] { return quit_; })) {
        lock.unlock();
        check();
        lock.lock();
    }
}

void ReadReplica::check() {
    bool caught_up = false;
    try {
        if (!primary_ || !primary_->is_open() || !replica_ || !replica_->is_open()) {
            previous_primary_lsn_.reset();
            primary_ = open_watcher(options_.primary_url);
            replica_ = open_watcher(options_.replica_url);
            // A replica of another cluster (a wrong URL, an old primary that was not rebuilt) is never read.
            if (system_identifier(*primary_) != system_identifier(*replica_)) {
                log_line("--read-database-url is not a replica of the primary's cluster; reads go to the primary",
                         LogLevel::error);
                replica_.reset();
                throw std::runtime_error("not a replica of the primary");
            }
        }
        std::string primary_lsn;
        {
            pqxx::nontransaction tx(*primary_);
            primary_lsn = tx.exec1("SELECT pg_current_wal_lsn()::text")[0].as<std::string>();
        }
        pqxx::nontransaction tx(*replica_);
        // Bytes the replica has still to replay of what the primary had written at the previous check and now.
        auto const row = tx.exec_params1(
            "SELECT pg_is_in_recovery(), pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn()),"
            " pg_wal_lsn_diff($2::pg_lsn, pg_last_wal_replay_lsn())",
            previous_primary_lsn_.value_or(primary_lsn), primary_lsn);
        auto const in_recovery = row[0].as<bool>();
        if (!in_recovery) {
            caught_up = true;  // promoted, or the primary itself: as current as the primary
            metrics_.replica_lag_bytes.set(0);
        } else if (!row[1].is_null()) {
            caught_up = previous_primary_lsn_ && row[1].as<double>() <= 0;
            metrics_.replica_lag_bytes.set(std::max(0.0, row[2].as<double>()));
        }
        previous_primary_lsn_ = primary_lsn;
    } catch (std::exception const&) {
        primary_.reset();
        replica_.reset();
    }
    caught_up_ = caught_up;
    if (caught_up) checked_at_ = ticks(Clock::now());
    metrics_.replica_usable.set(caught_up ? 1 : 0);
}

}  // namespace server
