// Token buckets by key (a tenant, a token, a source address), per instance: each bucket holds up to `burst`
// requests and refills at `per_second`. N instances behind a balancer each allow the full rate (docs/operations).
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace server {

struct RateLimit {
    double per_second = 0;  // 0: unlimited
    double burst = 0;       // requests that may come at once

    bool enabled() const noexcept { return per_second > 0; }
};

class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;

    /// Buckets beyond this many make a sweep drop the full ones, whose keys were idle long enough to refill.
    explicit RateLimiter(std::size_t max_keys = 100000) : max_keys_(max_keys) {}

    /// Takes one request from the bucket of `key`. Returns 0 when it may go on, else the seconds until the bucket
    /// holds a request again (at least 1, for Retry-After). An unlimited `limit` always returns 0.
    int take(std::string const& key, RateLimit limit, Clock::time_point now);

    /// Whether the bucket of `key` holds a request now, without taking it; 0 when it does, else seconds to wait.
    int wait(std::string const& key, RateLimit limit, Clock::time_point now);

private:
    struct Bucket {
        double tokens = 0;
        Clock::time_point updated;
    };

    Bucket& refilled(std::string const& key, RateLimit limit, Clock::time_point now);
    static int seconds_until_one(Bucket const& b, RateLimit limit);
    void sweep(Clock::time_point now, RateLimit limit);

    std::mutex mutex_;
    std::unordered_map<std::string, Bucket> buckets_;
    std::size_t max_keys_;
};

}  // namespace server
