// Administrators' writes, through the repositories that record them.
#include "service/administration.hpp"

#include "storage/number_repository.hpp"

namespace service {

storage::Tenant create_tenant(pqxx::transaction_base& tx, storage::ChangeContext change, std::string const& name,
                              std::string const& domain) {
    return storage::TenantRepository(tx, std::move(change)).create(name, domain);
}

storage::Tenant change_tenant_settings(pqxx::transaction_base& tx, Caller const& caller,
                                       storage::TenantSettingsChange const& change) {
    return storage::TenantRepository(tx, caller.change).update_settings(caller.change.tenant_id, change);
}

void issue_token(pqxx::transaction_base& tx, Caller const& caller, std::string const& sha256_hex,
                 std::string const& label, storage::TokenScope scope, std::string const& user_id, double rate_limit,
                 double rate_burst) {
    storage::TokenRepository(tx, caller.change)
        .issue(caller.change.tenant_id, sha256_hex, label, scope, user_id, rate_limit, rate_burst);
}

bool revoke_token(pqxx::transaction_base& tx, Caller const& caller, std::string const& label) {
    return storage::TokenRepository(tx, caller.change).revoke(caller.change.tenant_id, label);
}

storage::Site create_site(pqxx::transaction_base& tx, Caller const& caller, storage::Site const& site) {
    return storage::SiteRepository(tx, caller.change).create(site);
}

storage::LicensePool set_license_pool(pqxx::transaction_base& tx, Caller const& caller, std::string const& type,
                                      int capacity) {
    return storage::LicenseRepository(tx, caller.change).set(type, capacity);
}

int claim_numbers(pqxx::transaction_base& tx, Caller const& caller, std::vector<std::string> const& numbers) {
    return storage::NumberRepository(tx, caller.change).claim(numbers);
}

void release_number(pqxx::transaction_base& tx, Caller const& caller, std::string const& number) {
    storage::NumberRepository(tx, caller.change).release(number);
}

}  // namespace service
