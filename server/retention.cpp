// Deleting expired change records.
#include "server/retention.hpp"

#include <pqxx/pqxx>

#include "server/log.hpp"
#include "storage/audit_events.hpp"
#include "storage/database.hpp"
#include "storage/oauth_repository.hpp"

namespace server {

namespace {

constexpr int batch = 5000;

}  // namespace

AuditRetention::AuditRetention(std::string database_url, std::chrono::seconds interval)
    : url_(std::move(database_url)), interval_(interval) {
    thread_ = std::thread([this] { run(); });
}

AuditRetention::~AuditRetention() {
    {
        std::lock_guard lock(mutex_);
        quit_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void AuditRetention::run() {
    std::unique_lock lock(mutex_);
    do {
        lock.unlock();
        try {
            auto connection = storage::connect(url_);
            std::int64_t total = 0;
            for (std::int64_t deleted = batch; deleted == batch;) {
                pqxx::work tx(*connection);
                deleted = storage::delete_expired_changes(tx, batch);
                tx.commit();
                total += deleted;
                std::lock_guard check(mutex_);
                if (quit_) break;
            }
            if (total > 0)
                log_line("audit retention: deleted " + std::to_string(total) +
                         " change record(s) older than their tenant's audit-retention-days");
            // Client assertions are remembered until they expire, for replay protection; then they are forgotten.
            pqxx::work tx(*connection);
            storage::OAuthRepository(tx).forget_expired_assertions();
            tx.commit();
        } catch (std::exception const& e) {
            log_line(std::string("audit retention: ") + e.what(), LogLevel::warning);
        }
        lock.lock();
    } while (!wake_.wait_for(lock, interval_, [&] { return quit_; }));
}

}  // namespace server
