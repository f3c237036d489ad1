// What the scimd subcommands share: the database option, required options, finding the tenant named on the line.
#pragma once

#include <string>

#include <pqxx/transaction_base>

#include "server/cli_options.hpp"
#include "storage/tenant_repository.hpp"

namespace server {

/// --database-url, shared by every command that reaches the database (a function: specs of other files copy it
/// during static initialisation).
OptionSpec const& database_url_option();

/// The value of a required option. @throws UsageError naming it when absent.
std::string const& required(ParsedOptions const& options, std::string const& name, CommandSpec const& spec);

/// A rate as written on the command line: "200/s", "12000/min", "200" (per second) or "off" (0).
/// @throws UsageError naming `option` for anything else.
double parse_rate(std::string const& text, std::string const& option);

/// A positive number of requests. @throws UsageError naming `option`.
double parse_burst(std::string const& text, std::string const& option);

/// The tenant with that name. @throws scim::Error 404 naming it.
storage::Tenant existing_tenant(pqxx::transaction_base& tx, std::string const& name);

}  // namespace server
