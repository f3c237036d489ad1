// The directory's administration: scimd site create | list, license set | list, number claim | release | list,
// user purge.
#include <iostream>

#include "cli/command.hpp"
#include "cli/support.hpp"
#include "scim/directory_user.hpp"
#include "service/administration.hpp"
#include "storage/number_repository.hpp"

namespace cli {
namespace {

int site_create(ParsedOptions const& o) {
    storage::Site site;
    site.name = o.positional()[0];
    site.site_code = required(o, "site-code");
    site.extension_length = static_cast<int>(o.get_number("extension-length", 2, 8));
    site.locale = o.get("locale");
    site.timezone = o.get("timezone");
    return with_tenant(o, [&](pqxx::work& tx, storage::Tenant const& tenant, service::Caller const& caller) {
        auto const created = service::create_site(tx, caller, site);
        std::cerr << "scimd: created site " << created.name << " (" << created.id << ") of tenant " << tenant.name
                  << "\n";
        return 0;
    });
}

int site_list(ParsedOptions const& o) {
    return reading_tenant(o, [](pqxx::transaction_base& tx, storage::Tenant const& tenant) {
        for (auto const& s : storage::SiteRepository(tx, {tenant.id}).list())
            std::cout << s.name << "\t" << s.site_code << "\t" << s.extension_length << "\t" << s.locale << "\t"
                      << s.timezone << "\n";
        return 0;
    });
}

int license_set(ParsedOptions const& o) {
    auto const& type = required(o, "type");
    required(o, "capacity");
    auto const capacity = static_cast<int>(o.get_number("capacity", 0, 10000000));
    return with_tenant(o, [&](pqxx::work& tx, storage::Tenant const& tenant, service::Caller const& caller) {
        auto const pool = service::set_license_pool(tx, caller, type, capacity);
        std::cerr << "scimd: licence pool " << pool.type << " of tenant " << tenant.name << ": " << pool.capacity
                  << " seats, " << pool.assigned << " assigned\n";
        return 0;
    });
}

int license_list(ParsedOptions const& o) {
    return reading_tenant(o, [](pqxx::transaction_base& tx, storage::Tenant const& tenant) {
        for (auto const& p : storage::LicenseRepository(tx, {tenant.id}).list())
            std::cout << p.type << "\t" << p.capacity << "\t" << p.assigned << "\n";
        return 0;
    });
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
    for (long i = 0; i < count; ++i)
        numbers.push_back("+" + std::to_string(first + static_cast<unsigned long long>(i)));
    return numbers;
}

int number_claim(ParsedOptions const& o) {
    auto const numbers = numbers_to_claim(o);
    return with_tenant(o, [&](pqxx::work& tx, storage::Tenant const& tenant, service::Caller const& caller) {
        auto const added = service::claim_numbers(tx, caller, numbers);
        std::cerr << "scimd: tenant " << tenant.name << " claimed " << added << " new number(s) of " << numbers.size()
                  << " given\n";
        return 0;
    });
}

int number_release(ParsedOptions const& o) {
    return with_tenant(o, [&](pqxx::work& tx, storage::Tenant const& tenant, service::Caller const& caller) {
        service::release_number(tx, caller, o.positional()[0]);
        std::cerr << "scimd: tenant " << tenant.name << " released " << o.positional()[0] << "\n";
        return 0;
    });
}

int number_list(ParsedOptions const& o) {
    return reading_tenant(o, [](pqxx::transaction_base& tx, storage::Tenant const& tenant) {
        for (auto const& n : storage::NumberRepository(tx, {tenant.id}).list())
            std::cout << n.number << "\t" << (n.holder.empty() ? "free" : n.holder) << "\n";
        return 0;
    });
}

int user_purge(ParsedOptions const& o) {
    auto const& user_name = o.get("user");
    bool const inactive = o.is_set("inactive");
    if (user_name.empty() == !inactive) throw UsageError("give either --user USERNAME or --inactive");
    return with_tenant(o, [&](pqxx::work& tx, storage::Tenant const& tenant, service::Caller const& caller) {
        std::size_t purged = 1;
        if (inactive)
            purged = service::purge_inactive_users(tx, caller);
        else
            service::purge_user(tx, caller, user_name);
        std::cerr << "scimd: purged " << purged << " user(s) of tenant " << tenant.name << "\n";
        return 0;
    });
}

}  // namespace

std::vector<Command> directory_commands() {
    auto const with_tenant_option = [](std::vector<OptionSpec> options) {
        options.insert(options.begin(), tenant_option());
        options.push_back(database_url_option());
        return options;
    };
    return {
        {"Sites",
         {"site create", "NAME",
          "Creates a site (a business location) of a tenant, with its dial plan and user defaults.",
          with_tenant_option(
              {{"site-code", "DIGITS", "the prefix of the site's fully qualified extensions (1-8 digits)", ""},
               {"extension-length", "N", "digits of an extension at this site (site code + extension: at most 10)",
                "4"},
               {"locale", "LOCALE", "the language its users get unless they say otherwise, e.g. en-GB", ""},
               {"timezone", "ZONE", "the time zone its users get unless they say otherwise, e.g. Europe/London", ""}}),
          1},
         site_create},
        {"Sites",
         {"site list", "", "Lists a tenant's sites: name, site code, extension length, locale, time zone.",
          with_tenant_option({}), 0},
         site_list},
        {"Licences",
         {"license set", "", "Creates a tenant's licence pool of a type or changes its capacity.",
          with_tenant_option({{"type", "TYPE", "the licence type, e.g. X4", ""},
                              {"capacity", "N", "seats in the pool; not below the seats assigned", ""}}),
          0},
         license_set},
        {"Licences",
         {"license list", "", "Lists a tenant's licence pools: type, capacity, assigned.", with_tenant_option({}), 0},
         license_list},
        {"Numbers",
         {"number claim", "NUMBER[,NUMBER...]", "Claims E.164 phone numbers (DIDs) for a tenant's users.",
          with_tenant_option(
              {{"count", "N", "claim N consecutive numbers starting at the (single) NUMBER given", "1"}}),
          1},
         number_claim},
        {"Numbers",
         {"number release", "NUMBER", "Gives up a tenant's number that no user holds.", with_tenant_option({}), 1},
         number_release},
        {"Numbers",
         {"number list", "", "Lists a tenant's numbers and who holds each.", with_tenant_option({}), 0},
         number_list},
        {"Users",
         {"user purge", "",
          "Deletes users for real, freeing their licence seats, extensions and numbers (for tenants whose DELETE only "
          "deactivates).",
          with_tenant_option({{"user", "USERNAME", "the user to delete", ""},
                              {"inactive", "", "delete every user with active: false", ""}}),
          0},
         user_purge},
    };
}

}  // namespace cli
