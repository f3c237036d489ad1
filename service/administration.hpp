// The administrators' writes: tenants and their settings, API tokens, sites from the command line, licence pools
// and claimed numbers. Each takes the caller's transaction and leaves its change record there.
#pragma once

#include <string>
#include <vector>

#include <pqxx/transaction_base>

#include "service/writes.hpp"
#include "storage/license_repository.hpp"
#include "storage/site_repository.hpp"
#include "storage/tenant_repository.hpp"
#include "storage/token_repository.hpp"

namespace service {

/// A new tenant with its first site, Main. @throws scim::Error 409 when the name is taken, 400 when it is blank.
storage::Tenant create_tenant(pqxx::transaction_base& tx, storage::ChangeContext change, std::string const& name,
                              std::string const& domain);
/// @throws scim::Error 400 for a site the tenant does not have or a rate that is not one.
storage::Tenant change_tenant_settings(pqxx::transaction_base& tx, Caller const& caller,
                                       storage::TenantSettingsChange const& change);

/// Records a new token by its SHA-256; the token itself is never stored. @throws scim::Error 409 (label in use).
void issue_token(pqxx::transaction_base& tx, Caller const& caller, std::string const& sha256_hex,
                 std::string const& label, storage::TokenScope scope, std::string const& user_id, double rate_limit,
                 double rate_burst);
/// Revokes the tenant's active token with that label; false when there is none.
bool revoke_token(pqxx::transaction_base& tx, Caller const& caller, std::string const& label);

/// @throws scim::Error as storage::SiteRepository::create does.
storage::Site create_site(pqxx::transaction_base& tx, Caller const& caller, storage::Site const& site);

/// Creates the tenant's pool of `type` or changes its capacity. @throws scim::Error 400, 409 (below the seats).
storage::LicensePool set_license_pool(pqxx::transaction_base& tx, Caller const& caller, std::string const& type,
                                      int capacity);

/// Claims numbers for the tenant; returns how many were new. @throws scim::Error 400 (not E.164), 409 (another
/// tenant's).
int claim_numbers(pqxx::transaction_base& tx, Caller const& caller, std::vector<std::string> const& numbers);
/// Gives a free number up. @throws scim::Error 404, 409 (a user holds it).
void release_number(pqxx::transaction_base& tx, Caller const& caller, std::string const& number);

}  // namespace service
