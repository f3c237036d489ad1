// The installation's key for signing pagination cursors, shared by every instance through the database.
#pragma once

#include <string>

#include <pqxx/transaction_base>

namespace storage {

/// The secret created by the migrations. @throws std::runtime_error when it is missing.
std::string load_cursor_secret(pqxx::transaction_base& tx);

}  // namespace storage
