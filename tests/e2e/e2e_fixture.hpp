// End-to-end fixture: a throwaway schema, two tenants with tokens issued through the CLI, and a running scimd.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/https_client.hpp"
#include "tests/support/scimd_process.hpp"
#include "tests/support/test_database.hpp"

struct TenantTokens {
    std::string name;
    std::string write_token;
    std::string read_token;
};

/// Issues a token with `scimd token issue` and returns what it printed on stdout.
std::string issue_token(std::string const& database_url, std::string const& tenant, std::string const& scope,
                        std::string const& label);

class E2E {
public:
    explicit E2E(ScimdServer::Options options = {});

    /// One request on the fixture's kept-alive connection (reopened when the server closed it).
    HttpResult call(std::string const& method, std::string const& path, std::string const& body = "",
                    std::string const& token = "", std::map<std::string, std::string> headers = {});
    /// Shorthands with tenant acme's write token and application/scim+json bodies.
    HttpResult get(std::string const& path, std::map<std::string, std::string> headers = {});
    HttpResult post(std::string const& path, std::string const& body, std::map<std::string, std::string> headers = {});
    HttpResult put(std::string const& path, std::string const& body, std::map<std::string, std::string> headers = {});
    HttpResult del(std::string const& path, std::map<std::string, std::string> headers = {});

    /// Creates a user with that userName (and extra JSON members) and returns its id.
    std::string create_user(std::string const& user_name, std::string const& extra = "");
    /// Rows in the users table of a tenant (by name), read straight from PostgreSQL.
    long count_users(std::string const& tenant);
    /// The users table of the whole test schema as text, to compare before and after a request.
    std::string users_snapshot();

    /// Inserts `n` users straight into PostgreSQL for tenant `tenant`: userName "user<i>@example.com",
    /// externalId "ext<i>", one work email "mail<i>@example.com", familyName "F<i % 10>" (i from 1).
    void seed_users(std::string const& tenant, int n);

    /// Runs an administration command (`scimd ARGS --database-url <the test database>`), requires it to succeed
    /// and returns its standard output.
    std::string admin(std::vector<std::string> args);

    void restart(ScimdServer::Options options = {});

    TestDatabase db;
    TenantTokens acme{"acme", "", ""};
    TenantTokens beta{"beta", "", ""};
    std::unique_ptr<ScimdServer> server;

private:
    std::unique_ptr<HttpsClient> client_;
};

inline constexpr char const* core_user_schema = R"("schemas":["urn:ietf:params:scim:schemas:core:2.0:User"])";
