// Tenants: the customers whose data scimd keeps apart, and what each decides for its directory.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <pqxx/transaction_base>

#include "scim/unknown_attributes.hpp"
#include "storage/change_log.hpp"
#include "storage/site_repository.hpp"

namespace storage {

/// What DELETE /Users/{id} does in a tenant.
enum class DeleteMode {
    remove,      // "delete": the user is gone; its seats, extension and numbers are free again
    deactivate,  // "deactivate": the phone system's own behaviour; an admin purges later
};

/// "delete" or "deactivate".
std::string_view to_string(DeleteMode mode) noexcept;
/// The mode named `text`, or nullopt.
std::optional<DeleteMode> delete_mode_from(std::string_view text) noexcept;

struct Tenant {
    std::string id;  // uuid
    std::string name;
    std::string domain;
    std::string default_site;  // the site's name; empty: none, so every create must name a site
    DeleteMode delete_mode = DeleteMode::remove;
    bool display_in_directory = true;  // a new user's displayInDirectory unless it says otherwise
    std::string placeholder_email;     // the e-mail of a create without one; empty: noreply@<domain>, if any
    scim::UnknownAttributes unknown_attributes = scim::UnknownAttributes::ignore;
    double rate_limit = 500;         // requests per second for the whole tenant, per scimd instance; 0: unlimited
    double rate_burst = 1000;        // requests that may come at once
    int audit_retention_days = 400;  // change records (/AuditEvents) older than this are deleted
    int activation_code_days = 7;    // how long a desk phone's activation code stays valid
    int max_devices = 10000;         // desk phones the tenant may have
    int device_creations_per_minute = 600;
    bool reject_unknown_managers = false;  // a manager.value naming nobody of the tenant: 400 instead of kept unlinked
    bool strict_profile = false;           // the interoperability and IPSIE profiles in full (docs/conformance.md)

    /// The e-mail a user created without one gets, or empty when the tenant has neither setting nor domain.
    std::string effective_placeholder_email() const;
};

/// A change to a tenant's settings; nullopt leaves the setting as it is.
struct TenantSettingsChange {
    std::optional<std::string> default_site;  // a site name; empty: no default site
    std::optional<DeleteMode> delete_mode;
    std::optional<bool> display_in_directory;
    std::optional<std::string> placeholder_email;  // empty: back to noreply@<domain>
    std::optional<scim::UnknownAttributes> unknown_attributes;
    std::optional<double> rate_limit;  // 0: unlimited
    std::optional<double> rate_burst;
    std::optional<int> audit_retention_days;
    std::optional<int> activation_code_days;
    std::optional<int> max_devices;
    std::optional<int> device_creations_per_minute;
    std::optional<bool> reject_unknown_managers;
    std::optional<bool> strict_profile;
};

class TenantRepository {
public:
    /// Works in `tx`; creating a tenant and changing its settings append change records in `context` (whose tenant
    /// is the one written).
    explicit TenantRepository(pqxx::transaction_base& tx, ChangeContext context = {})
        : tx_(tx), context_(std::move(context)) {}

    /// Creates a tenant with a first site, "Main" (site code 1, four-digit extensions), as its default site.
    /// Names are unique regardless of case.
    /// @throws scim::Error conflict when the name is taken, invalid_value when it is blank.
    Tenant create(std::string const& name, std::string const& domain);
    std::optional<Tenant> find_by_name(std::string const& name);
    std::optional<Tenant> find(std::string const& id);
    /// The tenant and its default site (nullopt when it has none), in one statement: what every user write needs.
    std::optional<std::pair<Tenant, std::optional<Site>>> find_with_default_site(std::string const& id);
    std::vector<Tenant> list();

    /// @throws scim::Error invalid_value for a site the tenant does not have or an unknown delete mode.
    Tenant update_settings(std::string const& tenant_id, TenantSettingsChange const& change);

private:
    pqxx::transaction_base& tx_;
    ChangeContext context_;
};

}  // namespace storage
