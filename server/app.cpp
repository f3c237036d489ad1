// Construction of the shared application state.
#include "server/app.hpp"

#include <algorithm>
#include <thread>

namespace server {

App::App(ServeConfig c, scim::SchemaRegistry const& schema_registry)
    : config(std::move(c)),
      registry(schema_registry),
      db(config.database_url, config.db_connections),
      cpu(std::max<std::size_t>(1, std::thread::hardware_concurrency())),
      auth(db, config.token_cache_ttl) {}

}  // namespace server
