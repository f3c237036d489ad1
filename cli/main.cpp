// The scimd command line: one table of commands, each with its spec and function, listed by noun in --help.
#include <algorithm>
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "cli/command.hpp"
#include "cli/support.hpp"
#include "scim/error.hpp"
#include "server/server.hpp"
#include "storage/database.hpp"

namespace {

using cli::Command;
using cli::ParsedOptions;
using cli::UsageError;

std::vector<Command> const& commands() {
    static std::vector<Command> const all = [] {
        std::vector<Command> out;
        for (auto part : {cli::serving_commands(), cli::tenant_commands(), cli::token_commands(),
                          cli::directory_commands(), cli::device_commands(), cli::csv_commands(), cli::audit_commands(),
                          cli::event_commands(), cli::oauth_commands(), cli::conformance_commands()})
            for (auto& c : part) out.push_back(std::move(c));
        return out;
    }();
    return all;
}

// `text` broken into lines of at most `width` characters, every line after the first indented by `indent`.
std::string wrapped(std::string const& text, std::size_t indent, std::size_t width) {
    std::string out, line;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find(' ', start);
        if (end == std::string::npos) end = text.size();
        auto const word = text.substr(start, end - start);
        if (!line.empty() && indent + line.size() + 1 + word.size() > width) {
            out += line + "\n" + std::string(indent, ' ');
            line.clear();
        }
        line += (line.empty() ? "" : " ") + word;
        start = end + 1;
    }
    return out + line;
}

std::string overview() {
    std::string out = "usage: scimd COMMAND [options]\n\nscimd is a SCIM 2.0 provisioning server.\n";
    std::string_view group;
    for (auto const& c : commands()) {
        if (c.group != group) {
            group = c.group;
            out += "\n" + std::string(group) + ":\n";
        }
        std::string left = "  " + c.spec.name + (c.spec.arguments.empty() ? "" : " " + c.spec.arguments);
        if (left.size() < 24)
            left.resize(24, ' ');
        else
            left += "\n" + std::string(24, ' ');
        out += left + " " + wrapped(c.spec.summary, 25, 118) + "\n";
    }
    return out + "\n'scimd COMMAND --help' describes a command's options.\n";
}

int run(std::vector<std::string> const& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::cout << overview();
        return args.empty() ? 2 : 0;
    }
    for (auto const& c : commands()) {
        // A command is one or more words: "serve", "token issue", "events stream create".
        std::vector<std::string> words;
        for (std::size_t start = 0; start <= c.spec.name.size();) {
            auto const space = std::min(c.spec.name.find(' ', start), c.spec.name.size());
            words.push_back(c.spec.name.substr(start, space - start));
            start = space + 1;
        }
        if (args.size() < words.size() || !std::equal(words.begin(), words.end(), args.begin())) continue;
        auto const options = ParsedOptions::parse(c.spec, {args.begin() + static_cast<long>(words.size()), args.end()});
        if (options.help()) {
            std::cout << cli::usage(c.spec);
            return 0;
        }
        return c.run(options);
    }
    throw UsageError("unknown command \"" + args[0] + (args.size() > 1 && args[1][0] != '-' ? " " + args[1] : "") +
                     "\" (see 'scimd --help')");
}

}  // namespace

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);
    try {
        return run({argv + 1, argv + argc});
    } catch (UsageError const& e) {
        std::cerr << "scimd: " << e.what() << "\n";
        return 2;
    } catch (storage::DatabaseUnavailable const& e) {
        std::cerr << "scimd: " << e.what() << "\n";
        return 2;
    } catch (server::StartupError const& e) {
        std::cerr << "scimd: " << e.what() << "\n";
        return 2;
    } catch (pqxx::undefined_table const&) {
        std::cerr << "scimd: the database has no scimd schema yet: run 'scimd migrate'\n";
        return 2;
    } catch (scim::Error const& e) {
        std::cerr << "scimd: " << e.detail() << "\n";
        return 1;
    } catch (std::exception const& e) {
        std::cerr << "scimd: " << e.what() << "\n";
        return 1;
    }
}
