#include "storage/user_repository.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include <boost/json/parse.hpp>
#include <pqxx/pqxx>

#include "storage/database.hpp"
#include "tests/support/expect_error.hpp"
#include "tests/support/test_database.hpp"

namespace json = boost::json;

namespace {

json::object user(std::string_view user_name, std::string_view extra = "") {
    return json::parse("{\"userName\":\"" + std::string(user_name) + "\"" + std::string(extra) + "}").as_object();
}

storage::ChangeContext context(std::string tenant) {
    return {std::move(tenant), "", "req-1", std::chrono::system_clock::now()};
}

// A full replace as the handlers do it: the directory rules applied to the new attributes against the stored ones.
storage::StoredResource replace(storage::UserRepository& users, std::string const& id, json::object attributes,
                                std::optional<std::string> const& hash = std::nullopt) {
    auto const found = users.find(id);
    auto const previous = found ? found->attributes : json::object{};
    return users.update(id, users.directory().apply(std::move(attributes), found ? &previous : nullptr), hash, previous,
                        storage::ChangeOperation::replace);
}

}  // namespace

TEST_CASE("a created user can be found with its attributes, version 1 and timestamps") {
    TestDatabase db;
    auto const ctx = context(db.create_tenant("Acme"));
    pqxx::work tx(db.connection());
    storage::UserRepository users(tx, ctx);
    auto const created = users.create(user("bjensen", R"(,"active":true,"emails":[{"value":"b@x.com"}])"), "hash");
    CHECK(storage::is_uuid(created.id));
    CHECK(created.version == 1);
    CHECK(created.created == created.last_modified);
    CHECK(created.created.size() == 24);
    auto const found = users.find(created.id);
    REQUIRE(found);
    CHECK(found->attributes.at("userName") == "bjensen");
    CHECK(found->attributes.at("emails").at(0).at("value") == "b@x.com");
    CHECK_FALSE(users.find("not-a-uuid"));
    CHECK_FALSE(users.find("00000000-0000-0000-0000-000000000000"));
}

TEST_CASE("userName is unique per tenant regardless of case, and free in other tenants") {
    TestDatabase db;
    auto const acme = context(db.create_tenant("Acme"));
    auto const beta = context(db.create_tenant("Beta"));
    {
        pqxx::work tx(db.connection());
        storage::UserRepository(tx, acme).create(user("JDoe@x.com"), std::nullopt);
        tx.commit();
    }
    {
        pqxx::work tx(db.connection());
        storage::UserRepository users(tx, acme);
        auto const e = expect_error([&] { users.create(user("jdoe@X.COM"), std::nullopt); });
        CHECK(e.status() == 409);
        CHECK(e.scim_type() == scim::ScimType::uniqueness);
        CHECK(e.detail().find("jdoe@X.COM") != std::string::npos);
    }
    pqxx::work tx(db.connection());
    CHECK_NOTHROW(storage::UserRepository(tx, beta).create(user("jdoe@x.com"), std::nullopt));
}

TEST_CASE("one tenant never sees or changes another's users") {
    TestDatabase db;
    auto const acme = context(db.create_tenant("Acme"));
    auto const beta = context(db.create_tenant("Beta"));
    pqxx::work tx(db.connection());
    auto const id = storage::UserRepository(tx, acme).create(user("a"), std::nullopt).id;
    storage::UserRepository other(tx, beta);
    CHECK_FALSE(other.find(id));
    CHECK(expect_error([&] { replace(other, id, user("b"), std::nullopt); }).status() == 404);
    CHECK_FALSE(other.remove(id));
    CHECK(storage::UserRepository(tx, acme).find(id)->attributes.at("userName") == "a");
}

TEST_CASE("an update replaces the attributes, bumps the version and keeps the password hash when none is given") {
    TestDatabase db;
    auto const ctx = context(db.create_tenant("Acme"));
    pqxx::work tx(db.connection());
    storage::UserRepository users(tx, ctx);
    auto const id = users.create(user("a", R"(,"title":"Boss")"), "hash-1").id;
    auto const updated = replace(users, id, user("a2"), std::nullopt);
    CHECK(updated.version == 2);
    CHECK(updated.attributes.at("userName") == "a2");
    CHECK_FALSE(updated.attributes.contains("title"));
    CHECK(tx.exec_params1("SELECT password_hash FROM users WHERE id = $1", id)[0].as<std::string>() == "hash-1");
    replace(users, id, user("a2"), "hash-2");
    CHECK(tx.exec_params1("SELECT password_hash FROM users WHERE id = $1", id)[0].as<std::string>() == "hash-2");
}

TEST_CASE("an update to a taken userName is a uniqueness error") {
    TestDatabase db;
    auto const ctx = context(db.create_tenant("Acme"));
    pqxx::work tx(db.connection());
    storage::UserRepository users(tx, ctx);
    users.create(user("a"), std::nullopt);
    auto const id = users.create(user("b"), std::nullopt).id;
    CHECK(expect_error([&] { replace(users, id, user("A"), std::nullopt); }).scim_type() == scim::ScimType::uniqueness);
}

TEST_CASE("remove deletes once, and every change is in the change records") {
    TestDatabase db;
    auto const ctx = context(db.create_tenant("Acme"));
    pqxx::work tx(db.connection());
    storage::UserRepository users(tx, ctx);
    auto const id = users.create(user("a"), std::nullopt).id;
    replace(users, id, user("b"), std::nullopt);
    CHECK(users.remove(id));
    CHECK_FALSE(users.remove(id));
    CHECK_FALSE(users.find(id));
    auto const log = tx.exec_params(
        "SELECT operation, version, request_id, array_to_string(attributes, ',') FROM changes"
        " WHERE resource_id = $1 ORDER BY id",
        id);
    REQUIRE(log.size() == 3);
    CHECK(log[0][0].as<std::string>() == "create");
    CHECK(log[0][1].as<int>() == 1);
    CHECK(log[1][0].as<std::string>() == "replace");
    CHECK(log[1][1].as<int>() == 2);
    CHECK(log[1][3].as<std::string>() == "userName");
    CHECK(log[2][0].as<std::string>() == "delete");
    CHECK(log[2][1].is_null());
    CHECK(log[2][2].as<std::string>() == "req-1");
}

TEST_CASE("concurrent creates of one userName: exactly one wins") {
    TestDatabase db;
    auto const ctx = context(db.create_tenant("Acme"));
    std::atomic<int> created{0}, conflicts{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&, i] {
            auto connection = storage::connect(db.url());
            try {
                pqxx::work tx(*connection);
                storage::UserRepository(tx, ctx).create(user(i % 2 ? "Racer" : "racer"), std::nullopt);
                tx.commit();
                ++created;
            } catch (scim::Error const& e) {
                if (e.scim_type() == scim::ScimType::uniqueness) ++conflicts;
            }
        });
    for (auto& t : threads) t.join();
    CHECK(created == 1);
    CHECK(conflicts == 7);
}
