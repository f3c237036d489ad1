// What storage returns for a resource, and the formats of what it stores.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "storage/change_log.hpp"

namespace storage {

/// A resource as stored: its client-owned attributes (scim::ResourceInput's canonical form) and what the
/// server owns of it.
struct StoredResource {
    std::string id;
    boost::json::object attributes;
    std::int64_t version = 1;
    std::string created;  // RFC 3339 UTC with milliseconds
    std::string last_modified;
    /// A user read with its groups (user_groups_sql): their JSON text, [[id, displayName, direct], ...] by
    /// displayName; nullopt when read without them.
    std::optional<std::string> user_groups;
};

/// `t` as RFC 3339 UTC with milliseconds: "2026-11-21T10:00:00.123Z".
std::string format_timestamp(std::chrono::system_clock::time_point t);

/// Whether `text` is a UUID in its canonical 8-4-4-4-12 hex form (any case).
bool is_uuid(std::string_view text) noexcept;

}  // namespace storage
