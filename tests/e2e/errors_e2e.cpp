// Client mistakes get RFC 7644 error bodies with the right status and scimType, and change nothing.
#include <doctest/doctest.h>

#include <functional>
#include <string>

#include <pqxx/pqxx>

#include "tests/e2e/e2e_fixture.hpp"

namespace {

void check_error_body(HttpResult const& r, int status) {
    CHECK(r.status == status);
    CHECK(r.header("Content-Type") == "application/scim+json");
    auto const body = r.json().as_object();
    CHECK(body.at("schemas").as_array().at(0) == "urn:ietf:params:scim:api:messages:2.0:Error");
    CHECK(body.at("status").as_string() == std::to_string(status));
    CHECK_FALSE(body.at("detail").as_string().empty());
}

}  // namespace

TEST_CASE("bad bodies are 400 with the scimType that says why, and the database stays as it was") {
    E2E e;
    auto const id = e.create_user("existing");
    struct Case {
        std::string body;
        std::string scim_type;
        std::string named;  // what the detail must mention
    };
    std::string const s = core_user_schema;
    Case const cases[] = {
        {"{\"userName\":", "invalidSyntax", "JSON"},
        {"[1,2]", "invalidSyntax", "object"},
        {"{" + s + ",\"userName\":\"a\",\"name\":[1]}", "invalidValue", "name"},
        {"{" + s + ",\"userName\":42}", "invalidValue", "userName"},
        {"{" + s + ",\"userName\":\"a\",\"active\":\"maybe\"}", "invalidValue", "active"},
        {"{" + s + ",\"userName\":\"a\",\"emails\":[{\"value\":\"a\",\"type\":\"pigeon\"}]}", "invalidValue",
         "emails[0].type"},
        {"{" + s +
             ",\"userName\":\"a\",\"emails\":[{\"value\":\"a\",\"primary\":true},{\"value\":\"b\",\"primary\":true}]}",
         "invalidValue", "primary"},
        {"{" + s + "}", "invalidValue", "userName"},
        {"{\"userName\":\"a\"}", "invalidSyntax", "schemas"},
    };
    auto const before = e.users_snapshot();
    for (auto const& c : cases) {
        CAPTURE(c.body);
        for (auto const* method : {"POST", "PUT"}) {
            CAPTURE(method);
            auto const path = std::string(method) == "POST" ? "/scim/v2/Users" : "/scim/v2/Users/" + id;
            auto const r =
                e.call(method, path, c.body, e.acme.write_token, {{"Content-Type", "application/scim+json"}});
            check_error_body(r, 400);
            CHECK(r.json().at("scimType").as_string() == c.scim_type);
            CHECK(std::string(r.json().at("detail").as_string()).find(c.named) != std::string::npos);
        }
    }
    CHECK(e.users_snapshot() == before);
}

TEST_CASE("unsupported media types are 415") {
    E2E e;
    auto const r = e.call("POST", "/scim/v2/Users", std::string("{") + core_user_schema + R"(,"userName":"a"})",
                          e.acme.write_token, {{"Content-Type", "application/x-www-form-urlencoded"}});
    check_error_body(r, 415);
    CHECK(e.count_users("acme") == 0);
    auto const ok = e.call("POST", "/scim/v2/Users", std::string("{") + core_user_schema + R"(,"userName":"a"})",
                           e.acme.write_token, {{"Content-Type", "application/json; charset=utf-8"}});
    CHECK(ok.status == 201);
}

TEST_CASE("unknown routes are 404 and wrong methods 405 with Allow") {
    E2E e;
    check_error_body(e.get("/scim/v2/Nope"), 404);
    check_error_body(e.get("/elsewhere"), 404);
    check_error_body(e.get("/scim/v2/Users/a/b"), 404);
    auto const r = e.call("DELETE", "/scim/v2/Users", "", e.acme.write_token);
    check_error_body(r, 405);
    CHECK(r.header("Allow") == "GET, POST");
    check_error_body(e.call("POST", "/scim/v2/ServiceProviderConfig", "{}", e.acme.write_token,
                            {{"Content-Type", "application/scim+json"}}),
                     405);
}

TEST_CASE("a body over the limit is 413, refused before it is read") {
    E2E e({true, {"--max-body-bytes", "4096"}});
    HttpsClient client(e.server->port(), true);
    auto const r = client.request_header_only(
        "POST", "/scim/v2/Users", 10 * 1024 * 1024,
        {{"Authorization", "Bearer " + e.acme.write_token}, {"Content-Type", "application/scim+json"}});
    check_error_body(r, 413);
    CHECK(client.closed_by_server());

    // A body just over the limit, sent whole, gets the same answer.
    std::string big =
        std::string("{") + core_user_schema + R"(,"userName":"big","title":")" + std::string(5000, 'x') + "\"}";
    HttpsClient second(e.server->port(), true);
    auto const whole =
        second.request("POST", "/scim/v2/Users", big,
                       {{"Authorization", "Bearer " + e.acme.write_token}, {"Content-Type", "application/scim+json"}});
    CHECK(whole.status == 413);
    CHECK(e.count_users("acme") == 0);
}

TEST_CASE("while the database is unreachable requests are 503 with Retry-After, and served again once it is back") {
    E2E e;
    // scimd logs in as a role of its own, so that the test can lock it out without touching other tests.
    auto const role = "scimd_" + e.db.schema();
    auto const as_admin = [&](std::string const& sql) {
        pqxx::work tx(e.db.connection());
        tx.exec(sql);
        tx.commit();
    };
    as_admin("CREATE ROLE " + role + " LOGIN; GRANT USAGE ON SCHEMA " + e.db.schema() + " TO " + role +
             "; GRANT ALL ON ALL TABLES IN SCHEMA " + e.db.schema() + " TO " + role +
             "; GRANT ALL ON ALL SEQUENCES IN SCHEMA " + e.db.schema() + " TO " + role);
    struct DropRole {
        std::function<void()> drop;
        ~DropRole() { drop(); }
    } const cleanup{[&] {
        e.server.reset();
        as_admin("DROP OWNED BY " + role + "; DROP ROLE IF EXISTS " + role);
    }};
    auto url = e.db.url();
    url.replace(url.find("postgres@"), std::string_view("postgres").size(), role);
    e.server = std::make_unique<ScimdServer>(url, ScimdServer::Options{});
    REQUIRE(e.get("/scim/v2/Users").status == 200);

    as_admin("ALTER ROLE " + role + " NOLOGIN");
    as_admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'");
    auto const down = e.get("/scim/v2/Users");
    check_error_body(down, 503);
    CHECK(down.header("Retry-After") == "5");

    as_admin("ALTER ROLE " + role + " LOGIN");
    CHECK(e.get("/scim/v2/Users").status == 200);
}
