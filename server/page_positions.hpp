// Where recent startIndex pages ended, so that the next page of a sequential walk is a keyset seek, not an OFFSET.
#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "storage/resource_query.hpp"

namespace server {

/// Okta and Entra import by startIndex (1, 101, 201, ...): with OFFSET the n-th page reads and discards every row
/// before it. After serving a page, the handler remembers the row it ended on under its query (tenant, resource
/// type, filter and sort); a later startIndex at or after that position starts from the row instead.
///
/// What it means for a client: a page that continues one served in the last `lifetime` starts right after that
/// page's last row, so a walk neither skips nor repeats rows when others are deleted or inserted before it (OFFSET
/// would skip one row per deletion). A startIndex with no recent page before it is an OFFSET, as always.
class PagePositions {
public:
    using Clock = std::chrono::steady_clock;

    PagePositions(std::size_t max_queries, std::size_t positions_per_query, Clock::duration lifetime)
        : max_queries_(max_queries), positions_per_query_(positions_per_query), lifetime_(lifetime) {}

    /// Where to start for `offset` (rows to skip): after a remembered row and then `offset` fewer rows to skip, or
    /// nullopt when no recent page of this query ended at or before `offset`.
    struct Start {
        storage::Keyset after;
        std::int64_t offset = 0;
    };
    std::optional<Start> start(std::string const& query, std::int64_t offset, Clock::time_point now);

    /// The row at `offset` rows into the order of `query` (0-based: the position after a page of n rows served
    /// at offset o is o + n, and its row is that page's last) is `key`.
    void remember(std::string const& query, std::int64_t offset, storage::Keyset key, Clock::time_point now);

    /// How many positions are remembered, over every query.
    std::size_t size() const;

private:
    struct Position {
        storage::Keyset key;
        Clock::time_point at;
    };
    struct Query {
        std::map<std::int64_t, Position> positions;
        std::list<std::string>::iterator recency;
    };

    std::size_t max_queries_;
    std::size_t positions_per_query_;
    Clock::duration lifetime_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Query> queries_;
    std::list<std::string> recency_;  // most recently used first
};

}  // namespace server
