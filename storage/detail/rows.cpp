// Shared row decoding and audit SQL.
#include "storage/detail/rows.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <pqxx/pqxx>

namespace storage::detail {

std::string json_text_array(std::vector<std::string> const& items) {
    boost::json::array a;
    for (auto const& s : items) a.emplace_back(s);
    return boost::json::serialize(a);
}

StoredResource resource_from(pqxx::row const& row) {
    auto data = boost::json::parse(row[1].c_str());
    return {row[0].as<std::string>(), std::move(data.as_object()), row[2].as<std::int64_t>(), row[3].as<std::string>(),
            row[4].as<std::string>()};
}

std::string audit_insert(std::string const& source, char const* resource_type, char const* operation,
                         std::string const& at, std::string const& token, std::string const& request,
                         char const* version_before, char const* version_after) {
    return "INSERT INTO audit_log (tenant_id, occurred_at, token_id, request_id, resource_type, resource_id, operation,"
           " version_before, version_after) SELECT $1, " + at + "::timestamptz, " + token + "::uuid, " + request +
           ", '" + resource_type + "', id, '" + operation + "', " + version_before + ", " + version_after + " FROM " +
           source;
}

}  // namespace storage::detail
