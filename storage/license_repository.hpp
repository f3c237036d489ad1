// Licence pools of one tenant: how many seats of each licence type it owns and how many are assigned.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <pqxx/transaction_base>

#include "storage/stored_resource.hpp"

namespace storage {

struct LicensePool {
    std::string type;  // e.g. "X4"
    int capacity = 0;
    int assigned = 0;
    std::string created;  // RFC 3339
    std::string last_modified;
};

class LicenseRepository {
public:
    /// Works in `tx` on the pools of `context.tenant_id`; every write appends its change record.
    LicenseRepository(pqxx::transaction_base& tx, ChangeContext context)
        : tx_(tx), context_(std::move(context)), tenant_id_(context_.tenant_id) {}

    /// Creates the pool or changes its capacity.
    /// @throws scim::Error 400 invalidValue (blank type, negative capacity), 409 when more seats are assigned
    /// than the new capacity.
    LicensePool set(std::string const& type, int capacity);
    std::optional<LicensePool> find(std::string const& type);
    /// Every pool of the tenant, by type.
    std::vector<LicensePool> list();
    /// The pool as a SCIM resource (licenseType, capacity, assigned, available), or nullopt.
    std::optional<StoredResource> find_resource(std::string_view type);

private:
    pqxx::transaction_base& tx_;
    ChangeContext context_;
    std::string tenant_id_;
};

}  // namespace storage
