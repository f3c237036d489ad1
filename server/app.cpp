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
      bulk_slots(cpu.get_executor(), std::max<std::size_t>(1, config.db_connections)) {}

}  // namespace server
