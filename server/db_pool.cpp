// Connection lending for the database workers.
#include "server/db_pool.hpp"

#include <pqxx/except>

#include "scim/error.hpp"
#include "server/log.hpp"
#include "storage/database.hpp"

namespace server {

DbPool::DbPool(std::string url, std::size_t size) : url_(std::move(url)), threads_(size) {
    for (std::size_t i = 0; i < size; ++i) idle_.push_back(storage::connect(url_));
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
        return storage::connect(url_);  // this slot's connection was lost: open a new one
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

void DbPool::fail_unavailable(std::exception const& e) {
    log_line("database error: " + std::string(e.what()));
    throw scim::Error::unavailable("the database is unavailable; try again shortly");
}

DbPool::Lease::Lease(DbPool& pool) : pool_(pool) {
    try {
        connection_ = pool_.acquire();
    } catch (storage::DatabaseUnavailable const& e) {
        pool_.fail_unavailable(e);
    }
}

DbPool::Lease::~Lease() { pool_.release(std::move(connection_)); }

}  // namespace server
