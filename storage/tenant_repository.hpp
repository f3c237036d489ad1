// Tenants: the customers whose data scimd keeps apart.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <pqxx/transaction_base>

namespace storage {

struct Tenant {
    std::string id;  // uuid
    std::string name;
    std::string domain;
};

class TenantRepository {
public:
    explicit TenantRepository(pqxx::transaction_base& tx) : tx_(tx) {}

    /// Creates a tenant. Names are unique regardless of case.
    /// @throws scim::Error conflict when the name is taken, invalid_value when it is blank.
    Tenant create(std::string const& name, std::string const& domain);
    std::optional<Tenant> find_by_name(std::string const& name);
    std::vector<Tenant> list();

private:
    pqxx::transaction_base& tx_;
};

}  // namespace storage
