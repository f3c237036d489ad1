// Shared pieces of the subcommands.
#include "cli/support.hpp"

#include <cmath>
#include <optional>
#include <string_view>
#include <utility>

#include <boost/url/parse.hpp>

namespace cli {
namespace {

// The number at the start of `text` and what follows it; nullopt when there is no number.
std::optional<std::pair<double, std::string_view>> leading_number(std::string_view text) {
    std::size_t used = 0;
    double value = 0;
    try {
        value = std::stod(std::string(text), &used);
    } catch (std::exception const&) {
        return std::nullopt;
    }
    if (used == 0 || !std::isfinite(value)) return std::nullopt;
    return std::pair{value, text.substr(used)};
}

}  // namespace

OptionSpec const& database_url_option() {
    static OptionSpec const option{"database-url", "URL", "PostgreSQL connection URL", "postgresql:///scimd",
                                   Secret::url_password};
    return option;
}

OptionSpec const& config_option() {
    static OptionSpec const option{"config", "FILE",
                                   "a file of \"name = value\" lines with these options' names; flags and "
                                   "environment variables override it",
                                   ""};
    return option;
}

OptionSpec const& tenant_option() {
    static OptionSpec const option{"tenant", "NAME", "the tenant", ""};
    return option;
}

std::vector<OptionSpec> const& egress_options() {
    static std::vector<OptionSpec> const options{
        {"allow-private-egress", "",
         "let push receivers and JWKS URLs be at loopback, private and link-local addresses (never by default)", ""},
        {"egress-allow", "CIDR,...", "ranges that push receivers and JWKS URLs may be in although not public", ""}};
    return options;
}

std::vector<OptionSpec> with_egress_options(std::vector<OptionSpec> options) {
    options.insert(options.end(), egress_options().begin(), egress_options().end());
    return options;
}

server::EgressPolicy egress_policy(ParsedOptions const& options) {
    try {
        return server::EgressPolicy(options.is_set("allow-private-egress"), options.get("egress-allow"));
    } catch (std::invalid_argument const& e) {
        throw UsageError(std::string("--egress-allow: ") + e.what());
    }
}

void check_outbound_url(ParsedOptions const& options, std::string const& url, std::string const& flag) {
    auto const parsed = boost::urls::parse_uri(url);
    if (!parsed || !parsed->has_authority() || parsed->host().empty() ||
        (parsed->scheme() != "https" && parsed->scheme() != "http"))
        throw UsageError(flag + " must be an http:// or https:// URL with a host, not \"" + url + "\"");
    if (parsed->has_userinfo()) throw UsageError(flag + " must not hold a user name or password: \"" + url + "\"");
    auto host = std::string(parsed->host());
    if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
    if (auto const why = egress_policy(options).refusal(host))
        throw UsageError(flag + " " + url + " points at " + *why + ", which scimd does not connect to unless " +
                         server::EgressPolicy::how_to_allow + " allows it");
}

storage::TokenScope scope_option(ParsedOptions const& options) {
    auto const& text = options.get("scope");
    if (text != "read" && text != "write" && text != "audit") throw UsageError("--scope must be read, write or audit");
    return storage::scope_from(text);
}

std::string const& required(ParsedOptions const& options, std::string const& name) {
    auto const& value = options.get(name);
    if (value.empty()) throw UsageError("--" + name + " is required (see 'scimd " + options.spec().name + " --help')");
    return value;
}

double parse_rate(std::string const& text, std::string const& option) {
    if (text == "off" || text == "0") return 0;
    auto const number = leading_number(text);
    if (number && number->first > 0) {
        if (number->second.empty() || number->second == "/s") return number->first;
        if (number->second == "/min") return number->first / 60;
    }
    throw UsageError("--" + option + " is a rate such as 200/s or 6000/min, or off; not \"" + text + "\"");
}

double parse_burst(std::string const& text, std::string const& option) {
    auto const number = leading_number(text);
    if (!number || number->first < 1 || !number->second.empty())
        throw UsageError("--" + option + " is a number of requests (1 or more), not \"" + text + "\"");
    return number->first;
}

storage::Tenant existing_tenant(pqxx::transaction_base& tx, std::string const& name) {
    auto tenant = storage::TenantRepository(tx).find_by_name(name);
    if (!tenant) throw scim::Error::not_found("no tenant named \"" + name + "\" (see 'scimd tenant list')");
    return *tenant;
}

service::Caller command_line_caller(storage::Tenant const& tenant) {
    service::Caller caller;
    caller.change.tenant_id = tenant.id;
    caller.change.actor = "cli";
    caller.read.unknown = tenant.unknown_attributes;
    return caller;
}

}  // namespace cli
