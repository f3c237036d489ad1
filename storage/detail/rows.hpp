// Pieces of SQL and row decoding shared by the resource repositories.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <pqxx/row>

#include "storage/stored_resource.hpp"

namespace storage::detail {

/// The SQL of a timestamptz expression as text in RFC 3339 UTC with milliseconds, as format_timestamp() writes it:
/// "2026-11-21T10:00:00.123Z".
inline std::string rfc3339_sql(std::string const& expression) {
    return "to_char(" + expression + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
}

/// The columns every resource query selects, in the order resource_from() reads them.
inline std::string const resource_columns =
    "id, data::text, version, " + rfc3339_sql("created_at") + ", " + rfc3339_sql("modified_at");

StoredResource resource_from(pqxx::row const& row);

/// NULL for an empty or absent text, for parameters (libpqxx 6 binds a null char pointer as NULL).
inline char const* or_null(std::string const& s) { return s.empty() ? nullptr : s.c_str(); }
inline char const* or_null(std::optional<std::string> const& s) { return s ? s->c_str() : nullptr; }

/// `items` as the text of a JSON array of strings: how a list travels as one parameter, read back in SQL with
/// jsonb_array_elements_text($n::jsonb).
std::string json_text_array(std::vector<std::string> const& items);

/// The strings of a JSON array's text (a column built with json_agg); other values are skipped.
std::vector<std::string> strings_of_json_array(char const* text);

}  // namespace storage::detail
