// API tokens: scimd token issue | revoke | list. A token is shown once; only its SHA-256 is stored.
#include <algorithm>
#include <iostream>

#include "cli/command.hpp"
#include "cli/support.hpp"
#include "server/crypto.hpp"
#include "service/administration.hpp"
#include "storage/user_repository.hpp"

namespace cli {
namespace {

int token_issue(ParsedOptions const& o) {
    auto const scope = scope_option(o);
    auto const& scope_text = o.get("scope");
    auto label = o.get("label");
    if (label.empty()) label = "token-" + server::new_request_id().substr(0, 8);
    double rate = 0, burst = 0;
    if (auto const& text = o.get("rate-limit"); !text.empty()) rate = parse_rate(text, "rate-limit");
    if (auto const& text = o.get("burst"); !text.empty()) burst = parse_burst(text, "burst");
    if (rate > 0 && burst == 0) burst = std::max(1.0, rate);
    auto const token = server::new_token();
    std::string tenant_name, user_id;
    auto const status =
        with_tenant(o, [&](pqxx::work& tx, storage::Tenant const& tenant, service::Caller const& caller) {
            tenant_name = tenant.name;
            if (auto const& user_name = o.get("user"); !user_name.empty()) {
                auto const id = storage::UserRepository(tx, caller.change).id_of(user_name);
                if (!id) throw scim::Error::not_found("tenant " + tenant.name + " has no user \"" + user_name + "\"");
                user_id = *id;
            }
            service::issue_token(tx, caller, server::sha256_hex(token), label, scope, user_id, rate, burst);
            return 0;
        });
    // Shown once it is stored: a token printed for a transaction that did not commit would be worthless.
    std::cerr << "scimd: issued " << scope_text << " token \"" << label << "\" for tenant " << tenant_name
              << (user_id.empty() ? "" : " acting as user " + o.get("user")) << "; it is shown only now\n";
    std::cout << token << "\n";
    return status;
}

int token_revoke(ParsedOptions const& o) {
    auto const& label = required(o, "label");
    return with_tenant(o, [&](pqxx::work& tx, storage::Tenant const& tenant, service::Caller const& caller) {
        if (!service::revoke_token(tx, caller, label))
            throw scim::Error::not_found("tenant " + tenant.name + " has no active token labelled \"" + label + "\"");
        std::cerr << "scimd: revoked token \"" << label << "\" of tenant " << tenant.name << "\n";
        return 0;
    });
}

int token_list(ParsedOptions const& o) {
    return reading_tenant(o, [](pqxx::transaction_base& tx, storage::Tenant const& tenant) {
        for (auto const& t : storage::TokenRepository(tx).list_active(tenant.id))
            std::cout << t.label << "\t" << storage::scope_name(t.scope) << "\t" << t.created_at << "\t"
                      << (t.last_used_at.empty() ? "never used" : t.last_used_at) << "\n";
        return 0;
    });
}

}  // namespace

std::vector<Command> token_commands() {
    return {
        {"Tokens",
         {"token issue",
          "",
          "Issues an API token for a tenant and prints it, alone, on stdout. Only its SHA-256 is stored: keep it now.",
          {{"tenant", "NAME", "the tenant the token belongs to", ""},
           {"scope", "read|write|audit", "read: GET only; write: every method; audit: GET /AuditEvents only", "write"},
           {"label", "LABEL", "a name for the token, unique among the tenant's active tokens (default: generated)", ""},
           {"user", "USERNAME", "bind the token to this user of the tenant: /Me is that user", ""},
           {"rate-limit", "N/s", "this token's own request rate, within its tenant's (default: only the tenant's)", ""},
           {"burst", "N", "requests this token may send at once (default: one second of its rate)", ""},
           database_url_option()},
          0},
         token_issue},
        {"Tokens",
         {"token revoke",
          "",
          "Revokes a tenant's token by its label.",
          {tenant_option(), {"label", "LABEL", "the token's label", ""}, database_url_option()},
          0},
         token_revoke},
        {"Tokens",
         {"token list",
          "",
          "Lists a tenant's active tokens: label, scope, created, last used.",
          {tenant_option(), database_url_option()},
          0},
         token_list},
    };
}

}  // namespace cli
