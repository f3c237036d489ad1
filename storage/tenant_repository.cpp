// Tenant rows.
#include "storage/tenant_repository.hpp"

#include <pqxx/pqxx>

#include "scim/error.hpp"

namespace storage {
namespace {

Tenant tenant_from(pqxx::row const& row) {
    return {row[0].as<std::string>(), row[1].as<std::string>(), row[2].is_null() ? "" : row[2].as<std::string>()};
}

}  // namespace

Tenant TenantRepository::create(std::string const& name, std::string const& domain) {
    try {
        auto const row = tx_.exec_params1(
            "INSERT INTO tenants (name, domain) VALUES ($1, $2) RETURNING id, name, domain", name,
            domain.empty() ? nullptr : domain.c_str());
        return tenant_from(row);
    } catch (pqxx::unique_violation const&) {
        throw scim::Error::conflict("a tenant named \"" + name + "\" exists already");
    } catch (pqxx::check_violation const&) {
        throw scim::Error::invalid_value("a tenant name must not be blank");
    }
}

std::optional<Tenant> TenantRepository::find_by_name(std::string const& name) {
    auto const r = tx_.exec_params("SELECT id, name, domain FROM tenants WHERE lower(name) = lower($1)", name);
    if (r.empty()) return std::nullopt;
    return tenant_from(r[0]);
}

std::vector<Tenant> TenantRepository::list() {
    std::vector<Tenant> out;
    for (auto const& row : tx_.exec("SELECT id, name, domain FROM tenants ORDER BY lower(name)")) out.push_back(tenant_from(row));
    return out;
}

}  // namespace storage
