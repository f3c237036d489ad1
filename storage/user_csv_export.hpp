// Exporting a tenant's users as contacts (the admin console's CSV, Outlook or Google CSV, vCard), page by page in
// creation order.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <pqxx/transaction_base>

#include "scim/contact_export.hpp"
#include "scim/filter_binding.hpp"
#include "storage/resource_query.hpp"

namespace storage {

/// Where an export is: the position after the last user written, and whether users follow.
struct ExportPosition {
    std::optional<Keyset> after;
    bool done = false;
    std::size_t users = 0;  // written so far
};

/// The records of the next page (about a thousand users) of the tenant's users that match `filter` (null: all), in
/// `format`, and moves `position` past them. The header is not included: see scim::contact_header.
std::string export_users_page(pqxx::transaction_base& tx, std::string const& tenant_id, scim::BoundFilter const* filter,
                              scim::ContactFormat format, std::string const& company, ExportPosition& position);

/// Calls `write` with the header and then with each page's records. Returns how many users were written.
std::size_t export_users(pqxx::transaction_base& tx, std::string const& tenant_id, scim::BoundFilter const* filter,
                         scim::ContactFormat format, std::string const& company,
                         std::function<void(std::string const&)> const& write);

}  // namespace storage
