// The signing key tables in SQL.
#include "storage/detail/signing_keys.hpp"

#include <stdexcept>

#include "storage/detail/statements.hpp"

namespace storage::detail {

namespace {

// The table names are the code's own, never input: still, only these two are spliced into SQL.
std::string const& checked(std::string const& table) {
    if (table != "event_signing_keys" && table != "oauth_signing_keys")
        throw std::invalid_argument("no signing key table " + table);
    return table;
}

}  // namespace

void add_signing_key(pqxx::transaction_base& tx, std::string const& table, SigningKey const& key) {
    exec_sql(tx, "UPDATE " + checked(table) + " SET retired_at = now() WHERE retired_at IS NULL");
    exec_sql(tx,
             "INSERT INTO " + checked(table) +
                 " (kid, algorithm, private_key_pem, public_jwk) VALUES ($1, $2, $3, $4::jsonb)",
             key.kid, key.algorithm, key.private_key_pem, key.public_jwk);
}

std::optional<SigningKey> current_signing_key(pqxx::transaction_base& tx, std::string const& table) {
    auto const rows = exec_sql(tx, "SELECT kid, algorithm, private_key_pem, public_jwk::text FROM " + checked(table) +
                                       " WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1");
    if (rows.empty()) return std::nullopt;
    return SigningKey{rows[0][0].as<std::string>(), rows[0][1].as<std::string>(), rows[0][2].as<std::string>(),
                      rows[0][3].as<std::string>()};
}

}  // namespace storage::detail
