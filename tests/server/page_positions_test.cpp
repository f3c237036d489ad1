#include "server/page_positions.hpp"

#include <doctest/doctest.h>

namespace {

using namespace std::chrono_literals;
using Clock = server::PagePositions::Clock;
auto const t0 = Clock::time_point(1000s);

storage::Keyset row(std::string id) { return {std::string("k-") + id, std::move(id)}; }

}  // namespace

TEST_CASE("the page after a remembered one starts after its last row") {
    server::PagePositions positions(16, 4, 60s);
    CHECK_FALSE(positions.start("q", 100, t0).has_value());  // nothing served yet: an OFFSET
    positions.remember("q", 100, row("r100"), t0);
    auto const next = positions.start("q", 100, t0 + 1s);
    REQUIRE(next.has_value());
    CHECK(next->after.id == "r100");
    CHECK(next->offset == 0);
    // Further on: from the nearest position before it, skipping the difference.
    auto const later = positions.start("q", 250, t0 + 1s);
    REQUIRE(later.has_value());
    CHECK(later->after.id == "r100");
    CHECK(later->offset == 150);
    // Before every remembered position, or at the very start: an OFFSET.
    CHECK_FALSE(positions.start("q", 50, t0).has_value());
    CHECK_FALSE(positions.start("q", 0, t0).has_value());
}

TEST_CASE("page positions belong to their query and expire") {
    server::PagePositions positions(16, 4, 60s);
    positions.remember("tenant-a\nUser", 100, row("a"), t0);
    CHECK_FALSE(positions.start("tenant-b\nUser", 100, t0).has_value());
    CHECK_FALSE(positions.start("tenant-a\nGroup", 100, t0).has_value());
    CHECK(positions.start("tenant-a\nUser", 100, t0 + 59s).has_value());
    CHECK_FALSE(positions.start("tenant-a\nUser", 100, t0 + 59s + 61s).has_value());
}

TEST_CASE("page positions stay within their limits, keeping what walks use") {
    server::PagePositions positions(2, 3, 600s);
    for (int page = 1; page <= 10; ++page)
        positions.remember("walk", page * 100, row(std::to_string(page)), t0 + page * 1s);
    CHECK(positions.size() == 3);
    auto const next = positions.start("walk", 1000, t0 + 20s);
    REQUIRE(next.has_value());
    CHECK(next->after.id == "10");  // the latest page is kept
    positions.remember("other", 100, row("o"), t0 + 21s);
    positions.remember("third", 100, row("t"), t0 + 22s);  // evicts the least recently used query: "walk"
    CHECK_FALSE(positions.start("walk", 1000, t0 + 23s).has_value());
    CHECK(positions.start("other", 100, t0 + 23s).has_value());
    CHECK(positions.start("third", 100, t0 + 23s).has_value());
}
