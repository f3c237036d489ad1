// Statements run as prepared statements: each distinct SQL text is planned once per connection, not per request.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <pqxx/result>
#include <pqxx/transaction_base>

namespace storage::detail {

/// The name `sql` is prepared under on every connection, or empty once so many distinct statements were seen
/// (filters of ever new shapes) that preparing more would only grow each connection's memory.
std::string statement_name(std::string const& sql);

/// `sql` with its parameters, prepared on the transaction's connection the first time it runs there.
template <class... Args>
pqxx::result exec_sql(pqxx::transaction_base& tx, std::string const& sql, Args&&... args) {
    auto const name = statement_name(sql);
    if (name.empty()) return tx.exec_params(sql, std::forward<Args>(args)...);
    tx.conn().prepare(name, sql);  // a no-op when this connection has it already
    return tx.exec_prepared(name, std::forward<Args>(args)...);
}

/// exec_sql for a statement that returns exactly one row. @throws pqxx::unexpected_rows otherwise.
template <class... Args>
pqxx::row exec_sql1(pqxx::transaction_base& tx, std::string const& sql, Args&&... args) {
    auto const r = exec_sql(tx, sql, std::forward<Args>(args)...);
    if (r.size() != 1) throw pqxx::unexpected_rows("expected 1 row, got " + std::to_string(r.size()));
    return r[0];
}

/// A LIKE pattern that matches `text` literally: %, _ and the escape character are escaped with a backslash.
std::string escape_like(std::string_view text);

}  // namespace storage::detail
