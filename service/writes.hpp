// Every write of a SCIM resource, in one place: create, replace, patch and delete of users, groups and sites, each in
// a transaction the caller owns. The HTTP handlers, /Bulk, the command line and the CSV import all write through
// these functions, so a rule written here holds on every path, and every write leaves its change records.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/transaction_base>

#include "scim/patch.hpp"
#include "scim/resource.hpp"
#include "scim/resource_kind.hpp"
#include "storage/change_log.hpp"
#include "storage/stored_resource.hpp"
#include "storage/user_repository.hpp"

namespace service {

/// A password hash when the input carries a password, computed beforehand (it is slow on purpose), so that nothing
/// slow happens while rows are locked.
using PasswordHash = std::optional<std::string>;

/// Who writes: the change context of the records, the user a token acts for (empty for an admin's token or the
/// command line: that user may change only its own details), and how request bodies are read.
struct Caller {
    storage::ChangeContext change;
    std::string acting_user;
    scim::ReadOptions read;
};

// `if_match` is the client's If-Match (or a bulk operation's version); empty means unconditional. Each function
// throws scim::Error: 404 when the id names nothing of the caller's tenant, 412 on a version mismatch, 409 on a
// uniqueness or directory conflict, 400 for a value the rules refuse, 403 for what the caller may not change.
// Users, groups, sites and devices are the kinds with SCIM writes; others are 404.

storage::StoredResource create(pqxx::transaction_base& tx, Caller const& caller, scim::ResourceKind kind,
                               scim::ResourceInput const& input, PasswordHash const& hash = {});
storage::StoredResource replace(pqxx::transaction_base& tx, Caller const& caller, scim::ResourceKind kind,
                                std::string_view id, scim::ResourceInput const& input, PasswordHash const& hash,
                                std::string_view if_match);
storage::StoredResource patch(pqxx::transaction_base& tx, Caller const& caller, scim::ResourceKind kind,
                              std::string_view id, scim::PatchRequest const& request, PasswordHash const& hash,
                              std::string_view if_match);
void remove(pqxx::transaction_base& tx, Caller const& caller, scim::ResourceKind kind, std::string_view id,
            std::string_view if_match);

/// Creates many contacts (users without a licence) with one statement; one outcome per entry, in order. A licensed
/// user needs create(): its extension is allocated after the users before it.
std::vector<storage::UserRepository::CreateOutcome> create_contacts(
    pqxx::transaction_base& tx, Caller const& caller, std::vector<storage::UserRepository::NewUser> const& users);

/// Deletes a user for real, whatever the tenant's delete mode (`scimd user purge --user`). @throws scim::Error 404.
void purge_user(pqxx::transaction_base& tx, Caller const& caller, std::string_view user_name);
/// Deletes every inactive user of the tenant (`scimd user purge --inactive`); returns how many.
std::size_t purge_inactive_users(pqxx::transaction_base& tx, Caller const& caller);

}  // namespace service
