// Serving the SCIM API, and preparing its database: scimd serve, scimd migrate.
#include <algorithm>
#include <iostream>
#include <string>
#include <thread>

#include "cli/command.hpp"
#include "cli/support.hpp"
#include "server/log.hpp"
#include "server/server.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"

namespace cli {
namespace {

std::string const cores = std::to_string(std::max(1u, std::thread::hardware_concurrency()));

CommandSpec serve_spec() {
    return {
        "serve",
        "",
        "Serves the SCIM 2.0 API over HTTPS until SIGINT or SIGTERM; reloads the TLS certificate and key on SIGHUP.",
        {config_option(),
         {"print-config", "", "print the effective configuration (secrets redacted) and exit", ""},
         {"listen", "HOST:PORT", "address to listen on (port 0 picks a free one)", "127.0.0.1:8443"},
         {"admin-listen", "HOST:PORT|off",
          "plain-HTTP address of /livez, /readyz and /metrics, for probes and Prometheus; never the SCIM port",
          "127.0.0.1:9464"},
         database_url_option(),
         {"read-database-url", "URL",
          "a streaming replica of the database (or a balancer in front of replicas) for reads that need not see "
          "their client's latest writes",
          "", Secret::url_password},
         {"read-db-connections", "N", "connections to the read replica (0: as many as --db-connections)", "0"},
         {"read-your-writes-window", "MS",
          "how long after a token writes its reads keep going to the primary, not the replica", "5000"},
         {"tls-cert", "FILE", "PEM certificate chain for HTTPS", ""},
         {"tls-key", "FILE", "PEM private key for HTTPS", ""},
         {"no-tls", "", "serve plain HTTP, for use behind a TLS-terminating load balancer", ""},
         {"public-url", "URL", "scheme://host[:port] clients use, for meta.location (default: from the Host header)",
          ""},
         {"io-threads", "N", "threads for network I/O", cores},
         {"db-connections", "N", "PostgreSQL connections, each with its own worker thread",
          std::to_string(2 * std::max(1u, std::thread::hardware_concurrency()))},
         {"max-body-bytes", "N", "largest request body accepted; larger ones get 413", "1048576"},
         {"read-timeout", "SECONDS", "time to receive a request once it has begun", "30"},
         {"idle-timeout", "SECONDS", "time a kept-alive connection may wait for its next request", "60"},
         {"drain-delay", "SECONDS",
          "after SIGTERM, time to keep serving while /readyz says 503, so load balancers stop sending first", "0"},
         {"shutdown-timeout", "SECONDS", "time in-flight requests get to finish after SIGTERM", "20"},
         {"token-cache-ms", "MS", "how long a checked token is trusted before the database is asked again", "5000"},
         {"access-log", "on|off", "one log line per request on stderr", "on"},
         {"log-format", "text|json", "log lines as text, or as one JSON object per line", "text"},
         {"events-delivery", "on|off", "push change events to the tenants' push streams from this instance", "on"},
         {"oauth", "on|off", "the OAuth token endpoint, access tokens and the JWTs of trusted issuers", "on"},
         {"oauth-token-lifetime", "SECONDS", "how long an OAuth access token is valid", "3600"},
         {"oauth-ca-file", "FILE", "PEM CAs trusted, besides the system's, for trusted issuers' and clients' JWKS URLs",
          ""},
         egress_options()[0],
         egress_options()[1],
         {"oauth-jwks-refresh", "SECONDS",
          "the least time between two fetches of an issuer's JWKS (a token with an unknown kid asks for one)", "60"},
         {"audit-retention-interval", "SECONDS",
          "how often change records older than their tenant's audit-retention-days are deleted", "3600"},
         {"default-page-size", "N", "resources per page when a list names no count", "100"},
         {"max-page-size", "N", "the largest count a list honours (ServiceProviderConfig filter.maxResults)", "1000"},
         {"cursor-timeout", "SECONDS", "how long a pagination cursor stays valid", "3600"},
         {"max-inline-members", "N",
          "the most members a group response carries; page larger groups' members through "
          "/Users?filter=groups.value eq \"<id>\"",
          "100000"},
         {"bulk-max-operations", "N", "the most operations one /Bulk request may carry", "1000"},
         {"bulk-max-payload-bytes", "N", "largest /Bulk request body accepted; larger ones get 413", "1048576"},
         {"import-max-bytes", "N", "largest CSV accepted by POST /Users/.import; larger ones get 413", "16777216"},
         {"max-buffered-body-bytes", "N",
          "request body bytes all connections may hold at once; beyond, 503 and "
          "Retry-After",
          "134217728"},
         {"max-values-per-attribute", "N",
          "values one multi-valued attribute may have in a request (group members "
          "aside); more is 400",
          "1000"},
         {"max-members-per-request", "N", "group members one request may give; more is 400", "100000"},
         {"statement-timeout", "MS",
          "PostgreSQL statement_timeout of every connection: the most database time one "
          "statement of a request may take (0: none)",
          "30000"},
         {"auth-failures", "N/s", "failed authentications a source address may make, per second, before 429", "1/s"},
         {"auth-failure-burst", "N", "failed authentications a source address may make at once", "20"}},
        0};
}

int run_serve(ParsedOptions const& o) {
    if (o.is_set("print-config")) {
        std::cout << o.effective_configuration();
        return 0;
    }
    server::ServeConfig c;
    c.listen = o.get("listen");
    c.admin_listen = o.get("admin-listen") == "off" ? std::string() : o.get("admin-listen");
    c.drain_delay = std::chrono::seconds(o.get_number("drain-delay", 0, 3600));
    auto const& format = o.get("log-format");
    if (format != "text" && format != "json") throw UsageError("--log-format must be text or json");
    server::set_log_format(format == "json" ? server::LogFormat::json : server::LogFormat::text);
    c.database_url = o.get("database-url");
    c.read_database_url = o.get("read-database-url");
    c.read_db_connections = static_cast<std::size_t>(o.get_number("read-db-connections", 0, 1000));
    c.read_your_writes_window = std::chrono::milliseconds(o.get_number("read-your-writes-window", 0, 3600000));
    c.egress = egress_policy(o);
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
    auto const& delivery = o.get("events-delivery");
    if (delivery != "on" && delivery != "off") throw UsageError("--events-delivery must be on or off");
    c.events_delivery = delivery == "on";
    auto const& oauth = o.get("oauth");
    if (oauth != "on" && oauth != "off") throw UsageError("--oauth must be on or off");
    c.oauth = oauth == "on";
    c.oauth_token_lifetime = std::chrono::seconds(o.get_number("oauth-token-lifetime", 60, 86400));
    c.oauth_ca_file = o.get("oauth-ca-file");
    c.oauth_jwks_refresh = std::chrono::seconds(o.get_number("oauth-jwks-refresh", 1, 86400));
    c.audit_retention_interval = std::chrono::seconds(o.get_number("audit-retention-interval", 1, 7 * 24 * 3600));
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
    c.auth_failure_limit = {parse_rate(o.get("auth-failures"), "auth-failures"),
                            parse_burst(o.get("auth-failure-burst"), "auth-failure-burst")};
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

}  // namespace

std::vector<Command> serving_commands() {
    auto serve = serve_spec();
    CommandSpec migrate{"migrate",
                        "",
                        "Applies the database schema migrations this scimd needs. Safe to run again.",
                        {config_option(), database_url_option()},
                        0};
    // Both read the same file: what serve takes, migrate passes over.
    for (auto const& option : serve.options) migrate.ignored_config_names.push_back(option.name);
    return {{"Serving", std::move(serve), run_serve}, {"Serving", std::move(migrate), run_migrate}};
}

}  // namespace cli
