// Opening PostgreSQL connections, with errors a person can read.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include <pqxx/connection>

namespace storage {

/// The database could not be reached or refused us; the message is one line and never holds a password.
class DatabaseUnavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Opens a connection to `url` (a libpq URI or key=value string).
/// @throws DatabaseUnavailable with libpq's reason and the address without its password.
std::unique_ptr<pqxx::connection> connect(std::string const& url);

/// `url` with any password replaced by "***", for messages and logs.
std::string redact_url(std::string const& url);

}  // namespace storage
