// A throwaway PostgreSQL schema with the real migrations applied, dropped at the end of the test.
#pragma once

#include <memory>
#include <string>

#include <pqxx/connection>

/// Each instance owns a fresh schema in the database of SCIMD_TEST_DATABASE_URL (which must be set: the test
/// fails loudly instead of skipping), so tests can run in parallel.
class TestDatabase {
public:
    TestDatabase();
    ~TestDatabase();
    TestDatabase(TestDatabase const&) = delete;
    TestDatabase& operator=(TestDatabase const&) = delete;

    /// A connection URL whose search_path is this schema.
    std::string const& url() const { return url_; }
    std::string const& schema() const { return schema_; }
    /// A connection to this schema, opened on first use.
    pqxx::connection& connection();
    /// Creates a tenant and returns its id.
    std::string create_tenant(std::string const& name);

private:
    std::string base_url_;
    std::string schema_;
    std::string url_;
    std::unique_ptr<pqxx::connection> connection_;
};

/// SCIMD_TEST_DATABASE_URL, or a failed test explaining how to run the suite.
std::string test_database_url();
