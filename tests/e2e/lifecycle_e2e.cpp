// The process: restart with data kept, graceful stop, plain HTTP, and the command line.
#include <doctest/doctest.h>

#include <cctype>
#include <sstream>

#include <pqxx/pqxx>

#include "tests/e2e/e2e_fixture.hpp"

TEST_CASE("after a restart the data is still there") {
    E2E e;
    auto const id = e.create_user("persistent", R"(,"title":"Stays")");
    CHECK(e.server->stop() == 0);
    e.restart();
    auto const r = e.get("/scim/v2/Users/" + id);
    REQUIRE(r.status == 200);
    CHECK(r.json().at("title") == "Stays");
}

TEST_CASE("SIGTERM with an idle kept-alive connection stops the server with exit code 0") {
    E2E e;
    HttpsClient idle(e.server->port(), true);
    CHECK(idle.request("GET", "/scim/v2/ServiceProviderConfig", "", {{"Authorization", "Bearer " + e.acme.write_token}})
              .status == 200);
    CHECK(e.server->stop() == 0);
    CHECK(e.server->log().find("stopped") != std::string::npos);
}

TEST_CASE("--no-tls serves plain HTTP for use behind a load balancer") {
    E2E e({false, {}});
    auto const id = e.create_user("plain");
    auto const r = e.get("/scim/v2/Users/" + id);
    REQUIRE(r.status == 200);
    CHECK(r.json().at("meta").at("location").as_string().rfind("http://127.0.0.1:", 0) == 0);
}

TEST_CASE("scimd token issue prints only the token on stdout") {
    TestDatabase db;
    REQUIRE(run_scimd({"migrate"}, db.url()).exit_code == 0);
    REQUIRE(run_scimd({"tenant", "create", "solo"}, db.url()).exit_code == 0);
    auto const r = run_scimd({"token", "issue", "--tenant", "solo"}, db.url());
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind("scimd_", 0) == 0);
    CHECK(r.out.find('\n') == r.out.size() - 1);
    CHECK(r.out.size() > 43);
    CHECK(run_scimd({"token", "issue", "--tenant", "nobody"}, db.url()).exit_code == 1);
    auto const listed = run_scimd({"token", "list", "--tenant", "solo"}, db.url());
    CHECK(listed.out.find("write") != std::string::npos);
    CHECK(listed.out.find("scimd_") == std::string::npos);
}

TEST_CASE("a bad flag is one clear line on stderr and exit 2") {
    auto const r = run_scimd({"serve", "--bogus"}, "");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--bogus") != std::string::npos);
    CHECK(r.err.find('\n') == r.err.size() - 1);
    CHECK(run_scimd({"frobnicate"}, "").exit_code == 2);
    CHECK(run_scimd({"serve", "--io-threads", "lots"}, "").exit_code == 2);
}

TEST_CASE("an unreachable database is one clear line on stderr and exit 2, without the password") {
    auto const url = std::string("postgresql://scimd:s3cret@127.0.0.1:1/scimd");
    for (auto const& args :
         {std::vector<std::string>{"migrate"}, {"tenant", "list"}, {"serve", "--no-tls", "--listen", "127.0.0.1:0"}}) {
        auto const r = run_scimd(args, url);
        CAPTURE(r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("database") != std::string::npos);
        CHECK(r.err.find("s3cret") == std::string::npos);
        CHECK(r.err.find('\n') == r.err.size() - 1);
    }
}

TEST_CASE("every command has --help, and every flag an environment variable") {
    auto const overview = run_scimd({"--help"}, "");
    REQUIRE(overview.exit_code == 0);
    // Each command line of the overview: two spaces, then the command's words (up to three) in lower case.
    std::vector<std::vector<std::string>> commands;
    std::istringstream lines(overview.out);
    for (std::string line; std::getline(lines, line);) {
        if (line.size() < 3 || line.compare(0, 2, "  ") != 0 || !std::islower(static_cast<unsigned char>(line[2])))
            continue;
        std::istringstream words(line);
        std::vector<std::string> command;
        for (std::string w; words >> w && command.size() < 3;) {
            if (w.find_first_not_of("abcdefghijklmnopqrstuvwxyz-") != std::string::npos) break;
            command.push_back(w);
        }
        commands.push_back(command);
    }
    CHECK(commands.size() >= 20);
    for (auto command : commands) {
        CAPTURE(command.front());
        command.push_back("--help");
        auto const r = run_scimd(command, "");
        CHECK(r.exit_code == 0);
        // Every option line names its environment variable.
        std::istringstream help(r.out);
        for (std::string line; std::getline(help, line);)
            if (line.rfind("  --", 0) == 0) CHECK_MESSAGE(line.find("[SCIMD_") != std::string::npos, line);
    }
    auto const via_env = run_scimd({"serve"}, "", {{"SCIMD_IO_THREADS", "zero"}});
    CHECK(via_env.exit_code == 2);
    CHECK(via_env.err.find("io-threads") != std::string::npos);
}

TEST_CASE("serve refuses a database whose schema is not migrated") {
    TestDatabase db;
    {
        pqxx::work tx(db.connection());
        tx.exec("DELETE FROM schema_migrations");
        tx.commit();
    }
    auto const r = run_scimd({"serve", "--no-tls", "--listen", "127.0.0.1:0"}, db.url());
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("scimd migrate") != std::string::npos);
}
