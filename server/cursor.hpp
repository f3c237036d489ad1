// Pagination cursors (RFC 9865): opaque, signed, bound to their tenant and query, and expiring.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "storage/resource_query.hpp"

namespace server {

/// Where a cursor continues: after a row (next page) or before it (previous page).
struct CursorPosition {
    storage::Keyset key;
    bool before = false;
};

class CursorCodec {
public:
    CursorCodec(std::string secret, std::chrono::seconds lifetime) : secret_(std::move(secret)), lifetime_(lifetime) {}

    /// A cursor for `position`, valid for `lifetime` from `now`, only for the query described by `binding`
    /// (tenant, resource type, filter and sort).
    std::string encode(CursorPosition const& position, std::string const& binding,
                       std::chrono::system_clock::time_point now) const;

    /// @throws scim::Error invalidCursor when the cursor was altered, was made by another installation or belongs
    /// to another query or tenant; expiredCursor when it is older than its lifetime.
    CursorPosition decode(std::string_view cursor, std::string const& binding,
                          std::chrono::system_clock::time_point now) const;

    std::chrono::seconds lifetime() const { return lifetime_; }

private:
    std::string secret_;
    std::chrono::seconds lifetime_;
};

}  // namespace server
