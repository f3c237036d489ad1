// Tenants: the customers whose data scimd keeps apart, and what each decides for its directory.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <pqxx/transaction_base>

#include "scim/unknown_attributes.hpp"

namespace storage {

struct Tenant {
    std::string id;  // uuid
    std::string name;
    std::string domain;
    std::string default_site;           // the site's name; empty: none, so every create must name a site
    std::string delete_mode = "delete";  // "delete" or "deactivate": what DELETE /Users/{id} does
    bool display_in_directory = true;    // a new user's displayInDirectory unless it says otherwise
    std::string placeholder_email;       // the e-mail of a create without one; empty: noreply@<domain>, if any
    scim::UnknownAttributes unknown_attributes = scim::UnknownAttributes::ignore;
    double rate_limit = 500;   // requests per second for the whole tenant, per scimd instance; 0: unlimited
    double rate_burst = 1000;  // requests that may come at once

    /// The e-mail a user created without one gets, or empty when the tenant has neither setting nor domain.
    std::string effective_placeholder_email() const;
};

/// A change to a tenant's settings; nullopt leaves the setting as it is.
struct TenantSettingsChange {
    std::optional<std::string> default_site;  // a site name; empty: no default site
    std::optional<std::string> delete_mode;
    std::optional<bool> display_in_directory;
    std::optional<std::string> placeholder_email;  // empty: back to noreply@<domain>
    std::optional<scim::UnknownAttributes> unknown_attributes;
    std::optional<double> rate_limit;  // 0: unlimited
    std::optional<double> rate_burst;
};

class TenantRepository {
public:
    explicit TenantRepository(pqxx::transaction_base& tx) : tx_(tx) {}

    /// Creates a tenant with a first site, "Main" (site code 1, four-digit extensions), as its default site.
    /// Names are unique regardless of case.
    /// @throws scim::Error conflict when the name is taken, invalid_value when it is blank.
    Tenant create(std::string const& name, std::string const& domain);
    std::optional<Tenant> find_by_name(std::string const& name);
    std::optional<Tenant> find(std::string const& id);
    std::vector<Tenant> list();

    /// @throws scim::Error invalid_value for a site the tenant does not have or an unknown delete mode.
    Tenant update_settings(std::string const& tenant_id, TenantSettingsChange const& change);

private:
    pqxx::transaction_base& tx_;
};

}  // namespace storage
