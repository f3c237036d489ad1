// The database workers: N threads, each using one of N PostgreSQL connections, so blocking libpqxx calls never
// run on an I/O thread. A request coroutine awaits its transaction's result.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <pqxx/transaction>

#include "scim/error.hpp"
#include "server/server_metrics.hpp"

namespace server {

namespace net = boost::asio;

/// Runs `f()` on `pool` and resumes the awaiting coroutine on its own executor with the result (or exception).
/// `f` is used by reference: the awaiting caller keeps it alive. (Passing callables by value into coroutines
/// also trips GCC 12, which destroys such coroutine arguments twice.)
template <class F>
auto run_on(net::thread_pool& pool, F& f) -> net::awaitable<std::invoke_result_t<F&>> {
    using Result = std::invoke_result_t<F&>;
    auto* job = &f;
    co_return co_await net::co_spawn(
        pool.get_executor(), [job]() -> net::awaitable<Result> { co_return (*job)(); }, net::use_awaitable);
}

/// The database could not be reached (or kept failing): a 503 for the client, and for a read on a replica the sign to
/// read from the primary instead.
class DatabaseUnreachable : public scim::Error {
public:
    explicit DatabaseUnreachable(scim::Error error) : scim::Error(std::move(error)) {}
};

class DbPool {
public:
    /// Opens `size` connections to `url`, each with PostgreSQL's statement_timeout set to `statement_timeout` (0:
    /// none), so that no request holds the database for longer: now, or when `connect_now` is false, as they are
    /// first needed. Its waits, retries and failures are counted in `metrics` under `name` (the pool label).
    /// @throws storage::DatabaseUnavailable.
    DbPool(std::string url, std::size_t size, std::chrono::milliseconds statement_timeout, ServerMetrics& metrics,
           std::string name = "primary", bool connect_now = true);
    ~DbPool();

    /// Runs `f(pqxx::work&)` in one transaction on a database worker and commits it. Serialization failures and
    /// deadlocks are retried; a lost connection is reopened and the transaction retried once.
    /// @throws whatever `f` throws (scim::Error passes through), or scim::Error 503 when the database is gone.
    template <class F>
    auto run(F const& f) -> net::awaitable<std::invoke_result_t<F const&, pqxx::work&>> {
        auto job = [this, &f, queued = std::chrono::steady_clock::now()] {
            waited(queued);
            return execute<pqxx::work>(f);
        };
        co_return co_await run_on(threads_, job);
    }

    /// Runs `f(pqxx::transaction_base&)` for a read without BEGIN and COMMIT: each statement sees the data as of
    /// its own start, and a read of one statement costs one round trip. Retried like run().
    template <class F>
    auto read(F const& f) -> net::awaitable<std::invoke_result_t<F const&, pqxx::nontransaction&>> {
        auto job = [this, &f, queued = std::chrono::steady_clock::now()] {
            waited(queued);
            return execute<pqxx::nontransaction>(f);
        };
        co_return co_await run_on(threads_, job);
    }

    /// Waits for running work to finish and stops the workers.
    void stop();

    /// Cancels the statement every busy connection is running (PQcancel) and makes every transaction that has not
    /// committed yet roll back instead: what a shutdown does at its deadline, so that no request commits after
    /// its client was left without an answer.
    void cancel_all();

private:
    std::unique_ptr<pqxx::connection> acquire();
    void release(std::unique_ptr<pqxx::connection> connection);
    [[noreturn]] void fail_unavailable(std::exception const& e);
    [[noreturn]] void timed_out(std::exception const& e);
    void waited(std::chrono::steady_clock::time_point queued) {
        wait_metric_.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - queued).count());
    }

    template <class Tx>
    void commit(Tx& tx) {
        if (cancelled_) throw scim::Error::unavailable("the server is stopping; the request was not carried out");
        tx.commit();
    }

    template <class Tx, class F>
    auto execute(F const& f) -> std::invoke_result_t<F const&, Tx&> {
        for (int attempt = 1;; ++attempt) {
            Lease lease(*this);
            try {
                Tx tx(lease.connection());
                if constexpr (std::is_void_v<std::invoke_result_t<F const&, Tx&>>) {
                    f(tx);
                    commit(tx);
                    return;
                } else {
                    auto result = f(tx);
                    commit(tx);
                    return result;
                }
            } catch (pqxx::transaction_rollback const& e) {  // serialization failure, deadlock
                if (attempt >= max_attempts) fail_unavailable(e);
                retries_.inc();
            } catch (pqxx::broken_connection const& e) {
                lease.discard();
                if (attempt >= 2) fail_unavailable(e);
                retries_.inc();
            } catch (pqxx::in_doubt_error const& e) {
                lease.discard();
                fail_unavailable(e);
            } catch (pqxx::sql_error const& e) {
                if (e.sqlstate() == query_canceled_sqlstate) timed_out(e);
                throw;
            }
        }
    }

    // One connection, borrowed for one transaction; reopened when it was lost.
    class Lease {
    public:
        explicit Lease(DbPool& pool);
        ~Lease();
        Lease(Lease const&) = delete;
        Lease& operator=(Lease const&) = delete;
        pqxx::connection& connection() { return *connection_; }
        /// The connection was lost: close it; its slot is reopened by the next lease.
        void discard();

    private:
        DbPool& pool_;
        std::unique_ptr<pqxx::connection> connection_;
        pqxx::connection* raw_ = nullptr;  // the connection as registered in busy_
    };

    static constexpr int max_attempts = 4;
    // PostgreSQL's SQLSTATE for a statement cancelled by statement_timeout or PQcancel (libpqxx 6 has no class).
    static constexpr std::string_view query_canceled_sqlstate = "57014";
    std::string url_;
    std::chrono::milliseconds statement_timeout_;
    ServerMetrics& metrics_;
    std::string name_;
    metrics::Gauge& in_use_;
    metrics::Histogram& wait_metric_;
    metrics::Counter& retries_;
    std::atomic<bool> cancelled_{false};
    std::mutex mutex_;
    std::unordered_set<pqxx::connection*> busy_;  // lent out, for cancel_all
    std::condition_variable available_;
    std::vector<std::unique_ptr<pqxx::connection>> idle_;
    net::thread_pool threads_;
};

}  // namespace server
