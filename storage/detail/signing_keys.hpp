// Signing keys kept in a table of their own (event_signing_keys, oauth_signing_keys): the same rows and rules for
// both, one current key at a time, older ones retired but kept.
#pragma once

#include <optional>
#include <string>

#include <pqxx/transaction_base>

#include "storage/event_repository.hpp"

namespace storage::detail {

/// Retires the current key of `table` and makes `key` the current one. `table` is one of the two names above.
void add_signing_key(pqxx::transaction_base& tx, std::string const& table, SigningKey const& key);
/// The current key of `table`, with its private key.
std::optional<SigningKey> current_signing_key(pqxx::transaction_base& tx, std::string const& table);

}  // namespace storage::detail
