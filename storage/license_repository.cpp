// Licence pool rows: capacity set by admins, seats counted by the database.
#include "storage/license_repository.hpp"

#include <pqxx/pqxx>

#include "scim/error.hpp"
#include "storage/detail/rows.hpp"
#include "storage/detail/statements.hpp"

namespace storage {
namespace {

std::string const pool_columns =
    "license_type, capacity, used, " + detail::rfc3339_sql("created_at") + ", " + detail::rfc3339_sql("modified_at");

LicensePool pool_from(pqxx::row const& row) {
    return {row[0].as<std::string>(), row[1].as<int>(), row[2].as<int>(), row[3].as<std::string>(),
            row[4].as<std::string>()};
}

}  // namespace

LicensePool LicenseRepository::set(std::string const& type, int capacity) {
    if (type.find_first_not_of(" \t") == std::string::npos)
        throw scim::Error::invalid_value("a licence type must not be blank");
    if (capacity < 0) throw scim::Error::invalid_value("a capacity cannot be negative");
    auto const before = find(type);
    if (before && before->assigned > capacity)
        throw scim::Error::conflict("licence pool \"" + type + "\" has " + std::to_string(before->assigned) +
                                    " seats assigned; its capacity cannot go below that");
    try {
        // A new capacity is a new version of the pool's resource; setting the same one changes nothing.
        auto const operation = before ? ChangeOperation::replace : ChangeOperation::create;
        std::vector<std::string> const changed =
            before ? std::vector<std::string>{"available", "capacity"}
                   : std::vector<std::string>{"assigned", "available", "capacity", "licenseType"};
        if (before && before->capacity == capacity) return *before;
        return pool_from(detail::exec_sql1(
            tx_,
            "WITH p AS (INSERT INTO license_pools AS p (tenant_id, license_type, capacity, created_at, modified_at)"
            "  VALUES ($1, $2, $3, $4::timestamptz, $4::timestamptz)"
            "  ON CONFLICT (tenant_id, license_type) DO UPDATE SET capacity = excluded.capacity, version = p.version + "
            "1,"
            "                                                     modified_at = excluded.modified_at"
            "  RETURNING *),"
            " c AS (" +
                detail::change_insert("p", scim::ResourceKind::license, operation, "$5", "s.license_type") +
                ") "
                "SELECT " +
                std::string(pool_columns) + " FROM p",
            tenant_id_, type, capacity, format_timestamp(context_.now), change_context_json(context_, changed)));
    } catch (pqxx::check_violation const&) {  // a seat was assigned since the check above
        throw scim::Error::conflict("licence pool \"" + type + "\" has more seats assigned than " +
                                    std::to_string(capacity) + "; its capacity cannot go below that");
    }
}

std::optional<LicensePool> LicenseRepository::find(std::string const& type) {
    auto const r = detail::exec_sql(
        tx_, "SELECT " + std::string(pool_columns) + " FROM license_pools WHERE tenant_id = $1 AND license_type = $2",
        tenant_id_, type);
    if (r.empty()) return std::nullopt;
    return pool_from(r[0]);
}

std::vector<LicensePool> LicenseRepository::list() {
    std::vector<LicensePool> out;
    for (auto const& row : detail::exec_sql(
             tx_,
             "SELECT " + std::string(pool_columns) + " FROM license_pools WHERE tenant_id = $1 ORDER BY license_type",
             tenant_id_))
        out.push_back(pool_from(row));
    return out;
}

std::optional<StoredResource> LicenseRepository::find_resource(std::string_view type) {
    auto const r = detail::exec_sql(tx_,
                                    "SELECT " + std::string(detail::resource_columns) +
                                        " FROM license_pools WHERE tenant_id = $1 AND license_type = $2",
                                    tenant_id_, std::string(type));
    if (r.empty()) return std::nullopt;
    return detail::resource_from(r[0]);
}

}  // namespace storage
