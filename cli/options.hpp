// Command-line options of the scimd subcommands: --name VALUE or --name=VALUE, each also read from an
// environment variable SCIMD_<NAME>, and generated --help text.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace cli {

struct OptionSpec {
    std::string name;        // without dashes: "database-url"
    std::string value_name;  // "URL"; empty for a switch such as --no-tls
    std::string help;
    std::string default_value;
};

/// A mistake on the command line; main prints it in one line and exits 2.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct CommandSpec {
    std::string name;       // "token issue"
    std::string arguments;  // positional arguments for the usage line, e.g. "NAME"
    std::string summary;
    std::vector<OptionSpec> options;
    std::size_t positional = 0;  // how many positional arguments it takes
};

class ParsedOptions {
public:
    /// Parses `args` (after the command words). Unknown options, missing values and a wrong number of
    /// positional arguments are UsageErrors. Options not given are read from SCIMD_<NAME> (dashes as
    /// underscores), then fall back to the spec's default.
    static ParsedOptions parse(CommandSpec const& spec, std::vector<std::string> const& args);

    std::string const& get(std::string const& name) const;
    bool is_set(std::string const& name) const;  // a switch given as --name or SCIMD_NAME=1/true/yes
    long get_number(std::string const& name, long min, long max) const;
    std::vector<std::string> const& positional() const { return positional_; }
    bool help() const { return help_; }
    CommandSpec const& spec() const { return *spec_; }

private:
    CommandSpec const* spec_ = nullptr;
    std::map<std::string, std::string> values_;
    std::vector<std::string> positional_;
    bool help_ = false;
};

/// The environment variable of an option: "database-url" -> "SCIMD_DATABASE_URL".
std::string environment_name(std::string const& option);

/// The --help text of a command.
std::string usage(CommandSpec const& spec);

}  // namespace cli
