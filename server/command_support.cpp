#include "server/command_support.hpp"

#include "scim/error.hpp"

namespace server {

OptionSpec const& database_url_option() {
    static OptionSpec const option{"database-url", "URL", "PostgreSQL connection URL", "postgresql:///scimd"};
    return option;
}

std::string const& required(ParsedOptions const& options, std::string const& name, CommandSpec const& spec) {
    auto const& value = options.get(name);
    if (value.empty()) throw UsageError("--" + name + " is required (see 'scimd " + spec.name + " --help')");
    return value;
}

storage::Tenant existing_tenant(pqxx::transaction_base& tx, std::string const& name) {
    auto tenant = storage::TenantRepository(tx).find_by_name(name);
    if (!tenant) throw scim::Error::not_found("no tenant named \"" + name + "\" (see 'scimd tenant list')");
    return *tenant;
}

}  // namespace server
