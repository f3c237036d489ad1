// scimd conformance: the interoperability and IPSIE profiles' rules, checked against a running scimd for a tenant.
#include <chrono>
#include <iomanip>
#include <iostream>
#include <map>

#include "cli/command.hpp"
#include "cli/support.hpp"
#include "scim/json_fields.hpp"
#include "server/conformance.hpp"
#include "server/crypto.hpp"
#include "service/administration.hpp"
#include "service/writes.hpp"
#include "storage/user_repository.hpp"

namespace cli {
namespace {

// Issues the run's tokens (write and audit) in the tenant; returns them, or revokes them with `revoke`.
struct RunTokens {
    std::string label;
    std::string write;
    std::string audit;
};

RunTokens issue_run_tokens(ParsedOptions const& o, std::string const& run_id) {
    RunTokens tokens{"conformance-" + run_id, server::new_token(), server::new_token()};
    with_tenant(o, [&](pqxx::work& tx, storage::Tenant const&, service::Caller const& caller) {
        service::issue_token(tx, caller, server::sha256_hex(tokens.write), tokens.label, storage::TokenScope::write, {},
                             0, 0);
        service::issue_token(tx, caller, server::sha256_hex(tokens.audit), tokens.label + "-audit",
                             storage::TokenScope::audit, {}, 0, 0);
        return 0;
    });
    return tokens;
}

// Revokes the run's tokens and purges the users a deactivating DELETE left behind.
void clean_up(ParsedOptions const& o, RunTokens const& tokens, std::vector<std::string> const& users) {
    with_tenant(o, [&](pqxx::work& tx, storage::Tenant const&, service::Caller const& caller) {
        service::revoke_token(tx, caller, tokens.label);
        service::revoke_token(tx, caller, tokens.label + "-audit");
        storage::UserRepository repository(tx, caller.change);
        for (auto const& id : users) {
            if (id.empty()) continue;
            if (auto const user = repository.find(id))
                service::purge_user(tx, caller, scim::text_at(user->attributes, "userName"));
        }
        return 0;
    });
}

int conformance(ParsedOptions const& o) {
    auto const run_id = server::new_request_id().substr(0, 8);
    bool strict = false;
    std::string tenant_name;
    reading_tenant(o, [&](pqxx::transaction_base&, storage::Tenant const& tenant) {
        strict = tenant.strict_profile;
        tenant_name = tenant.name;
        return 0;
    });
    auto const tokens = issue_run_tokens(o, run_id);
    server::ConformanceReport report;
    try {
        report = server::run_conformance(
            {required(o, "url"), tokens.write, tokens.audit, o.get("ca-file"), !o.is_set("insecure"), run_id});
    } catch (...) {
        clean_up(o, tokens, {});
        throw;
    }
    clean_up(o, tokens, report.users_created);

    std::cout << "tenant " << tenant_name << ", profile " << (strict ? "strict" : "tolerant") << ", "
              << required(o, "url") << "\n\n";
    std::map<std::string, std::pair<int, int>> by_level;  // passed, all
    std::vector<server::RuleResult const*> unexpected;
    for (auto const& r : report.rules) {
        auto& [passed, all] = by_level[r.level];
        ++all;
        if (r.passed) ++passed;
        bool const deviation = !r.passed && !strict && !r.tolerant_deviation.empty();
        if (!r.passed && !deviation) unexpected.push_back(&r);
        std::cout << std::left << std::setw(12) << r.id << " "
                  << (r.passed    ? "PASS"
                      : deviation ? "DEVIATION"
                                  : "FAIL")
                  << "  " << r.rule << "\n             " << r.section << "\n             " << r.evidence << "\n";
        if (deviation) std::cout << "             tolerant profile, for: " << r.tolerant_deviation << "\n";
    }
    std::cout << "\n";
    for (auto const& [level, counts] : by_level)
        std::cout << level << ": " << counts.first << " of " << counts.second << " rules pass\n";
    if (unexpected.empty()) {
        std::cout << (strict ? "every rule passes\n"
                             : "every failing rule is a deviation of the tolerant profile (docs/conformance.md)\n");
        return 0;
    }
    std::cout << unexpected.size() << " rule(s) fail that the tenant's profile should pass\n";
    return 1;
}

}  // namespace

std::vector<Command> conformance_commands() {
    return {
        {"Conformance",
         {"conformance",
          "",
          "Checks a running scimd against the SCIM interoperability profile and the OpenID IPSIE SCIM profile (AL1, "
          "AL2) for a tenant, as a client would: one line per rule. It issues itself two tokens (revoked at the end) "
          "and creates and removes its own users and groups. Exit status 0 when every rule passes, or (in a tolerant "
          "tenant) fails only as that profile says.",
          {tenant_option(),
           {"url", "URL", "the server's SCIM base URL, e.g. https://127.0.0.1:8443/scim/v2", ""},
           {"ca-file", "FILE", "PEM CAs to verify the server's certificate with, besides the system's", ""},
           {"insecure", "", "do not verify the server's certificate (a development server's self-signed one)", ""},
           database_url_option()},
          0},
         conformance},
    };
}

}  // namespace cli
