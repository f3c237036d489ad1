// Construction of the shared application state.
#include "server/app.hpp"

#include <algorithm>
#include <thread>

namespace server {

App::App(ServeConfig c, scim::SchemaRegistry const& schema_registry, std::string cursor_secret)
    : config(std::move(c)),
      registry(schema_registry),
      db(config.database_url, config.db_connections, config.statement_timeout, metrics),
      cpu(std::max<std::size_t>(1, std::thread::hardware_concurrency())),
      auth(db, config.token_cache_ttl),
      cursors(std::move(cursor_secret), config.cursor_lifetime),
      bodies(config.max_buffered_body_bytes),
      bulk_slots(cpu.get_executor(), std::max<std::size_t>(1, config.db_connections)) {
    if (!config.read_database_url.empty())
        replica = std::make_unique<ReadReplica>(
            ReadReplicaOptions{config.database_url, config.read_database_url,
                               config.read_db_connections ? config.read_db_connections : config.db_connections,
                               config.statement_timeout, config.read_your_writes_window},
            metrics);
}

}  // namespace server
