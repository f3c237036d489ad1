// Applying the embedded migrations and recording them in schema_migrations.
#include "storage/migrations.hpp"

#include <stdexcept>
#include <string>

#include <pqxx/pqxx>

namespace storage {
namespace {

struct Migration {
    int version;
    std::string name;
    std::string_view sql;
};

// V001__create_things.sql -> {1, "create_things"}
std::vector<Migration> known_migrations() {
    std::vector<Migration> out;
    for (auto const& [file, sql] : migration_files::files()) {
        auto const separator = file.find("__");
        if (file.size() < 2 || file[0] != 'V' || separator == std::string_view::npos)
            throw std::runtime_error("migration file name must be V<number>__<name>.sql: " + std::string(file));
        auto const name = file.substr(separator + 2, file.size() - separator - 2 - 4);
        out.push_back({std::stoi(std::string(file.substr(1, separator - 1))), std::string(name), sql});
    }
    return out;
}

constexpr char const* create_history = R"(
    CREATE TABLE IF NOT EXISTS schema_migrations (
        version     integer PRIMARY KEY,
        name        text NOT NULL,
        applied_at  timestamptz NOT NULL DEFAULT now()
    ))";

int applied_version(pqxx::transaction_base& tx) {
    auto const exists = tx.exec1("SELECT to_regclass('schema_migrations') IS NOT NULL")[0].as<bool>();
    if (!exists) return 0;
    return tx.exec1("SELECT coalesce(max(version), 0) FROM schema_migrations")[0].as<int>();
}

}  // namespace

std::vector<int> migrate(pqxx::connection& connection) {
    std::vector<int> applied;
    for (auto const& m : known_migrations()) {
        pqxx::work tx(connection);
        // One migrator at a time per schema; the lock ends with the transaction.
        tx.exec("SELECT pg_advisory_xact_lock(hashtext('scimd migrations ' || current_schema()))");
        tx.exec(create_history);
        if (applied_version(tx) >= m.version) continue;
        try {
            tx.exec(std::string(m.sql));
        } catch (pqxx::sql_error const& e) {
            throw std::runtime_error("migration V" + std::to_string(m.version) + " " + m.name + " failed: " + e.what());
        }
        tx.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version, m.name);
        tx.commit();
        applied.push_back(m.version);
    }
    return applied;
}

MigrationStatus migration_status(pqxx::connection& connection) {
    MigrationStatus status;
    for (auto const& m : known_migrations()) status.latest = std::max(status.latest, m.version);
    pqxx::read_transaction tx(connection);
    status.applied = applied_version(tx);
    return status;
}

}  // namespace storage
