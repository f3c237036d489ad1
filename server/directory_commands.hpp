// The directory's administration from the command line: tenant settings, sites, licence pools, claimed numbers,
// purging users, importing and exporting the user CSV.
#pragma once

#include <vector>

#include "server/cli_options.hpp"

namespace server {

std::vector<CommandSpec const*> directory_commands();

/// Runs `spec`, one of directory_commands(). Returns the exit status.
int run_directory_command(CommandSpec const& spec, ParsedOptions const& options);

}  // namespace server
