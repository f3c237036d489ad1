// The scimd command line: serve, migrate, tenant and token administration; the directory's commands are in
// server/directory_commands.cpp.
#include <csignal>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "scim/error.hpp"
#include "server/cli_options.hpp"
#include "server/command_support.hpp"
#include "server/directory_commands.hpp"
#include "server/crypto.hpp"
#include "server/server.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "storage/tenant_repository.hpp"
#include "storage/token_repository.hpp"
#include "storage/user_repository.hpp"

namespace {

using server::CommandSpec;
using server::OptionSpec;
using server::ParsedOptions;
using server::UsageError;

OptionSpec const& database_url = server::database_url_option();

std::string const cores = std::to_string(std::max(1u, std::thread::hardware_concurrency()));

CommandSpec const serve_spec{
    "serve", "", "Serves the SCIM 2.0 API over HTTPS until SIGINT or SIGTERM.",
    {{"listen", "HOST:PORT", "address to listen on (port 0 picks a free one)", "127.0.0.1:8443"},
     database_url,
     {"tls-cert", "FILE", "PEM certificate chain for HTTPS", ""},
     {"tls-key", "FILE", "PEM private key for HTTPS", ""},
     {"no-tls", "", "serve plain HTTP, for use behind a TLS-terminating load balancer", ""},
     {"public-url", "URL", "scheme://host[:port] clients use, for meta.location (default: from the Host header)", ""},
     {"io-threads", "N", "threads for network I/O", cores},
     {"db-connections", "N", "PostgreSQL connections, each with its own worker thread",
      std::to_string(2 * std::max(1u, std::thread::hardware_concurrency()))},
     {"max-body-bytes", "N", "largest request body accepted; larger ones get 413", "1048576"},
     {"read-timeout", "SECONDS", "time to receive a request once it has begun", "30"},
     {"idle-timeout", "SECONDS", "time a kept-alive connection may wait for its next request", "60"},
     {"shutdown-timeout", "SECONDS", "time in-flight requests get to finish after SIGTERM", "20"},
     {"token-cache-ms", "MS", "how long a checked token is trusted before the database is asked again", "5000"},
     {"access-log", "on|off", "one log line per request on stderr", "on"},
     {"default-page-size", "N", "resources per page when a list names no count", "100"},
     {"max-page-size", "N", "the largest count a list honours (ServiceProviderConfig filter.maxResults)", "1000"},
     {"cursor-timeout", "SECONDS", "how long a pagination cursor stays valid", "3600"},
     {"max-inline-members", "N", "the most members a group response carries; page larger groups' members through "
                                 "/Users?filter=groups.value eq \"<id>\"", "100000"},
     {"bulk-max-operations", "N", "the most operations one /Bulk request may carry", "1000"},
     {"bulk-max-payload-bytes", "N", "largest /Bulk request body accepted; larger ones get 413", "1048576"},
     {"import-max-bytes", "N", "largest CSV accepted by POST /Users/.import; larger ones get 413", "16777216"},
     {"max-buffered-body-bytes", "N", "request body bytes all connections may hold at once; beyond, 503 and "
                                      "Retry-After", "134217728"},
     {"max-values-per-attribute", "N", "values one multi-valued attribute may have in a request (group members "
                                       "aside); more is 400", "1000"},
     {"max-members-per-request", "N", "group members one request may give; more is 400", "100000"},
     {"statement-timeout", "MS", "PostgreSQL statement_timeout of every connection: the most database time one "
                                 "statement of a request may take (0: none)", "30000"},
     {"auth-failures", "N/s", "failed authentications a source address may make, per second, before 429", "1/s"},
     {"auth-failure-burst", "N", "failed authentications a source address may make at once", "20"}},
    0};

CommandSpec const migrate_spec{"migrate", "",
                               "Applies the database schema migrations this scimd needs. Safe to run again.",
                               {database_url}, 0};

CommandSpec const tenant_create_spec{"tenant create", "NAME", "Creates a tenant.",
                                     {{"domain", "DOMAIN", "the tenant's e-mail domain", ""}, database_url}, 1};
CommandSpec const tenant_list_spec{"tenant list", "", "Lists the tenants, one name per line.", {database_url}, 0};

CommandSpec const token_issue_spec{
    "token issue", "",
    "Issues an API token for a tenant and prints it, alone, on stdout. Only its SHA-256 is stored: keep it now.",
    {{"tenant", "NAME", "the tenant the token belongs to", ""},
     {"scope", "read|write", "read: GET only; write: every method", "write"},
     {"label", "LABEL", "a name for the token, unique among the tenant's active tokens (default: generated)", ""},
     {"user", "USERNAME", "bind the token to this user of the tenant: /Me is that user", ""},
     {"rate-limit", "N/s", "this token's own request rate, within its tenant's (default: only the tenant's)", ""},
     {"burst", "N", "requests this token may send at once (default: one second of its rate)", ""},
     database_url},
    0};
CommandSpec const token_revoke_spec{"token revoke", "", "Revokes a tenant's token by its label.",
                                    {{"tenant", "NAME", "the tenant", ""},
                                     {"label", "LABEL", "the token's label", ""},
                                     database_url},
                                    0};
CommandSpec const token_list_spec{"token list", "", "Lists a tenant's active tokens (label, scope, created, last used).",
                                  {{"tenant", "NAME", "the tenant", ""}, database_url}, 0};

std::vector<CommandSpec const*> const commands = [] {
    std::vector<CommandSpec const*> all{&serve_spec,       &migrate_spec,      &tenant_create_spec, &tenant_list_spec,
                                        &token_issue_spec, &token_revoke_spec, &token_list_spec};
    for (auto const* c : server::directory_commands()) all.push_back(c);
    return all;
}();

std::string overview() {
    std::string out = "usage: scimd COMMAND [options]\n\nscimd is a SCIM 2.0 provisioning server.\n\ncommands:\n";
    for (auto const* c : commands) {
        std::string left = "  " + c->name + (c->arguments.empty() ? "" : " " + c->arguments);
        if (left.size() < 22) left.resize(22, ' ');
        out += left + " " + c->summary.substr(0, c->summary.find('.') + 1) + "\n";
    }
    return out + "\n'scimd COMMAND --help' describes a command's options.\n";
}

using server::existing_tenant;
using server::required;

int run_serve(ParsedOptions const& o) {
    server::ServeConfig c;
    c.listen = o.get("listen");
    c.database_url = o.get("database-url");
    c.tls_cert = o.get("tls-cert");
    c.tls_key = o.get("tls-key");
    c.no_tls = o.is_set("no-tls");
    c.public_url = o.get("public-url");
    c.io_threads = static_cast<std::size_t>(o.get_number("io-threads", 1, 256));
    c.db_connections = static_cast<std::size_t>(o.get_number("db-connections", 1, 1000));
    c.max_body_bytes = static_cast<std::size_t>(o.get_number("max-body-bytes", 1024, 1L << 30));
    c.read_timeout = std::chrono::seconds(o.get_number("read-timeout", 1, 3600));
    c.idle_timeout = std::chrono::seconds(o.get_number("idle-timeout", 1, 3600));
    c.shutdown_timeout = std::chrono::seconds(o.get_number("shutdown-timeout", 0, 3600));
    c.token_cache_ttl = std::chrono::milliseconds(o.get_number("token-cache-ms", 0, 3600000));
    auto const& log = o.get("access-log");
    if (log != "on" && log != "off") throw UsageError("--access-log must be on or off");
    c.access_log = log == "on";
    c.max_page_size = o.get_number("max-page-size", 1, 100000);
    c.default_page_size = o.get_number("default-page-size", 1, c.max_page_size);
    c.cursor_lifetime = std::chrono::seconds(o.get_number("cursor-timeout", 1, 7 * 24 * 3600));
    c.max_inline_members = o.get_number("max-inline-members", 0, 100000000);
    c.bulk_max_operations = static_cast<std::size_t>(o.get_number("bulk-max-operations", 1, 1000000));
    c.bulk_max_payload_bytes = static_cast<std::size_t>(o.get_number("bulk-max-payload-bytes", 1024, 1L << 30));
    c.import_max_bytes = static_cast<std::size_t>(o.get_number("import-max-bytes", 1024, 1L << 30));
    c.max_buffered_body_bytes = static_cast<std::size_t>(o.get_number("max-buffered-body-bytes", 1024, 1L << 40));
    c.max_values_per_attribute = static_cast<std::size_t>(o.get_number("max-values-per-attribute", 1, 1000000));
    c.max_members_per_request = static_cast<std::size_t>(o.get_number("max-members-per-request", 1, 100000000));
    c.statement_timeout = std::chrono::milliseconds(o.get_number("statement-timeout", 0, 24L * 3600 * 1000));
    c.auth_failure_limit = {server::parse_rate(o.get("auth-failures"), "auth-failures"),
                            server::parse_burst(o.get("auth-failure-burst"), "auth-failure-burst")};
    return server::serve(c);
}

int run_migrate(ParsedOptions const& o) {
    auto connection = storage::connect(o.get("database-url"));
    auto const applied = storage::migrate(*connection);
    auto const status = storage::migration_status(*connection);
    std::cerr << "scimd: database schema at version " << status.applied
              << (applied.empty() ? " (nothing to do)" : " (applied " + std::to_string(applied.size()) + ")") << "\n";
    return 0;
}

int run_tenant_create(ParsedOptions const& o) {
    auto connection = storage::connect(o.get("database-url"));
    pqxx::work tx(*connection);
    auto const tenant = storage::TenantRepository(tx).create(o.positional()[0], o.get("domain"));
    tx.commit();
    std::cerr << "scimd: created tenant " << tenant.name << " (" << tenant.id << ")\n";
    return 0;
}

int run_tenant_list(ParsedOptions const& o) {
    auto connection = storage::connect(o.get("database-url"));
    pqxx::read_transaction tx(*connection);
    for (auto const& t : storage::TenantRepository(tx).list()) std::cout << t.name << "\n";
    return 0;
}

int run_token_issue(ParsedOptions const& o) {
    auto const& tenant_name = required(o, "tenant", token_issue_spec);
    auto const& scope_text = o.get("scope");
    if (scope_text != "read" && scope_text != "write") throw UsageError("--scope must be read or write");
    auto label = o.get("label");
    if (label.empty()) label = "token-" + server::new_request_id().substr(0, 8);
    auto const token = server::new_token();
    auto connection = storage::connect(o.get("database-url"));
    pqxx::work tx(*connection);
    auto const tenant = existing_tenant(tx, tenant_name);
    std::string user_id;
    if (auto const& user_name = o.get("user"); !user_name.empty()) {
        storage::ChangeContext const context{tenant.id, "", "", std::chrono::system_clock::now()};
        auto const id = storage::UserRepository(tx, context).id_of(user_name);
        if (!id) throw scim::Error::not_found("tenant " + tenant.name + " has no user \"" + user_name + "\"");
        user_id = *id;
    }
    double rate = 0, burst = 0;
    if (auto const& text = o.get("rate-limit"); !text.empty()) rate = server::parse_rate(text, "rate-limit");
    if (auto const& text = o.get("burst"); !text.empty()) burst = server::parse_burst(text, "burst");
    if (rate > 0 && burst == 0) burst = std::max(1.0, rate);
    storage::TokenRepository(tx).issue(tenant.id, server::sha256_hex(token), label,
                                       scope_text == "write" ? storage::TokenScope::write : storage::TokenScope::read,
                                       user_id, rate, burst);
    tx.commit();
    std::cerr << "scimd: issued " << scope_text << " token \"" << label << "\" for tenant " << tenant.name
              << (user_id.empty() ? "" : " acting as user " + o.get("user")) << "; it is shown only now\n";
    std::cout << token << "\n";
    return 0;
}

int run_token_revoke(ParsedOptions const& o) {
    auto const& tenant_name = required(o, "tenant", token_revoke_spec);
    auto const& label = required(o, "label", token_revoke_spec);
    auto connection = storage::connect(o.get("database-url"));
    pqxx::work tx(*connection);
    auto const tenant = existing_tenant(tx, tenant_name);
    if (!storage::TokenRepository(tx).revoke(tenant.id, label))
        throw scim::Error::not_found("tenant " + tenant.name + " has no active token labelled \"" + label + "\"");
    tx.commit();
    std::cerr << "scimd: revoked token \"" << label << "\" of tenant " << tenant.name << "\n";
    return 0;
}

int run_token_list(ParsedOptions const& o) {
    auto const& tenant_name = required(o, "tenant", token_list_spec);
    auto connection = storage::connect(o.get("database-url"));
    pqxx::read_transaction tx(*connection);
    auto const tenant = existing_tenant(tx, tenant_name);
    for (auto const& t : storage::TokenRepository(tx).list_active(tenant.id))
        std::cout << t.label << "\t" << (t.scope == storage::TokenScope::write ? "write" : "read") << "\t"
                  << t.created_at << "\t" << (t.last_used_at.empty() ? "never used" : t.last_used_at) << "\n";
    return 0;
}

int run(std::vector<std::string> const& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::cout << overview();
        return args.empty() ? 2 : 0;
    }
    for (auto const* spec : commands) {
        // A command is one or two words: "serve", "token issue".
        auto const space = spec->name.find(' ');
        std::size_t words = space == std::string::npos ? 1 : 2;
        if (args[0] != spec->name.substr(0, space)) continue;
        if (words == 2 && (args.size() < 2 || args[1] != spec->name.substr(space + 1))) continue;
        auto const options = ParsedOptions::parse(*spec, {args.begin() + static_cast<long>(words), args.end()});
        if (options.help()) {
            std::cout << server::usage(*spec);
            return 0;
        }
        if (spec == &serve_spec) return run_serve(options);
        if (spec == &migrate_spec) return run_migrate(options);
        if (spec == &tenant_create_spec) return run_tenant_create(options);
        if (spec == &tenant_list_spec) return run_tenant_list(options);
        if (spec == &token_issue_spec) return run_token_issue(options);
        if (spec == &token_revoke_spec) return run_token_revoke(options);
        if (spec == &token_list_spec) return run_token_list(options);
        return server::run_directory_command(*spec, options);
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
