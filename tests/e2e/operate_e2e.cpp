// Operating scimd: the admin listener's probes and metrics, request ids, draining on SIGTERM, certificate reloads on
// SIGHUP, and the configuration file.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <pqxx/pqxx>

#include "tests/e2e/e2e_fixture.hpp"

namespace {

HttpResult admin_get(E2E& e, std::string const& path) {
    return HttpsClient(e.server->admin_port(), false).request("GET", path);
}

// Polls `path` on the admin port until it answers `status` or `within` passes; the last answer.
HttpResult admin_until(E2E& e, std::string const& path, int status, std::chrono::milliseconds within) {
    auto const deadline = std::chrono::steady_clock::now() + within;
    for (;;) {
        auto r = admin_get(e, path);
        if (r.status == status || std::chrono::steady_clock::now() > deadline) return r;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

std::string run(std::string const& command) {
    std::string out;
    if (FILE* pipe = popen(command.c_str(), "r")) {
        char buffer[512];
        while (auto n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
        pclose(pipe);
    }
    return out;
}

// The subject of the certificate a new TLS connection to `port` is shown.
std::string served_subject(unsigned short port) {
    return run("openssl s_client -connect 127.0.0.1:" + std::to_string(port) +
               " </dev/null 2>/dev/null | openssl x509 -noout -subject 2>/dev/null");
}

}  // namespace

TEST_CASE("the admin listener answers /livez, /readyz and /metrics, and nothing else, in plain HTTP") {
    E2E e;
    REQUIRE(e.server->admin_port() != 0);
    CHECK(admin_get(e, "/livez").status == 200);
    auto const ready = admin_get(e, "/readyz");
    CHECK(ready.status == 200);
    CHECK(ready.body == "ok\n");
    auto const other = admin_get(e, "/scim/v2/Users");
    CHECK(other.status == 404);
    CHECK(HttpsClient(e.server->admin_port(), false).request("POST", "/readyz", "x").status == 405);
    // The SCIM port does not serve them.
    CHECK(e.get("/metrics").status == 404);
}

TEST_CASE("/metrics counts requests by route template, never by id or tenant") {
    E2E e;
    auto const id = e.create_user("metered@example.com");
    CHECK(e.get("/scim/v2/Users/" + id).status == 200);
    CHECK(e.get("/scim/v2/Users/" + id + "-missing").status == 404);
    CHECK(e.get("/scim/v2/Users?filter=userName%20eq%20%22metered@example.com%22").status == 200);
    auto const r = admin_get(e, "/metrics");
    REQUIRE(r.status == 200);
    CHECK(r.header("content-type").rfind("text/plain; version=0.0.4", 0) == 0);
    auto const& text = r.body;
    CHECK(text.find(R"(scimd_http_requests_total{route="/Users",method="POST",status_class="2xx"} 1)") !=
          std::string::npos);
    CHECK(text.find(R"(scimd_http_requests_total{route="/Users/{id}",method="GET",status_class="2xx"} 1)") !=
          std::string::npos);
    CHECK(text.find(R"(scimd_http_requests_total{route="/Users/{id}",method="GET",status_class="4xx"} 1)") !=
          std::string::npos);
    CHECK(text.find(R"(scimd_http_request_duration_seconds_count{route="/Users",method="GET"} 1)") !=
          std::string::npos);
    CHECK(text.find("scimd_db_pool_connections{pool=\"primary\"} 4") != std::string::npos);
    CHECK(text.find("scimd_tls_handshakes_total ") != std::string::npos);
    CHECK(text.find("process_open_fds ") != std::string::npos);
    CHECK(text.find(id) == std::string::npos);
    CHECK(text.find("acme") == std::string::npos);
}

TEST_CASE("a client's X-Request-Id is echoed and logged, and a harmful one is replaced") {
    E2E e;
    auto const kept = e.get("/scim/v2/ServiceProviderConfig", {{"X-Request-Id", "okta-7f3a9c"}});
    CHECK(kept.header("x-request-id") == "okta-7f3a9c");
    auto const replaced = e.get("/scim/v2/ServiceProviderConfig", {{"X-Request-Id", std::string(200, 'x')}});
    CHECK(replaced.header("x-request-id").size() == 16);
    auto const injected = e.get("/scim/v2/ServiceProviderConfig", {{"X-Request-Id", "a\"b"}});
    CHECK(injected.header("x-request-id") != "a\"b");
    e.server->stop();
    CHECK(e.server->log().find("okta-7f3a9c") != std::string::npos);
}

TEST_CASE("/readyz is 503 while the schema is older than the binary needs, and 200 once migrated") {
    E2E e;
    auto const exec = [&](std::string const& sql) {
        pqxx::connection c(e.db.url());
        pqxx::work tx(c);
        tx.exec(sql);
        tx.commit();
    };
    exec(
        "CREATE TABLE saved_migration AS SELECT * FROM schema_migrations "
        "WHERE version = (SELECT max(version) FROM schema_migrations)");
    exec("DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)");
    auto const older = admin_until(e, "/readyz", 503, std::chrono::seconds(5));
    CHECK(older.status == 503);
    CHECK(older.body.find("run 'scimd migrate'") != std::string::npos);
    exec("INSERT INTO schema_migrations SELECT * FROM saved_migration");
    CHECK(admin_until(e, "/readyz", 200, std::chrono::seconds(5)).status == 200);

    // A newer schema (a rolling upgrade has migrated) keeps a running instance in rotation, and says so.
    exec("INSERT INTO schema_migrations (version, name) SELECT max(version) + 1, 'next' FROM schema_migrations");
    auto newer = admin_get(e, "/readyz");
    for (int i = 0; i < 100 && newer.body.find("newer") == std::string::npos; ++i) {  // the next check, within 5 s
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        newer = admin_get(e, "/readyz");
    }
    CHECK(newer.status == 200);
    CHECK(newer.body.find("newer than this scimd's") != std::string::npos);
}

TEST_CASE("from SIGTERM, /readyz is 503 while the server drains, keeps serving, and then stops") {
    E2E e({true, {"--drain-delay", "2"}});
    CHECK(admin_get(e, "/readyz").status == 200);
    e.server->signal(SIGTERM);
    REQUIRE(e.server->wait_for_log("draining", std::chrono::seconds(5)));
    auto const draining = admin_get(e, "/readyz");
    CHECK(draining.status == 503);
    CHECK(draining.body == "shutting down\n");
    CHECK(admin_get(e, "/livez").status == 200);
    CHECK(e.get("/scim/v2/ServiceProviderConfig").status == 200);  // still answering while balancers drain it
    CHECK(e.server->stop() == 0);
}

TEST_CASE("SIGHUP reloads the certificate for new connections and keeps open ones") {
    namespace fs = std::filesystem;
    auto const dir = fs::temp_directory_path() / ("scimd-reload-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    auto const cert = (dir / "cert.pem").string();
    auto const key = (dir / "key.pem").string();
    fs::copy_file(test_certificate().cert_file, cert, fs::copy_options::overwrite_existing);
    fs::copy_file(test_certificate().key_file, key, fs::copy_options::overwrite_existing);
    E2E e({true, {"--tls-cert", cert, "--tls-key", key}});
    HttpsClient kept(e.server->port(), true);
    auto const auth = std::map<std::string, std::string>{{"Authorization", "Bearer " + e.acme.write_token}};
    CHECK(kept.request("GET", "/scim/v2/ServiceProviderConfig", "", auth).status == 200);
    CHECK(served_subject(e.server->port()).find("CN = 127.0.0.1") != std::string::npos);

    REQUIRE(std::system(("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=renewed.example "
                         "-addext subjectAltName=IP:127.0.0.1 -keyout " +
                         key + " -out " + cert + " 2>/dev/null")
                            .c_str()) == 0);
    e.server->signal(SIGHUP);
    REQUIRE(e.server->wait_for_log("reloaded the TLS certificate", std::chrono::seconds(5)));
    CHECK(served_subject(e.server->port()).find("CN = renewed.example") != std::string::npos);
    CHECK(kept.request("GET", "/scim/v2/ServiceProviderConfig", "", auth).status == 200);  // not dropped
    CHECK(admin_get(e, "/metrics").body.find("scimd_tls_reloads_total 1") != std::string::npos);

    // A broken pair is refused and the working one kept.
    std::ofstream(key) << "not a key";
    e.server->signal(SIGHUP);
    REQUIRE(e.server->wait_for_log("kept the current certificate", std::chrono::seconds(5)));
    CHECK(served_subject(e.server->port()).find("CN = renewed.example") != std::string::npos);
    fs::remove_all(dir);
}

TEST_CASE("scimd serve --print-config shows the effective configuration with secrets redacted") {
    auto const file = std::filesystem::temp_directory_path() / ("scimd-print-" + std::to_string(::getpid()) + ".conf");
    std::ofstream(file) << "# scimd.conf\nlisten = 0.0.0.0:8443\nio-threads = 3\n"
                           "database-url = postgresql://scimd:s3cret-pw@db.internal/scimd\n";
    auto const r = run_scimd({"serve", "--config", file.string(), "--print-config", "--io-threads", "6"}, "",
                             {{"SCIMD_LOG_FORMAT", "json"}});
    std::filesystem::remove(file);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("s3cret-pw") == std::string::npos);
    CHECK(r.out.find("database-url = postgresql://scimd:***@db.internal/scimd") != std::string::npos);
    CHECK(r.out.find("listen = 0.0.0.0:8443") != std::string::npos);
    CHECK(r.out.find("io-threads = 6") != std::string::npos);     // the flag beats the file
    CHECK(r.out.find("log-format = json") != std::string::npos);  // the environment beats the default
    auto const bad = run_scimd({"serve", "--config", "/nonexistent/scimd.conf"}, "");
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("cannot read the configuration file /nonexistent/scimd.conf") != std::string::npos);
}
