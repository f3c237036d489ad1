// The admin console's user CSV from the command line: scimd import-csv, scimd export-csv.
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "cli/command.hpp"
#include "cli/support.hpp"
#include "scim/filter_binding.hpp"
#include "scim/filter_parser.hpp"
#include "service/user_import.hpp"
#include "storage/user_csv_export.hpp"

namespace cli {
namespace {

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
    return with_tenant(o, [&](pqxx::work& tx, storage::Tenant const& tenant, service::Caller const& caller) {
        auto const company = o.get("company").empty() ? tenant.name : o.get("company");
        auto const result = service::import_users_csv(tx, caller, text, company);
        for (auto const& name : result.ignored.names())
            std::cerr << "scimd: column \"" << name << "\" is not one this server knows; it was skipped\n";
        if (!result.problems.empty()) {
            std::cerr << "scimd: "
                      << service::import_problems_detail(
                             result.problems, result.created.size() + result.problems.size(), result.problems.size())
                      << "\n";
            return 1;  // the transaction is rolled back
        }
        for (auto const& u : result.created) std::cout << u.line << "\t" << u.user_name << "\t" << u.id << "\n";
        std::cerr << "scimd: imported " << result.created.size() << " user(s) into tenant " << tenant.name << "\n";
        return 0;
    });
}

int export_csv(ParsedOptions const& o) {
    auto const format = scim::contact_format_named(o.get("format"));
    if (!format) throw UsageError("--format must be csv, outlook, google or vcard");
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
    return reading_tenant(o, [&](pqxx::transaction_base& tx, storage::Tenant const& tenant) {
        auto const n = storage::export_users(tx, tenant.id, filter ? &*filter : nullptr, *format, tenant.name,
                                             [out](std::string const& chunk) { *out << chunk; });
        out->flush();
        std::cerr << "scimd: exported " << n << " user(s) of tenant " << tenant.name << "\n";
        return 0;
    });
}

}  // namespace

std::vector<Command> csv_commands() {
    return {
        {"Users",
         {"import-csv",
          "FILE",
          "Imports users from the admin console's CSV (FILE, or - for standard input): every line, or none when any "
          "line is wrong (each is reported with its line number).",
          {tenant_option(),
           {"company", "NAME",
            "the first part of invented usernames, <Company>.<First>.<Last> (default: the tenant name)", ""},
           database_url_option()},
          1},
         import_csv},
        {"Users",
         {"export-csv",
          "",
          "Writes a tenant's users as the admin console's CSV (or as contacts: --format), in creation order.",
          {tenant_option(),
           {"filter", "FILTER", "only the users matching this SCIM filter, e.g. 'title eq \"Chef\"'", ""},
           {"output", "FILE", "write here instead of standard output", ""},
           {"format", "csv|outlook|google|vcard",
            "the admin console's CSV, Outlook's or Google Contacts' CSV import template, or vCard 4.0", "csv"},
           database_url_option()},
          0},
         export_csv},
    };
}

}  // namespace cli
