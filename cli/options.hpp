// Command-line options of the scimd subcommands: --name VALUE or --name=VALUE, each also read from an
// environment variable SCIMD_<NAME> and, for commands that take --config, from a configuration file of
// "name = value" lines with the flags' names. A flag beats the environment, which beats the file, which beats the
// default. Also the generated --help text.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace cli {

/// How an option's value is shown by --print-config.
enum class Secret {
    none,
    url_password,  // a URL whose password is replaced by ***
    whole,         // *** if set
};

struct OptionSpec {
    std::string name;        // without dashes: "database-url"
    std::string value_name;  // "URL"; empty for a switch such as --no-tls
    std::string help;
    std::string default_value;
    Secret secret = Secret::none;
};

/// Where an option's value came from.
enum class Source { flag, environment, file, default_value, unset };

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
    // Names a configuration file may hold for other commands sharing it, which this one ignores ('scimd migrate'
    // reads the file of 'scimd serve').
    std::vector<std::string> ignored_config_names = {};
};

class ParsedOptions {
public:
    /// Parses `args` (after the command words). Unknown options, missing values and a wrong number of
    /// positional arguments are UsageErrors. Options not given are read from SCIMD_<NAME> (dashes as
    /// underscores), then from the file --config (or SCIMD_CONFIG) names when the command takes one, then fall
    /// back to the spec's default. A file that cannot be read, or has a line that is not "name = value" with a
    /// name of this command, is a UsageError naming the file and line.
    static ParsedOptions parse(CommandSpec const& spec, std::vector<std::string> const& args);

    std::string const& get(std::string const& name) const;
    bool is_set(std::string const& name) const;  // a switch given as --name or SCIMD_NAME=1/true/yes
    long get_number(std::string const& name, long min, long max) const;
    std::vector<std::string> const& positional() const { return positional_; }
    Source source(std::string const& name) const;
    /// Every option with its effective value (secrets redacted) and where it came from, as a configuration file.
    std::string effective_configuration() const;
    bool help() const { return help_; }
    CommandSpec const& spec() const { return *spec_; }

private:
    CommandSpec const* spec_ = nullptr;
    std::map<std::string, std::string> values_;
    std::map<std::string, Source> sources_;
    std::vector<std::string> positional_;
    bool help_ = false;
};

/// The environment variable of an option: "database-url" -> "SCIMD_DATABASE_URL".
std::string environment_name(std::string const& option);

/// The "name = value" pairs of a configuration file, in order. Blank lines and lines starting with # are skipped;
/// a value may be wrapped in double quotes. @throws UsageError naming `origin` and the line.
std::vector<std::pair<std::string, std::string>> parse_configuration(std::string const& text,
                                                                     std::string const& origin);

/// The --help text of a command.
std::string usage(CommandSpec const& spec);

}  // namespace cli
