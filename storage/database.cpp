// Connection opening and URL redaction.
#include "storage/database.hpp"

#include <regex>

#include <pqxx/except>

namespace storage {

std::string redact_url(std::string const& url) {
    static std::regex const uri_password(R"(^(\w+://[^:/@]*:)[^@]*@)");
    static std::regex const keyword_password(R"((password\s*=\s*)('[^']*'|\S+))");
    auto out = std::regex_replace(url, uri_password, "$1***@");
    return std::regex_replace(out, keyword_password, "$1***");
}

std::unique_ptr<pqxx::connection> connect(std::string const& url) {
    try {
        auto connection = std::make_unique<pqxx::connection>(url);
        // JIT compiles a statement whose estimated cost is high, which is any statement on a table whose statistics
        // are stale (a tenant just bulk-loaded): hundreds of milliseconds for a statement that runs in one.
        connection->set_variable("jit", "off");
        return connection;
    } catch (pqxx::broken_connection const& e) {
        std::string reason = e.what();
        if (auto const newline = reason.find('\n'); newline != std::string::npos) reason.resize(newline);
        throw DatabaseUnavailable("cannot connect to the database " + redact_url(url) + ": " + reason);
    } catch (pqxx::failure const& e) {
        std::string reason = e.what();
        if (auto const newline = reason.find('\n'); newline != std::string::npos) reason.resize(newline);
        throw DatabaseUnavailable("cannot use the database " + redact_url(url) + ": " + reason);
    }
}

}  // namespace storage
