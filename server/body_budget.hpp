// The request body bytes all connections may hold in memory at once: a flood of large uploads waits for its turn
// (503 with Retry-After) instead of growing the process until it is killed.
#pragma once

#include <atomic>
#include <cstddef>

namespace server {

class BodyBudget {
public:
    explicit BodyBudget(std::size_t max_bytes) : max_(max_bytes) {}

    /// Reserves `bytes`; false when that would go over the budget (nothing is reserved then).
    bool reserve(std::size_t bytes) noexcept {
        auto used = used_.load();
        do {
            if (bytes > max_ || used > max_ - bytes) return false;
        } while (!used_.compare_exchange_weak(used, used + bytes));
        return true;
    }

    void release(std::size_t bytes) noexcept { used_.fetch_sub(bytes); }

    std::size_t used() const noexcept { return used_.load(); }

private:
    std::size_t max_;
    std::atomic<std::size_t> used_{0};
};

/// Holds a reservation until it goes out of scope.
class BodyReservation {
public:
    BodyReservation() = default;
    BodyReservation(BodyBudget& budget, std::size_t bytes) : budget_(&budget), bytes_(bytes) {}
    BodyReservation(BodyReservation&& other) noexcept : budget_(other.budget_), bytes_(other.bytes_) {
        other.budget_ = nullptr;
    }
    BodyReservation& operator=(BodyReservation&& other) noexcept {
        if (this != &other) {
            reset();
            budget_ = other.budget_;
            bytes_ = other.bytes_;
            other.budget_ = nullptr;
        }
        return *this;
    }
    ~BodyReservation() { reset(); }

    void reset() noexcept {
        if (budget_) budget_->release(bytes_);
        budget_ = nullptr;
    }

private:
    BodyBudget* budget_ = nullptr;
    std::size_t bytes_ = 0;
};

}  // namespace server
