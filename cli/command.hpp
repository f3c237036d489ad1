// A scimd subcommand: what it takes (its spec), the noun it is listed under in --help, and the function that runs it.
#pragma once

#include <string_view>
#include <vector>

#include "cli/options.hpp"

namespace cli {

struct Command {
    std::string_view group;  // "Tenants", "Tokens", ...: --help lists commands by it
    CommandSpec spec;
    int (*run)(ParsedOptions const&);  // the exit status
};

// The command table, by file: each file holds the commands of one noun.
std::vector<Command> serving_commands();    // serve, migrate
std::vector<Command> tenant_commands();     // tenant create | list | set | show
std::vector<Command> token_commands();      // token issue | revoke | list
std::vector<Command> directory_commands();  // site, license, number, user purge
std::vector<Command> device_commands();     // device list, activate, redeem
std::vector<Command> csv_commands();        // import-csv, export-csv
std::vector<Command> audit_commands();      // audit
std::vector<Command> event_commands();
std::vector<Command> conformance_commands();  // conformance
std::vector<Command> oauth_commands();  // client create | list | revoke, tenant trust | trusts | untrust, oauth key //
                                        // events stream create | list | pause | resume | delete, events key

}  // namespace cli
