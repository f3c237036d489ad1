// Liveness and readiness.
#include "server/health.hpp"

#include <pqxx/pqxx>

#include "storage/database.hpp"
#include "storage/migrations.hpp"

namespace server {

namespace {

constexpr auto stuck_after = std::chrono::seconds(10);  // an event loop that has not run this long is not alive
constexpr auto stale_after = std::chrono::seconds(5);   // a check older than this says nothing about now

std::int64_t ticks(std::chrono::steady_clock::time_point t) { return t.time_since_epoch().count(); }

std::string first_line(std::string text) {
    if (auto const newline = text.find('\n'); newline != std::string::npos) text.resize(newline);
    return text;
}

}  // namespace

std::string with_connect_timeout(std::string const& url) {
    if (url.find("connect_timeout") != std::string::npos) return url;
    if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0)
        return url + (url.find('?') == std::string::npos ? "?" : "&") + "connect_timeout=2";
    return url + " connect_timeout=2";
}

Health::Health(std::string database_url, std::chrono::milliseconds interval)
    : url_(with_connect_timeout(database_url)),
      interval_(interval),
      last_beat_(ticks(std::chrono::steady_clock::now())) {
    check();
    thread_ = std::thread([this] { run(); });
}

Health::~Health() {
    {
        std::lock_guard lock(mutex_);
        quit_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void Health::beat() noexcept { last_beat_ = ticks(std::chrono::steady_clock::now()); }

Health::Answer Health::live() const {
    auto const since = std::chrono::steady_clock::now() -
                       std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(last_beat_.load()));
    if (since > stuck_after)
        return {false, "the event loop has not run for " +
                           std::to_string(std::chrono::duration_cast<std::chrono::seconds>(since).count()) + " s"};
    return {true, "ok"};
}

Health::Answer Health::ready() const {
    if (stopping_) return {false, "shutting down"};
    std::lock_guard lock(mutex_);
    auto const age = std::chrono::steady_clock::now() - checked_;
    if (age > stale_after)
        return {false, "the database check has not finished for " +
                           std::to_string(std::chrono::duration_cast<std::chrono::seconds>(age).count()) + " s"};
    return database_;
}

void Health::run() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, interval_, [&] { return quit_; })) {
        lock.unlock();
        check();
        lock.lock();
    }
}

void Health::check() {
    Answer answer;
    try {
        if (!connection_ || !connection_->is_open()) connection_ = storage::connect(url_);
        auto const status = storage::migration_status(*connection_);
        if (status.applied < status.latest)
            answer = {false, "the database schema is at version " + std::to_string(status.applied) +
                                 ", this scimd needs " + std::to_string(status.latest) + ": run 'scimd migrate'"};
        else if (status.applied > status.latest)
            // Migrations keep the previous release working, so a running instance stays in rotation while a rolling
            // upgrade replaces it; it would not start anew against this schema.
            answer = {true, "ok; the database schema is at version " + std::to_string(status.applied) +
                                ", newer than this scimd's " + std::to_string(status.latest) + ": upgrade scimd"};
        else
            answer = {true, "ok"};
    } catch (storage::DatabaseUnavailable const& e) {
        connection_.reset();
        answer = {false, first_line(e.what())};
    } catch (pqxx::broken_connection const&) {
        connection_.reset();  // reopened by the next check
        answer = {false, "the database connection was lost"};
    } catch (std::exception const& e) {
        connection_.reset();
        answer = {false, "the database does not answer: " + first_line(e.what())};
    }
    std::lock_guard lock(mutex_);
    database_ = std::move(answer);
    checked_ = std::chrono::steady_clock::now();
}

}  // namespace server
