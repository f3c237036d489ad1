#include "server/directory_commands.hpp"

#include <chrono>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include <pqxx/pqxx>

#include "scim/directory_user.hpp"
#include "scim/error.hpp"
#include "scim/filter_binding.hpp"
#include "scim/filter_parser.hpp"
#include "scim/schema.hpp"
#include "server/command_support.hpp"
#include "storage/database.hpp"
#include "storage/license_repository.hpp"
#include "storage/number_repository.hpp"
#include "storage/site_repository.hpp"
#include "storage/tenant_repository.hpp"
#include "storage/user_csv_export.hpp"
#include "storage/user_csv_import.hpp"
#include "storage/user_repository.hpp"

namespace server {
namespace {

OptionSpec const tenant_option{"tenant", "NAME", "the tenant", ""};

CommandSpec const tenant_set_spec{
    "tenant set", "", "Changes a tenant's directory settings and prints them all.",
    {tenant_option,
     {"default-site", "NAME|none", "the site of users created without one; none: every create must name a site", ""},
     {"delete-mode", "delete|deactivate", "what DELETE /Users/{id} does: delete the user (freeing its licence seats, "
                                          "extension and numbers) or only deactivate it until 'scimd user purge'", ""},
     {"display-in-directory", "true|false", "displayInDirectory of new users that do not say", ""},
     {"placeholder-email", "EMAIL|none", "the e-mail of users created without one (none: noreply@<domain>)", ""},
     {"unknown-attributes", "ignore|reject",
      "attributes a request names that the server does not define: ignore (drop them and name them in the "
      "SCIM-Ignored-Attributes response header; what identity providers expect) or reject (400)", ""},
     {"rate-limit", "N/s|off", "requests per second the tenant may send to each scimd instance (429 beyond)", ""},
     {"burst", "N", "requests the tenant may send at once above its rate", ""},
     database_url_option()},
    0};
CommandSpec const tenant_show_spec{"tenant show", "", "Prints a tenant's directory settings.",
                                   {tenant_option, database_url_option()}, 0};

CommandSpec const site_create_spec{
    "site create", "NAME", "Creates a site (a business location) of a tenant, with its dial plan and user defaults.",
    {tenant_option,
     {"site-code", "DIGITS", "the prefix of the site's fully qualified extensions (1-8 digits)", ""},
     {"extension-length", "N", "digits of an extension at this site (site code + extension: at most 10)", "4"},
     {"locale", "LOCALE", "the language its users get unless they say otherwise, e.g. en-GB", ""},
     {"timezone", "ZONE", "the time zone its users get unless they say otherwise, e.g. Europe/London", ""},
     database_url_option()},
    1};
CommandSpec const site_list_spec{"site list", "",
                                 "Lists a tenant's sites: name, site code, extension length, locale, time zone.",
                                 {tenant_option, database_url_option()}, 0};

CommandSpec const license_set_spec{
    "license set", "", "Creates a tenant's licence pool of a type or changes its capacity.",
    {tenant_option,
     {"type", "TYPE", "the licence type, e.g. X4", ""},
     {"capacity", "N", "seats in the pool; not below the seats assigned", ""},
     database_url_option()},
    0};
CommandSpec const license_list_spec{"license list", "", "Lists a tenant's licence pools: type, capacity, assigned.",
                                    {tenant_option, database_url_option()}, 0};

CommandSpec const number_claim_spec{
    "number claim", "NUMBER[,NUMBER...]", "Claims E.164 phone numbers (DIDs) for a tenant's users.",
    {tenant_option,
     {"count", "N", "claim N consecutive numbers starting at the (single) NUMBER given", "1"},
     database_url_option()},
    1};
CommandSpec const number_release_spec{"number release", "NUMBER", "Gives up a tenant's number that no user holds.",
                                      {tenant_option, database_url_option()}, 1};
CommandSpec const number_list_spec{"number list", "", "Lists a tenant's numbers and who holds each.",
                                   {tenant_option, database_url_option()}, 0};

CommandSpec const user_purge_spec{
    "user purge", "", "Deletes users for real, freeing their licence seats, extensions and numbers (for tenants "
                      "whose DELETE only deactivates).",
    {tenant_option,
     {"user", "USERNAME", "the user to delete", ""},
     {"inactive", "", "delete every user with active: false", ""},
     database_url_option()},
    0};

CommandSpec const import_csv_spec{
    "import-csv", "FILE", "Imports users from the admin console's CSV (FILE, or - for standard input): every line, "
                          "or none when any line is wrong (each is reported with its line number).",
    {tenant_option,
     {"company", "NAME", "the first part of invented usernames, <Company>.<First>.<Last> (default: the tenant name)", ""},
     database_url_option()},
    1};
CommandSpec const export_csv_spec{
    "export-csv", "", "Writes a tenant's users as the admin console's CSV, in creation order.",
    {tenant_option,
     {"filter", "FILTER", "only the users matching this SCIM filter, e.g. 'title eq \"Chef\"'", ""},
     {"output", "FILE", "write here instead of standard output", ""},
     database_url_option()},
    0};

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
              << "delete-mode\t" << t.delete_mode << "\n"
              << "display-in-directory\t" << (t.display_in_directory ? "true" : "false") << "\n"
              << "placeholder-email\t" << t.effective_placeholder_email() << "\n"
              << "unknown-attributes\t" << scim::to_string(t.unknown_attributes) << "\n"
              << "rate-limit\t" << (t.rate_limit > 0 ? format_number(t.rate_limit) + "/s" : std::string("off")) << "\n"
              << "burst\t" << format_number(t.rate_burst) << "\n";
}

int tenant_set(ParsedOptions const& o) {
    storage::TenantSettingsChange change;
    if (auto const& v = o.get("default-site"); !v.empty()) change.default_site = v == "none" ? "" : v;
    if (auto const& v = o.get("delete-mode"); !v.empty()) change.delete_mode = v;
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
    auto connection = storage::connect(o.get("database-url"));
    pqxx::work tx(*connection);
    auto const tenant = existing_tenant(tx, required(o, "tenant", tenant_set_spec));
    auto const updated = storage::TenantRepository(tx).update_settings(tenant.id, change);
    tx.commit();
    print_settings(updated);
    return 0;
}

int tenant_show(ParsedOptions const& o) {
    auto connection = storage::connect(o.get("database-url"));
    pqxx::read_transaction tx(*connection);
    print_settings(existing_tenant(tx, required(o, "tenant", tenant_show_spec)));
    return 0;
}

int site_create(ParsedOptions const& o) {
    auto const& tenant_name = required(o, "tenant", site_create_spec);
    storage::Site site;
    site.name = o.positional()[0];
    site.site_code = required(o, "site-code", site_create_spec);
    site.extension_length = static_cast<int>(o.get_number("extension-length", 2, 8));
    site.locale = o.get("locale");
    site.timezone = o.get("timezone");
    auto connection = storage::connect(o.get("database-url"));
    pqxx::work tx(*connection);
    auto const tenant = existing_tenant(tx, tenant_name);
    auto const created = storage::SiteRepository(tx, tenant.id).create(site);
    tx.commit();
    std::cerr << "scimd: created site " << created.name << " (" << created.id << ") of tenant " << tenant.name << "\n";
    return 0;
}

int site_list(ParsedOptions const& o) {
    auto connection = storage::connect(o.get("database-url"));
    pqxx::read_transaction tx(*connection);
    auto const tenant = existing_tenant(tx, required(o, "tenant", site_list_spec));
    for (auto const& s : storage::SiteRepository(tx, tenant.id).list())
        std::cout << s.name << "\t" << s.site_code << "\t" << s.extension_length << "\t" << s.locale << "\t"
                  << s.timezone << "\n";
    return 0;
}

int license_set(ParsedOptions const& o) {
    auto const& type = required(o, "type", license_set_spec);
    required(o, "capacity", license_set_spec);
    auto const capacity = static_cast<int>(o.get_number("capacity", 0, 10000000));
    auto connection = storage::connect(o.get("database-url"));
    pqxx::work tx(*connection);
    auto const tenant = existing_tenant(tx, required(o, "tenant", license_set_spec));
    auto const pool = storage::LicenseRepository(tx, tenant.id).set(type, capacity);
    tx.commit();
    std::cerr << "scimd: licence pool " << pool.type << " of tenant " << tenant.name << ": " << pool.capacity
              << " seats, " << pool.assigned << " assigned\n";
    return 0;
}

int license_list(ParsedOptions const& o) {
    auto connection = storage::connect(o.get("database-url"));
    pqxx::read_transaction tx(*connection);
    auto const tenant = existing_tenant(tx, required(o, "tenant", license_list_spec));
    for (auto const& p : storage::LicenseRepository(tx, tenant.id).list())
        std::cout << p.type << "\t" << p.capacity << "\t" << p.assigned << "\n";
    return 0;
}

// "+14155550100" and a count -> that many consecutive numbers.
std::vector<std::string> numbers_to_claim(ParsedOptions const& o) {
    std::vector<std::string> numbers;
    auto const& text = o.positional()[0];
    for (std::size_t start = 0; start <= text.size();) {
        auto const comma = std::min(text.find(',', start), text.size());
        if (comma > start) numbers.push_back(text.substr(start, comma - start));
        start = comma + 1;
    }
    auto const count = o.get_number("count", 1, 100000);
    if (count == 1) return numbers;
    if (numbers.size() != 1) throw UsageError("--count takes a single first NUMBER");
    if (!scim::is_e164(numbers[0])) throw UsageError("\"" + numbers[0] + "\" is not an E.164 number");
    auto const first = std::stoull(numbers[0].substr(1));
    numbers.clear();
    for (long i = 0; i < count; ++i) numbers.push_back("+" + std::to_string(first + static_cast<unsigned long long>(i)));
    return numbers;
}

int number_claim(ParsedOptions const& o) {
    auto const numbers = numbers_to_claim(o);
    auto connection = storage::connect(o.get("database-url"));
    pqxx::work tx(*connection);
    auto const tenant = existing_tenant(tx, required(o, "tenant", number_claim_spec));
    auto const added = storage::NumberRepository(tx, tenant.id).claim(numbers);
    tx.commit();
    std::cerr << "scimd: tenant " << tenant.name << " claimed " << added << " new number(s) of " << numbers.size()
              << " given\n";
    return 0;
}

int number_release(ParsedOptions const& o) {
    auto connection = storage::connect(o.get("database-url"));
    pqxx::work tx(*connection);
    auto const tenant = existing_tenant(tx, required(o, "tenant", number_release_spec));
    storage::NumberRepository(tx, tenant.id).release(o.positional()[0]);
    tx.commit();
    std::cerr << "scimd: tenant " << tenant.name << " released " << o.positional()[0] << "\n";
    return 0;
}

int number_list(ParsedOptions const& o) {
    auto connection = storage::connect(o.get("database-url"));
    pqxx::read_transaction tx(*connection);
    auto const tenant = existing_tenant(tx, required(o, "tenant", number_list_spec));
    for (auto const& n : storage::NumberRepository(tx, tenant.id).list())
        std::cout << n.number << "\t" << (n.holder.empty() ? "free" : n.holder) << "\n";
    return 0;
}

int user_purge(ParsedOptions const& o) {
    auto const& user_name = o.get("user");
    bool const inactive = o.is_set("inactive");
    if (user_name.empty() == !inactive) throw UsageError("give either --user USERNAME or --inactive");
    auto connection = storage::connect(o.get("database-url"));
    pqxx::work tx(*connection);
    auto const tenant = existing_tenant(tx, required(o, "tenant", user_purge_spec));
    storage::ChangeContext const context{tenant.id, "", "", std::chrono::system_clock::now()};
    storage::UserRepository users(tx, context);
    std::size_t purged = 0;
    if (inactive) {
        purged = users.remove_inactive();
    } else {
        auto const id = users.id_of(user_name);
        if (!id) throw scim::Error::not_found("tenant " + tenant.name + " has no user \"" + user_name + "\"");
        purged = users.remove(*id) ? 1 : 0;
    }
    tx.commit();
    std::cerr << "scimd: purged " << purged << " user(s) of tenant " << tenant.name << "\n";
    return 0;
}

std::string read_input(std::string const& file) {
    std::ifstream in;
    std::istream* from = &std::cin;
    if (file != "-") {
        in.open(file, std::ios::binary);
        if (!in) throw UsageError("cannot read " + file);
        from = &in;
    }
    std::ostringstream text;
    text << from->rdbuf();
    return text.str();
}

int import_csv(ParsedOptions const& o) {
    auto const text = read_input(o.positional()[0]);
    auto connection = storage::connect(o.get("database-url"));
    pqxx::work tx(*connection);
    auto const tenant = existing_tenant(tx, required(o, "tenant", import_csv_spec));
    auto const company = o.get("company").empty() ? tenant.name : o.get("company");
    storage::ChangeContext const context{tenant.id, "", "", std::chrono::system_clock::now()};
    auto const result = storage::import_user_csv(tx, context, text, company, tenant.unknown_attributes);
    for (auto const& name : result.ignored.names())
        std::cerr << "scimd: column \"" << name << "\" is not one this server knows; it was skipped\n";
    if (!result.problems.empty()) {
        std::cerr << "scimd: "
                  << storage::import_problems_detail(result.problems, result.created.size() + result.problems.size(),
                                                     result.problems.size())
                  << "\n";
        return 1;  // the transaction is rolled back
    }
    tx.commit();
    for (auto const& u : result.created) std::cout << u.line << "\t" << u.user_name << "\t" << u.id << "\n";
    std::cerr << "scimd: imported " << result.created.size() << " user(s) into tenant " << tenant.name << "\n";
    return 0;
}

int export_csv(ParsedOptions const& o) {
    auto const& registry = scim::SchemaRegistry::builtin();
    std::optional<scim::BoundFilter> filter;
    if (auto const& text = o.get("filter"); !text.empty())
        filter = scim::bind_filter(scim::parse_filter(text), *registry.resource_type("User"), registry);
    std::ofstream file;
    std::ostream* out = &std::cout;
    if (auto const& path = o.get("output"); !path.empty()) {
        file.open(path, std::ios::binary | std::ios::trunc);
        if (!file) throw UsageError("cannot write " + path);
        out = &file;
    }
    auto connection = storage::connect(o.get("database-url"));
    pqxx::read_transaction tx(*connection);
    auto const tenant = existing_tenant(tx, required(o, "tenant", export_csv_spec));
    auto const n = storage::export_user_csv(tx, tenant.id, filter ? &*filter : nullptr,
                                            [out](std::string const& chunk) { *out << chunk; });
    out->flush();
    std::cerr << "scimd: exported " << n << " user(s) of tenant " << tenant.name << "\n";
    return 0;
}

}  // namespace

std::vector<CommandSpec const*> directory_commands() {
    return {&tenant_set_spec,  &tenant_show_spec,  &site_create_spec,  &site_list_spec,      &license_set_spec,
            &license_list_spec, &number_claim_spec, &number_release_spec, &number_list_spec, &user_purge_spec,
            &import_csv_spec,  &export_csv_spec};
}

int run_directory_command(CommandSpec const& spec, ParsedOptions const& o) {
    if (&spec == &tenant_set_spec) return tenant_set(o);
    if (&spec == &tenant_show_spec) return tenant_show(o);
    if (&spec == &site_create_spec) return site_create(o);
    if (&spec == &site_list_spec) return site_list(o);
    if (&spec == &license_set_spec) return license_set(o);
    if (&spec == &license_list_spec) return license_list(o);
    if (&spec == &number_claim_spec) return number_claim(o);
    if (&spec == &number_release_spec) return number_release(o);
    if (&spec == &number_list_spec) return number_list(o);
    if (&spec == &user_purge_spec) return user_purge(o);
    if (&spec == &import_csv_spec) return import_csv(o);
    if (&spec == &export_csv_spec) return export_csv(o);
    throw UsageError("unknown command \"" + spec.name + "\"");
}

}  // namespace server
