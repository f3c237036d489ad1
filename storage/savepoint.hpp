// A savepoint inside a transaction: pqxx::subtransaction, begun at once. libpqxx 6.4 begins a subtransaction with
// its first exec() and does not count exec_prepared(), which is how every statement here runs; a statement that
// failed first would then find no savepoint to roll back to and leave the whole transaction aborted.
#pragma once

#include <string>

#include <pqxx/subtransaction>

namespace storage {

class Savepoint : public pqxx::subtransaction {
public:
    /// Sends SAVEPOINT now. Commit it with commit(); destroyed uncommitted, it rolls back to the savepoint.
    Savepoint(pqxx::dbtransaction& parent, std::string const& name)
        : pqxx::internal::namedclass("subtransaction", name), pqxx::subtransaction(parent, name) {
        Begin();
    }
};

}  // namespace storage
