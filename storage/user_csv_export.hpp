// Exporting a tenant's users as the admin console's user CSV, page by page in creation order.
#pragma once

#include <functional>
#include <string>

#include <pqxx/transaction_base>

#include "scim/filter_binding.hpp"

namespace storage {

/// Calls `write` with the header and then with chunks of lines (about a thousand users each) for the tenant's
/// users that match `filter` (null: all). Returns how many users were written.
std::size_t export_user_csv(pqxx::transaction_base& tx, std::string const& tenant_id, scim::BoundFilter const* filter,
                            std::function<void(std::string const&)> const& write);

}  // namespace storage
