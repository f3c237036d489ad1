// What the scimd subcommands share: the database option, required options, rates, and the one preamble of every
// tenant command (connect, open a transaction, find the tenant, write as the command line, commit).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "cli/options.hpp"
#include "scim/error.hpp"
#include "server/egress_policy.hpp"
#include "service/writes.hpp"
#include "storage/database.hpp"
#include "storage/tenant_repository.hpp"
#include "storage/token_repository.hpp"

namespace cli {

/// --database-url, shared by every command that reaches the database (a function: specs of other files copy it
/// during static initialisation).
OptionSpec const& database_url_option();
/// --config FILE: the configuration file of a command that serves or prepares the database.
OptionSpec const& config_option();
/// --tenant NAME.
OptionSpec const& tenant_option();

/// --allow-private-egress and --egress-allow: where outbound URLs (push receivers, JWKS) may point. `scimd serve`
/// enforces them on every connection; the commands that store such a URL check a literal address in it against them.
std::vector<OptionSpec> const& egress_options();
/// `options` followed by the egress options.
std::vector<OptionSpec> with_egress_options(std::vector<OptionSpec> options);
/// The policy those options give. @throws UsageError for a malformed range.
server::EgressPolicy egress_policy(ParsedOptions const& options);
/// Refuses (UsageError naming `flag`) a URL whose host is an IP address the policy refuses; a name is checked by
/// `scimd serve` when it connects.
void check_outbound_url(ParsedOptions const& options, std::string const& url, std::string const& flag);

/// The --scope option: read, write or audit. @throws UsageError for anything else.
storage::TokenScope scope_option(ParsedOptions const& options);

/// The value of a required option. @throws UsageError naming it when absent.
std::string const& required(ParsedOptions const& options, std::string const& name);

/// A rate as written on the command line: "200/s", "12000/min", "200" (per second) or "off" (0).
/// @throws UsageError naming `option` for anything else.
double parse_rate(std::string const& text, std::string const& option);

/// A positive number of requests. @throws UsageError naming `option`.
double parse_burst(std::string const& text, std::string const& option);

/// The tenant with that name. @throws scim::Error 404 naming it.
storage::Tenant existing_tenant(pqxx::transaction_base& tx, std::string const& name);

/// How the command line writes to a tenant: its change records name "cli" as the actor.
service::Caller command_line_caller(storage::Tenant const& tenant);

/// Runs `write(tx, tenant, caller)` on the tenant named by --tenant in one transaction and commits it when
/// `write` returns 0; anything else (or a throw) rolls it back. Returns what `write` returned.
template <class Write>
int with_tenant(ParsedOptions const& options, Write&& write) {
    auto connection = storage::connect(options.get("database-url"));
    pqxx::work tx(*connection);
    auto const tenant = existing_tenant(tx, required(options, "tenant"));
    int const status = write(tx, tenant, command_line_caller(tenant));
    if (status == 0) tx.commit();
    return status;
}

/// Runs `read(tx, tenant)` on the tenant named by --tenant in a read-only transaction.
template <class Read>
int reading_tenant(ParsedOptions const& options, Read&& read) {
    auto connection = storage::connect(options.get("database-url"));
    pqxx::read_transaction tx(*connection);
    return read(tx, existing_tenant(tx, required(options, "tenant")));
}

}  // namespace cli
