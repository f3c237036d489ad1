// Option parsing for the command line.
#include "cli/options.hpp"

#include <cstdlib>

#include "scim/text.hpp"

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
    for (auto const& o : spec.options) {
        if (out.values_.count(o.name)) continue;
        if (char const* env = std::getenv(environment_name(o.name).c_str()); env && *env)
            out.values_[o.name] = env;
        else if (!o.default_value.empty())
            out.values_[o.name] = o.default_value;
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
