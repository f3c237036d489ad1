// The audit retention of every tenant, enforced inside `scimd serve`: a thread of its own deletes change records older
// than their tenant's audit-retention-days, in batches of short transactions so that writers never wait long on it,
// and forgets OAuth client assertions that have expired.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace server {

class AuditRetention {
public:
    /// Runs a pass now and then every `interval`.
    AuditRetention(std::string database_url, std::chrono::seconds interval);
    ~AuditRetention();
    AuditRetention(AuditRetention const&) = delete;
    AuditRetention& operator=(AuditRetention const&) = delete;

private:
    void run();

    std::string url_;
    std::chrono::seconds interval_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool quit_ = false;
    std::thread thread_;
};

}  // namespace server
