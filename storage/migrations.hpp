// Forward-only schema migrations from storage/migrations/V<NNN>__<name>.sql, compiled into the binary.
#pragma once

#include <string>
#include <vector>

#include <pqxx/connection>

#include "scim/embedded_file.hpp"

namespace storage {

namespace migration_files {
/// Every storage/migrations/*.sql file, sorted by name.
std::vector<scim::EmbeddedFile> const& files();
}  // namespace migration_files

struct MigrationStatus {
    int applied = 0;  // highest version applied to the database
    int latest = 0;   // highest version this binary knows
};

/// Applies every migration newer than the database's, each in its own transaction, holding an advisory lock
/// so that concurrent runs apply each migration once. Idempotent. Returns the versions applied.
/// @throws std::runtime_error when a migration fails, naming it.
std::vector<int> migrate(pqxx::connection& connection);

/// Where the database stands against this binary's migrations.
MigrationStatus migration_status(pqxx::connection& connection);

}  // namespace storage
