// Importing the admin console's user CSV into a tenant: every row is checked, and the users are created in the
// caller's transaction only when every row can be; otherwise the caller rolls back and reports every problem.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <pqxx/dbtransaction>

#include "scim/user_csv.hpp"
#include "service/writes.hpp"

namespace service {

struct ImportedUser {
    std::size_t line = 0;
    std::string id;
    std::string user_name;
};

struct CsvImportResult {
    std::vector<ImportedUser> created;       // meaningful only when there are no problems
    std::vector<scim::CsvProblem> problems;  // by line; any problem means: roll back
    scim::IgnoredAttributes ignored;         // columns (and attributes) skipped under UnknownAttributes::ignore
};

/// Creates the users of `csv` in `tx`, through the same writes as every other path. A row without User.UserName
/// gets "<company>.<First>.<Last>", made unique in the tenant with ".2", ".3", ... Problems are a row's SCIM
/// validation, a duplicate in the file (userName, extension at a site, number), and what creating it met (no such
/// site, a full pool, a taken userName, ...). Unknown columns follow caller.read.unknown.
/// @throws scim::Error 400 invalidSyntax when the text is not CSV at all.
CsvImportResult import_users_csv(pqxx::dbtransaction& tx, Caller const& caller, std::string_view csv,
                                 std::string const& company);

/// The detail of a 400 for a rejected import: how many rows failed and each problem with its line (at most
/// `listed` of them).
std::string import_problems_detail(std::vector<scim::CsvProblem> const& problems, std::size_t rows,
                                   std::size_t listed = 100);

}  // namespace service
