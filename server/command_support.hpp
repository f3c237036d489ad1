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

/// The tenant with that name. @throws scim::Error 404 naming it.
storage::Tenant existing_tenant(pqxx::transaction_base& tx, std::string const& name);

}  // namespace server
