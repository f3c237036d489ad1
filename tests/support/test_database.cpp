// Throwaway schemas for integration tests.
#include "tests/support/test_database.hpp"

#include <cstdlib>
#include <random>
#include <stdexcept>

#include <pqxx/pqxx>

#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "storage/tenant_repository.hpp"

std::string test_database_url() {
    char const* url = std::getenv("SCIMD_TEST_DATABASE_URL");
    if (!url || !*url)
        throw std::runtime_error(
            "SCIMD_TEST_DATABASE_URL is not set: run the suite with deploy/test.sh, which starts a throwaway "
            "PostgreSQL and sets it");
    return url;
}

TestDatabase::TestDatabase() : base_url_(test_database_url()) {
    std::random_device random;
    std::uniform_int_distribution<unsigned long long> digits;
    schema_ = "test_" + std::to_string(digits(random) % 1000000000000ULL);
    {
        auto admin = storage::connect(base_url_);
        pqxx::work tx(*admin);
        tx.exec("CREATE SCHEMA " + tx.quote_name(schema_));
        tx.commit();
    }
    url_ = base_url_ + (base_url_.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema_;
    auto migrator = storage::connect(url_);
    storage::migrate(*migrator);
}

TestDatabase::~TestDatabase() {
    try {
        connection_.reset();
        auto admin = storage::connect(base_url_);
        pqxx::work tx(*admin);
        tx.exec("DROP SCHEMA " + tx.quote_name(schema_) + " CASCADE");
        tx.commit();
    } catch (std::exception const&) {
        // A leftover schema in a throwaway cluster harms nothing.
    }
}

pqxx::connection& TestDatabase::connection() {
    if (!connection_) connection_ = storage::connect(url_);
    return *connection_;
}

std::string TestDatabase::create_tenant(std::string const& name) {
    pqxx::work tx(connection());
    auto const tenant = storage::TenantRepository(tx).create(name, "");
    tx.commit();
    return tenant.id;
}
