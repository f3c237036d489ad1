// Remembered page ends: a map per query, the queries in least-recently-used order.
#include "server/page_positions.hpp"

namespace server {

std::optional<PagePositions::Start> PagePositions::start(std::string const& query, std::int64_t offset,
                                                         Clock::time_point now) {
    if (offset <= 0) return std::nullopt;
    std::lock_guard lock(mutex_);
    auto const found = queries_.find(query);
    if (found == queries_.end()) return std::nullopt;
    auto& positions = found->second.positions;
    // The nearest position at or before `offset` that is still fresh.
    auto it = positions.upper_bound(offset);
    while (it != positions.begin()) {
        --it;
        if (now - it->second.at <= lifetime_) {
            it->second.at = now;
            recency_.splice(recency_.begin(), recency_, found->second.recency);
            return Start{it->second.key, offset - it->first};
        }
    }
    return std::nullopt;
}

void PagePositions::remember(std::string const& query, std::int64_t offset, storage::Keyset key,
                             Clock::time_point now) {
    if (offset <= 0 || max_queries_ == 0 || positions_per_query_ == 0) return;
    std::lock_guard lock(mutex_);
    auto found = queries_.find(query);
    if (found == queries_.end()) {
        if (queries_.size() >= max_queries_) {
            queries_.erase(recency_.back());
            recency_.pop_back();
        }
        recency_.push_front(query);
        found = queries_.emplace(query, Query{{}, recency_.begin()}).first;
    } else {
        recency_.splice(recency_.begin(), recency_, found->second.recency);
    }
    auto& positions = found->second.positions;
    positions.insert_or_assign(offset, Position{std::move(key), now});
    // Over the limit: drop the stalest position (a walk only ever needs its latest).
    while (positions.size() > positions_per_query_) {
        auto stalest = positions.begin();
        for (auto it = positions.begin(); it != positions.end(); ++it)
            if (it->second.at < stalest->second.at) stalest = it;
        positions.erase(stalest);
    }
}

std::size_t PagePositions::size() const {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (auto const& [query, entry] : queries_) n += entry.positions.size();
    return n;
}

}  // namespace server
