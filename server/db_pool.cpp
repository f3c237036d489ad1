// Connection lending for the database workers.
#include "server/db_pool.hpp"

#include <pqxx/except>

#include "scim/error.hpp"
#include "server/log.hpp"
#include "storage/database.hpp"

namespace server {

namespace {

std::unique_ptr<pqxx::connection> open(std::string const& url, std::chrono::milliseconds statement_timeout) {
    auto connection = storage::connect(url);
    if (statement_timeout.count() > 0)
        connection->set_variable("statement_timeout", std::to_string(statement_timeout.count()));
    return connection;
}

}  // namespace

DbPool::DbPool(std::string url, std::size_t size, std::chrono::milliseconds statement_timeout, ServerMetrics& metrics,
               std::string name, bool connect_now)
    : url_(std::move(url)),
      statement_timeout_(statement_timeout),
      metrics_(metrics),
      name_(std::move(name)),
      in_use_(metrics.db_pool_in_use.with({name_})),
      wait_metric_(metrics.db_pool_wait.with({name_})),
      retries_(metrics.db_retries.with({name_})),
      threads_(size) {
    // A null slot is opened by the first acquire that finds it.
    for (std::size_t i = 0; i < size; ++i) idle_.push_back(connect_now ? open(url_, statement_timeout_) : nullptr);
    metrics_.db_pool_size.with({name_}).set(static_cast<double>(size));
    in_use_.set(0);
}

DbPool::~DbPool() { stop(); }

void DbPool::stop() { threads_.join(); }

std::unique_ptr<pqxx::connection> DbPool::acquire() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return !idle_.empty(); });
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    lock.unlock();
    if (connection) return connection;
    try {
        return open(url_, statement_timeout_);  // this slot's connection was lost: open a new one
    } catch (...) {
        release(nullptr);
        throw;
    }
}

void DbPool::release(std::unique_ptr<pqxx::connection> connection) {
    {
        std::lock_guard lock(mutex_);
        idle_.push_back(std::move(connection));  // a null slot is reopened by the next acquire
    }
    available_.notify_one();
}

void DbPool::cancel_all() {
    cancelled_ = true;
    std::lock_guard lock(mutex_);
    for (auto* connection : busy_) {
        try {
            connection->cancel_query();
        } catch (std::exception const& e) {
            log_line(std::string("could not cancel a statement: ") + e.what(), LogLevel::warning);
        }
    }
}

void DbPool::timed_out(std::exception const&) {
    metrics_.db_errors.with({name_, "timeout"}).inc();
    if (cancelled_) throw scim::Error::unavailable("the server is stopping; the request was not carried out");
    throw scim::Error::unavailable("the request needed more than the database time limit of " +
                                   std::to_string(statement_timeout_.count() / 1000) +
                                   " s; nothing of it was stored. Send smaller requests, or retry later");
}

void DbPool::fail_unavailable(std::exception const& e) {
    metrics_.db_errors
        .with({name_, dynamic_cast<pqxx::transaction_rollback const*>(&e) ? "serialization" : "unavailable"})
        .inc();
    log_line("database error (" + name_ + "): " + std::string(e.what()), LogLevel::error);
    throw DatabaseUnreachable(scim::Error::unavailable("the database is unavailable; try again shortly"));
}

DbPool::Lease::Lease(DbPool& pool) : pool_(pool) {
    try {
        connection_ = pool_.acquire();
    } catch (storage::DatabaseUnavailable const& e) {
        pool_.fail_unavailable(e);
    }
    raw_ = connection_.get();
    std::lock_guard lock(pool_.mutex_);
    pool_.busy_.insert(raw_);
    pool_.in_use_.set(static_cast<double>(pool_.busy_.size()));
}

void DbPool::Lease::discard() {
    {
        std::lock_guard lock(pool_.mutex_);
        pool_.busy_.erase(raw_);
        pool_.in_use_.set(static_cast<double>(pool_.busy_.size()));
    }
    raw_ = nullptr;
    connection_.reset();
}

DbPool::Lease::~Lease() {
    if (raw_) {
        std::lock_guard lock(pool_.mutex_);
        pool_.busy_.erase(raw_);
        pool_.in_use_.set(static_cast<double>(pool_.busy_.size()));
    }
    pool_.release(std::move(connection_));
}

}  // namespace server
