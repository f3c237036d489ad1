// Reading the cursor secret.
#include "storage/cursor_secret.hpp"

#include <stdexcept>

#include <pqxx/pqxx>

namespace storage {

std::string load_cursor_secret(pqxx::transaction_base& tx) {
    auto const r = tx.exec("SELECT secret FROM cursor_secret");
    if (r.empty()) throw std::runtime_error("the cursor secret is missing: run 'scimd migrate'");
    return r[0][0].as<std::string>();
}

}  // namespace storage
