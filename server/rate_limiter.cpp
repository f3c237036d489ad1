// Token bucket arithmetic.
#include "server/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace server {

RateLimiter::Bucket& RateLimiter::refilled(std::string const& key, RateLimit limit, Clock::time_point now) {
    auto [it, fresh] = buckets_.try_emplace(key, Bucket{limit.burst, now});
    auto& b = it->second;
    if (!fresh) {
        std::chrono::duration<double> const elapsed = now - b.updated;
        b.tokens = std::min(limit.burst, b.tokens + std::max(0.0, elapsed.count()) * limit.per_second);
        b.updated = now;
    }
    return b;
}

int RateLimiter::seconds_until_one(Bucket const& b, RateLimit limit) {
    return std::max(1, static_cast<int>(std::ceil((1.0 - b.tokens) / limit.per_second)));
}

void RateLimiter::sweep(Clock::time_point now, RateLimit limit) {
    if (buckets_.size() <= max_keys_) return;
    // A bucket that would be full again is the same as no bucket: forget it.
    std::erase_if(buckets_, [&](auto const& entry) {
        std::chrono::duration<double> const idle = now - entry.second.updated;
        return entry.second.tokens + idle.count() * limit.per_second >= limit.burst;
    });
    if (buckets_.size() > max_keys_) buckets_.clear();  // a flood of distinct keys: start over rather than grow
}

int RateLimiter::take(std::string const& key, RateLimit limit, Clock::time_point now) {
    if (!limit.enabled()) return 0;
    std::lock_guard lock(mutex_);
    sweep(now, limit);
    auto& b = refilled(key, limit, now);
    if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        return 0;
    }
    return seconds_until_one(b, limit);
}

int RateLimiter::wait(std::string const& key, RateLimit limit, Clock::time_point now) {
    if (!limit.enabled()) return 0;
    std::lock_guard lock(mutex_);
    auto const it = buckets_.find(key);
    if (it == buckets_.end()) return 0;
    auto& b = refilled(key, limit, now);
    return b.tokens >= 1.0 ? 0 : seconds_until_one(b, limit);
}

}  // namespace server
