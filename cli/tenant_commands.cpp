// Tenants and their settings: scimd tenant create | list | set | show.
#include <iostream>
#include <sstream>

#include "cli/command.hpp"
#include "cli/support.hpp"
#include "service/administration.hpp"

namespace cli {
namespace {

// 200 rather than 200.000000; 0.5 stays 0.5.
std::string format_number(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

void print_settings(storage::Tenant const& t) {
    std::cout << "tenant\t" << t.name << "\n"
              << "domain\t" << t.domain << "\n"
              << "default-site\t" << (t.default_site.empty() ? "none" : t.default_site) << "\n"
              << "delete-mode\t" << storage::to_string(t.delete_mode) << "\n"
              << "display-in-directory\t" << (t.display_in_directory ? "true" : "false") << "\n"
              << "placeholder-email\t" << t.effective_placeholder_email() << "\n"
              << "unknown-attributes\t" << scim::to_string(t.unknown_attributes) << "\n"
              << "rate-limit\t" << (t.rate_limit > 0 ? format_number(t.rate_limit) + "/s" : std::string("off")) << "\n"
              << "burst\t" << format_number(t.rate_burst) << "\n"
              << "audit-retention-days\t" << t.audit_retention_days << "\n"
              << "activation-code-days\t" << t.activation_code_days << "\n"
              << "max-devices\t" << t.max_devices << "\n"
              << "device-creations-per-minute\t" << t.device_creations_per_minute << "\n"
              << "unknown-managers\t" << (t.reject_unknown_managers ? "reject" : "keep") << "\n"
              << "profile\t" << (t.strict_profile ? "strict" : "tolerant") << "\n";
}

int tenant_create(ParsedOptions const& o) {
    auto connection = storage::connect(o.get("database-url"));
    pqxx::work tx(*connection);
    auto const tenant = service::create_tenant(tx, {}, o.positional()[0], o.get("domain"));
    tx.commit();
    std::cerr << "scimd: created tenant " << tenant.name << " (" << tenant.id << ")\n";
    return 0;
}

int tenant_list(ParsedOptions const& o) {
    auto connection = storage::connect(o.get("database-url"));
    pqxx::read_transaction tx(*connection);
    for (auto const& t : storage::TenantRepository(tx).list()) std::cout << t.name << "\n";
    return 0;
}

int tenant_set(ParsedOptions const& o) {
    storage::TenantSettingsChange change;
    if (auto const& v = o.get("default-site"); !v.empty()) change.default_site = v == "none" ? "" : v;
    if (auto const& v = o.get("delete-mode"); !v.empty()) {
        change.delete_mode = storage::delete_mode_from(v);
        if (!change.delete_mode) throw UsageError("--delete-mode must be delete or deactivate, not \"" + v + "\"");
    }
    if (auto const& v = o.get("display-in-directory"); !v.empty()) {
        if (v != "true" && v != "false") throw UsageError("--display-in-directory must be true or false");
        change.display_in_directory = v == "true";
    }
    if (auto const& v = o.get("placeholder-email"); !v.empty()) change.placeholder_email = v == "none" ? "" : v;
    if (auto const& v = o.get("unknown-attributes"); !v.empty()) {
        change.unknown_attributes = scim::unknown_attributes_from(v);
        if (!change.unknown_attributes) throw UsageError("--unknown-attributes must be ignore or reject");
    }
    if (auto const& v = o.get("rate-limit"); !v.empty()) change.rate_limit = parse_rate(v, "rate-limit");
    if (auto const& v = o.get("burst"); !v.empty()) change.rate_burst = parse_burst(v, "burst");
    if (!o.get("activation-code-days").empty())
        change.activation_code_days = static_cast<int>(o.get_number("activation-code-days", 1, 365));
    if (!o.get("max-devices").empty()) change.max_devices = static_cast<int>(o.get_number("max-devices", 0, 10000000));
    if (!o.get("device-creations-per-minute").empty())
        change.device_creations_per_minute = static_cast<int>(o.get_number("device-creations-per-minute", 1, 1000000));
    if (auto const& v = o.get("profile"); !v.empty()) {
        if (v != "tolerant" && v != "strict") throw UsageError("--profile must be tolerant or strict");
        change.strict_profile = v == "strict";
    }
    if (auto const& v = o.get("unknown-managers"); !v.empty()) {
        if (v != "keep" && v != "reject") throw UsageError("--unknown-managers must be keep or reject");
        change.reject_unknown_managers = v == "reject";
    }
    if (!o.get("audit-retention-days").empty())
        change.audit_retention_days = static_cast<int>(o.get_number("audit-retention-days", 1, 36500));
    return with_tenant(o, [&](pqxx::work& tx, storage::Tenant const&, service::Caller const& caller) {
        print_settings(service::change_tenant_settings(tx, caller, change));
        return 0;
    });
}

int tenant_show(ParsedOptions const& o) {
    return reading_tenant(o, [](pqxx::transaction_base&, storage::Tenant const& tenant) {
        print_settings(tenant);
        return 0;
    });
}

}  // namespace

std::vector<Command> tenant_commands() {
    return {
        {"Tenants",
         {"tenant create",
          "NAME",
          "Creates a tenant, with a first site, Main, as its default site.",
          {{"domain", "DOMAIN", "the tenant's e-mail domain", ""}, database_url_option()},
          1},
         tenant_create},
        {"Tenants",
         {"tenant list", "", "Lists the tenants, one name per line.", {database_url_option()}, 0},
         tenant_list},
        {"Tenants",
         {"tenant set",
          "",
          "Changes a tenant's settings and prints them all.",
          {tenant_option(),
           {"default-site", "NAME|none", "the site of users created without one; none: every create must name a site",
            ""},
           {"delete-mode", "delete|deactivate",
            "what DELETE /Users/{id} does: delete the user (freeing its licence seats, extension and numbers) or only "
            "deactivate it until 'scimd user purge'",
            ""},
           {"display-in-directory", "true|false", "displayInDirectory of new users that do not say", ""},
           {"placeholder-email", "EMAIL|none", "the e-mail of users created without one (none: noreply@<domain>)", ""},
           {"unknown-attributes", "ignore|reject",
            "attributes a request names that the server does not define: ignore (drop them and name them in the "
            "SCIM-Ignored-Attributes response header; what identity providers expect) or reject (400)",
            ""},
           {"rate-limit", "N/s|off", "requests per second the tenant may send to each scimd instance (429 beyond)", ""},
           {"burst", "N", "requests the tenant may send at once above its rate", ""},
           {"audit-retention-days", "N", "days change records (/AuditEvents, scimd audit) are kept; default 400", ""},
           {"activation-code-days", "N", "days a desk phone's activation code stays valid (1-365); default 7", ""},
           {"max-devices", "N", "desk phones the tenant may have; default 10000", ""},
           {"device-creations-per-minute", "N", "desk phones the tenant may create in a minute; default 600", ""},
           {"profile", "tolerant|strict",
            "tolerant: accept what identity providers send (undefined attributes, path-less PATCH); strict: the SCIM "
            "interoperability profile and OpenID IPSIE AL2 in full (docs/conformance.md)",
            ""},
           {"unknown-managers", "keep|reject",
            "a manager.value that names no user of the tenant: keep it unlinked (and link it once such a user exists, "
            "by id, externalId or userName) or reject it (400)",
            ""},
           database_url_option()},
          0},
         tenant_set},
        {"Tenants",
         {"tenant show", "", "Prints a tenant's settings.", {tenant_option(), database_url_option()}, 0},
         tenant_show},
    };
}

}  // namespace cli
