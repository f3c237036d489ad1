// Option parsing for the command line.
#include "cli/options.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "scim/text.hpp"
#include "storage/database.hpp"

namespace cli {

std::string environment_name(std::string const& option) {
    std::string out = "SCIMD_";
    for (char c : option) out += c == '-' ? '_' : static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    return out;
}

ParsedOptions ParsedOptions::parse(CommandSpec const& spec, std::vector<std::string> const& args) {
    ParsedOptions out;
    out.spec_ = &spec;
    auto const find = [&](std::string const& name) -> OptionSpec const* {
        for (auto const& o : spec.options)
            if (o.name == name) return &o;
        return nullptr;
    };
    auto const hint = " (see 'scimd " + spec.name + " --help')";
    for (std::size_t i = 0; i < args.size(); ++i) {
        auto const& arg = args[i];
        if (arg == "--help" || arg == "-h") {
            out.help_ = true;
            return out;
        }
        if (arg.rfind("--", 0) != 0) {
            out.positional_.push_back(arg);
            continue;
        }
        auto name = arg.substr(2);
        std::string value;
        bool has_value = false;
        if (auto const eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name.resize(eq);
            has_value = true;
        }
        auto const* option = find(name);
        if (!option) throw UsageError("unknown option --" + name + hint);
        if (option->value_name.empty()) {
            if (has_value) throw UsageError("--" + name + " takes no value" + hint);
            out.values_[name] = "1";
            continue;
        }
        if (!has_value) {
            if (i + 1 >= args.size()) throw UsageError("--" + name + " needs a value " + option->value_name + hint);
            value = args[++i];
        }
        out.values_[name] = value;
    }
    if (out.positional_.size() != spec.positional)
        throw UsageError(spec.positional == 0 ? "unexpected argument \"" + out.positional_.front() + "\"" + hint
                                              : "expected " + spec.arguments + hint);
    for (auto const& [name, value] : out.values_) out.sources_[name] = Source::flag;
    auto const environment = [](std::string const& name) -> char const* {
        char const* env = std::getenv(environment_name(name).c_str());
        return env && *env ? env : nullptr;
    };
    std::map<std::string, std::string> file;
    if (find("config")) {
        std::string path = out.get("config");
        if (path.empty() && environment("config")) path = environment("config");
        if (!path.empty()) {
            std::ifstream in(path);
            if (!in) throw UsageError("cannot read the configuration file " + path);
            std::ostringstream text;
            text << in.rdbuf();
            for (auto& [name, value] : parse_configuration(text.str(), path)) {
                auto const& ignored = spec.ignored_config_names;
                if (std::find(ignored.begin(), ignored.end(), name) != ignored.end() && !find(name)) continue;
                auto const* option = find(name);
                if (!option || name == "config" || name == "print-config")
                    throw UsageError(path + ": \"" + name + "\" is not an option of 'scimd " + spec.name + "'" + hint);
                file[name] = value;
            }
        }
    }
    for (auto const& o : spec.options) {
        if (out.values_.count(o.name)) continue;
        if (auto const* env = environment(o.name)) {
            out.values_[o.name] = env;
            out.sources_[o.name] = Source::environment;
        } else if (auto const it = file.find(o.name); it != file.end()) {
            out.values_[o.name] = it->second;
            out.sources_[o.name] = Source::file;
        } else if (!o.default_value.empty()) {
            out.values_[o.name] = o.default_value;
            out.sources_[o.name] = Source::default_value;
        }
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> parse_configuration(std::string const& text,
                                                                     std::string const& origin) {
    std::vector<std::pair<std::string, std::string>> out;
    auto const trim = [](std::string_view s) {
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
        return s;
    };
    std::istringstream lines(text);
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number) {
        auto const content = trim(line);
        if (content.empty() || content.front() == '#') continue;
        auto const where = origin + ":" + std::to_string(number);
        auto const eq = content.find('=');
        if (eq == std::string_view::npos) throw UsageError(where + ": expected \"name = value\"");
        auto const name = trim(content.substr(0, eq));
        auto value = trim(content.substr(eq + 1));
        if (name.empty()) throw UsageError(where + ": expected \"name = value\"");
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
        out.emplace_back(std::string(name), std::string(value));
    }
    return out;
}

Source ParsedOptions::source(std::string const& name) const {
    auto const it = sources_.find(name);
    return it == sources_.end() ? Source::unset : it->second;
}

std::string ParsedOptions::effective_configuration() const {
    std::string out = "# the effective configuration of 'scimd " + spec_->name + "'; secrets are redacted\n";
    for (auto const& o : spec_->options) {
        if (o.name == "config" || o.name == "print-config") continue;
        auto value = get(o.name);
        if (o.value_name.empty()) value = is_set(o.name) ? "true" : "false";
        if (!value.empty() && o.secret == Secret::url_password) value = storage::redact_url(value);
        if (!value.empty() && o.secret == Secret::whole) value = "***";
        std::string line = o.name + " = " + value;
        if (line.size() < 48) line.resize(48, ' ');
        switch (source(o.name)) {
            case Source::flag:
                line += " # from --" + o.name;
                break;
            case Source::environment:
                line += " # from " + environment_name(o.name);
                break;
            case Source::file:
                line += " # from " + get("config");
                break;
            case Source::default_value:
            case Source::unset:
                line += " # default";
                break;
        }
        out += line + "\n";
    }
    return out;
}

std::string const& ParsedOptions::get(std::string const& name) const {
    static std::string const empty;
    auto const it = values_.find(name);
    return it == values_.end() ? empty : it->second;
}

bool ParsedOptions::is_set(std::string const& name) const {
    auto const& v = get(name);
    return v == "1" || scim::iequals(v, "true") || scim::iequals(v, "yes") || scim::iequals(v, "on");
}

long ParsedOptions::get_number(std::string const& name, long min, long max) const {
    auto const& text = get(name);
    char* end = nullptr;
    long const value = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || value < min || value > max)
        throw UsageError("--" + name + " must be a whole number from " + std::to_string(min) + " to " +
                         std::to_string(max) + ", not \"" + text + "\"");
    return value;
}

std::string usage(CommandSpec const& spec) {
    std::string out = "usage: scimd " + spec.name + (spec.options.empty() ? "" : " [options]") +
                      (spec.arguments.empty() ? "" : " " + spec.arguments) + "\n\n" + spec.summary + "\n";
    if (!spec.options.empty()) out += "\noptions (each also read from the environment variable shown):\n";
    for (auto const& o : spec.options) {
        std::string left = "  --" + o.name + (o.value_name.empty() ? "" : " " + o.value_name);
        if (left.size() < 30) left.resize(30, ' ');
        out += left + " " + o.help + " [" + environment_name(o.name) +
               (o.default_value.empty() ? "" : "; default " + o.default_value) + "]\n";
    }
    return out;
}

}  // namespace cli
