// Tenant rows.
#include "storage/tenant_repository.hpp"

#include <pqxx/pqxx>

#include "scim/error.hpp"
#include "storage/detail/rows.hpp"
#include "storage/detail/statements.hpp"
#include "storage/site_repository.hpp"

namespace storage {
namespace {

constexpr pqxx::row::size_type tenant_column_count = 16;  // tenant_from reads this many, then a site may follow
constexpr char const* tenant_columns =
    "t.id::text, t.name, coalesce(t.domain, ''), coalesce(s.name, ''), t.delete_mode, t.display_in_directory, "
    "coalesce(t.placeholder_email, ''), t.unknown_attributes, t.rate_limit, t.rate_burst, t.audit_retention_days, "
    "t.activation_code_days, t.max_devices, t.device_creations_per_minute, t.unknown_managers = 'reject', "
    "t.profile = 'strict'";
constexpr char const* tenant_from_clause =
    " FROM tenants t LEFT JOIN sites s ON s.tenant_id = t.id AND s.id = t.default_site_id";

Tenant tenant_from(pqxx::row const& row) {
    return {row[0].as<std::string>(),
            row[1].as<std::string>(),
            row[2].as<std::string>(),
            row[3].as<std::string>(),
            delete_mode_from(row[4].as<std::string>()).value_or(DeleteMode::remove),
            row[5].as<bool>(),
            row[6].as<std::string>(),
            scim::unknown_attributes_from(row[7].as<std::string>()).value_or(scim::UnknownAttributes::reject),
            row[8].as<double>(),
            row[9].as<double>(),
            row[10].as<int>(),
            row[11].as<int>(),
            row[12].as<int>(),
            row[13].as<int>(),
            row[14].as<bool>(),
            row[15].as<bool>()};
}

}  // namespace

std::string_view to_string(DeleteMode mode) noexcept {
    return mode == DeleteMode::deactivate ? "deactivate" : "delete";
}

std::optional<DeleteMode> delete_mode_from(std::string_view text) noexcept {
    if (text == "delete") return DeleteMode::remove;
    if (text == "deactivate") return DeleteMode::deactivate;
    return std::nullopt;
}

std::string Tenant::effective_placeholder_email() const {
    if (!placeholder_email.empty()) return placeholder_email;
    if (!domain.empty()) return "noreply@" + domain;
    return {};
}

Tenant TenantRepository::create(std::string const& name, std::string const& domain) {
    try {
        auto const id = tx_.exec_params1("INSERT INTO tenants (name, domain) VALUES ($1, $2) RETURNING id::text", name,
                                         detail::or_null(domain))[0]
                            .as<std::string>();
        auto context = context_;
        context.tenant_id = id;
        // Its first site, Main, made as any site is (with its change record).
        auto const main = SiteRepository(tx_, context).create({"", "Main", "1", 4, "", "", {}});
        tx_.exec_params("UPDATE tenants SET default_site_id = $2 WHERE id = $1", id, main.id);
        ChangeLog(tx_, context)
            .record(scim::ResourceKind::tenant, id, ChangeOperation::create, std::nullopt,
                    {"defaultSite", "domain", "name"});
        return *find(id);
    } catch (pqxx::unique_violation const&) {
        throw scim::Error::conflict("a tenant named \"" + name + "\" exists already");
    } catch (pqxx::check_violation const&) {
        throw scim::Error::invalid_value("a tenant name must not be blank");
    }
}

std::optional<Tenant> TenantRepository::find_by_name(std::string const& name) {
    auto const r = tx_.exec_params(
        "SELECT " + std::string(tenant_columns) + tenant_from_clause + " WHERE lower(t.name) = lower($1)", name);
    if (r.empty()) return std::nullopt;
    return tenant_from(r[0]);
}

std::optional<Tenant> TenantRepository::find(std::string const& id) {
    auto const r =
        detail::exec_sql(tx_, "SELECT " + std::string(tenant_columns) + tenant_from_clause + " WHERE t.id = $1", id);
    if (r.empty()) return std::nullopt;
    return tenant_from(r[0]);
}

std::optional<std::pair<Tenant, std::optional<Site>>> TenantRepository::find_with_default_site(std::string const& id) {
    auto const r = detail::exec_sql(tx_,
                                    "SELECT " + std::string(tenant_columns) + ", " + site_columns_sql("s") +
                                        tenant_from_clause + " WHERE t.id = $1",
                                    id);
    if (r.empty()) return std::nullopt;
    std::optional<Site> site;
    if (!r[0][tenant_column_count].is_null()) site = site_from_row(r[0], tenant_column_count);
    return std::pair{tenant_from(r[0]), std::move(site)};
}

std::vector<Tenant> TenantRepository::list() {
    std::vector<Tenant> out;
    for (auto const& row :
         tx_.exec("SELECT " + std::string(tenant_columns) + tenant_from_clause + " ORDER BY lower(t.name)"))
        out.push_back(tenant_from(row));
    return out;
}

Tenant TenantRepository::update_settings(std::string const& tenant_id, TenantSettingsChange const& change) {
    auto const before = find(tenant_id);
    if (change.default_site) {
        if (change.default_site->empty()) {
            tx_.exec_params("UPDATE tenants SET default_site_id = NULL WHERE id = $1", tenant_id);
        } else {
            auto const r = tx_.exec_params(
                "UPDATE tenants t SET default_site_id = s.id FROM sites s"
                " WHERE t.id = $1 AND s.tenant_id = t.id AND s.name = $2 RETURNING t.id",
                tenant_id, *change.default_site);
            if (r.empty())
                throw scim::Error::invalid_value("this tenant has no site named \"" + *change.default_site + "\"");
        }
    }
    if (change.delete_mode)
        tx_.exec_params("UPDATE tenants SET delete_mode = $2 WHERE id = $1", tenant_id,
                        std::string(to_string(*change.delete_mode)));
    if (change.display_in_directory)
        tx_.exec_params("UPDATE tenants SET display_in_directory = $2 WHERE id = $1", tenant_id,
                        *change.display_in_directory);
    if (change.placeholder_email)
        tx_.exec_params("UPDATE tenants SET placeholder_email = $2 WHERE id = $1", tenant_id,
                        detail::or_null(*change.placeholder_email));
    if ((change.rate_limit && *change.rate_limit < 0) || (change.rate_burst && *change.rate_burst < 1))
        throw scim::Error::invalid_value(
            "a rate limit is 0 (off) or more requests per second, with a burst of at least 1");
    if (change.rate_limit)
        tx_.exec_params("UPDATE tenants SET rate_limit = $2 WHERE id = $1", tenant_id, *change.rate_limit);
    if (change.rate_burst)
        tx_.exec_params("UPDATE tenants SET rate_burst = $2 WHERE id = $1", tenant_id, *change.rate_burst);
    if (change.activation_code_days) {
        if (*change.activation_code_days < 1 || *change.activation_code_days > 365)
            throw scim::Error::invalid_value("activation codes last 1 to 365 days");
        tx_.exec_params("UPDATE tenants SET activation_code_days = $2 WHERE id = $1", tenant_id,
                        *change.activation_code_days);
    }
    if (change.max_devices) {
        if (*change.max_devices < 0) throw scim::Error::invalid_value("a device quota is 0 or more devices");
        tx_.exec_params("UPDATE tenants SET max_devices = $2 WHERE id = $1", tenant_id, *change.max_devices);
    }
    if (change.device_creations_per_minute) {
        if (*change.device_creations_per_minute < 1)
            throw scim::Error::invalid_value("devices are created at 1 or more a minute");
        tx_.exec_params("UPDATE tenants SET device_creations_per_minute = $2 WHERE id = $1", tenant_id,
                        *change.device_creations_per_minute);
    }
    if (change.strict_profile)
        tx_.exec_params("UPDATE tenants SET profile = $2 WHERE id = $1", tenant_id,
                        std::string(*change.strict_profile ? "strict" : "tolerant"));
    if (change.reject_unknown_managers)
        tx_.exec_params("UPDATE tenants SET unknown_managers = $2 WHERE id = $1", tenant_id,
                        std::string(*change.reject_unknown_managers ? "reject" : "keep"));
    if (change.audit_retention_days) {
        if (*change.audit_retention_days < 1 || *change.audit_retention_days > 36500)
            throw scim::Error::invalid_value("the audit retention is 1 to 36500 days");
        tx_.exec_params("UPDATE tenants SET audit_retention_days = $2 WHERE id = $1", tenant_id,
                        *change.audit_retention_days);
    }
    if (change.unknown_attributes)
        tx_.exec_params("UPDATE tenants SET unknown_attributes = $2 WHERE id = $1", tenant_id,
                        std::string(scim::to_string(*change.unknown_attributes)));
    auto after = *find(tenant_id);
    std::vector<std::string> changed;
    if (before) {
        auto const note = [&](bool differs, char const* name) {
            if (differs) changed.emplace_back(name);
        };
        note(before->default_site != after.default_site, "defaultSite");
        note(before->delete_mode != after.delete_mode, "deleteMode");
        note(before->display_in_directory != after.display_in_directory, "displayInDirectory");
        note(before->placeholder_email != after.placeholder_email, "placeholderEmail");
        note(before->rate_burst != after.rate_burst, "rateBurst");
        note(before->rate_limit != after.rate_limit, "rateLimit");
        note(before->unknown_attributes != after.unknown_attributes, "unknownAttributes");
        note(before->audit_retention_days != after.audit_retention_days, "auditRetentionDays");
        note(before->activation_code_days != after.activation_code_days, "activationCodeDays");
        note(before->max_devices != after.max_devices, "maxDevices");
        note(before->device_creations_per_minute != after.device_creations_per_minute, "deviceCreationsPerMinute");
        note(before->reject_unknown_managers != after.reject_unknown_managers, "unknownManagers");
        note(before->strict_profile != after.strict_profile, "profile");
    }
    if (!changed.empty()) {
        auto context = context_;
        context.tenant_id = tenant_id;
        ChangeLog(tx_, context)
            .record(scim::ResourceKind::tenant, tenant_id, ChangeOperation::update, std::nullopt, changed);
    }
    return after;
}

}  // namespace storage
