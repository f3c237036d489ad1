// Configuration: flags, environment variables and the configuration file, in that order of precedence.
#include <doctest/doctest.h>

#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "cli/options.hpp"

using cli::CommandSpec;
using cli::ParsedOptions;
using cli::Source;
using cli::UsageError;

namespace {

CommandSpec spec() {
    return {"serve",
            "",
            "test",
            {{"config", "FILE", "configuration file", ""},
             {"listen", "HOST:PORT", "where", "127.0.0.1:8443"},
             {"io-threads", "N", "threads", "2"},
             {"database-url", "URL", "db", "postgresql:///scimd", cli::Secret::url_password},
             {"no-tls", "", "plain", ""}},
            0};
}

struct ConfigFile {
    std::string path = "/tmp/scimd-options-test-" + std::to_string(::getpid()) + ".conf";
    explicit ConfigFile(std::string const& text) { std::ofstream(path) << text; }
    ~ConfigFile() { std::remove(path.c_str()); }
};

}  // namespace

TEST_CASE("a configuration file is name = value lines with comments, blank lines and optional quotes") {
    auto const pairs = cli::parse_configuration(
        "# comment\n\n listen = 0.0.0.0:8443 \nio-threads=4\r\n"
        "database-url = \"postgresql://u:p@db/scimd\"\n",
        "f.conf");
    REQUIRE(pairs.size() == 3);
    CHECK(pairs[0] == std::pair<std::string, std::string>{"listen", "0.0.0.0:8443"});
    CHECK(pairs[1] == std::pair<std::string, std::string>{"io-threads", "4"});
    CHECK(pairs[2].second == "postgresql://u:p@db/scimd");
    CHECK_THROWS_WITH_AS(cli::parse_configuration("listen 1\n", "f.conf"), "f.conf:1: expected \"name = value\"",
                         UsageError);
}

TEST_CASE("flag beats environment beats file beats default") {
    auto const s = spec();
    ConfigFile file("listen = 10.0.0.1:1\nio-threads = 7\ndatabase-url = postgresql://scimd:hunter2@db/scimd\n");
    ::setenv("SCIMD_IO_THREADS", "5", 1);
    auto const o = ParsedOptions::parse(s, {"--config", file.path, "--listen", "127.0.0.1:9"});
    ::unsetenv("SCIMD_IO_THREADS");
    CHECK(o.get("listen") == "127.0.0.1:9");
    CHECK(o.source("listen") == Source::flag);
    CHECK(o.get("io-threads") == "5");
    CHECK(o.source("io-threads") == Source::environment);
    CHECK(o.get("database-url") == "postgresql://scimd:hunter2@db/scimd");
    CHECK(o.source("database-url") == Source::file);
    CHECK_FALSE(o.is_set("no-tls"));
    CHECK(o.source("no-tls") == Source::unset);

    auto const shown = o.effective_configuration();
    CHECK(shown.find("hunter2") == std::string::npos);
    CHECK(shown.find("database-url = postgresql://scimd:***@db/scimd") != std::string::npos);
    CHECK(shown.find("# from SCIMD_IO_THREADS") != std::string::npos);
    CHECK(shown.find("# from --listen") != std::string::npos);
    CHECK(shown.find("no-tls = false") != std::string::npos);
}

TEST_CASE("SCIMD_CONFIG names the file when --config does not") {
    auto const s = spec();
    ConfigFile file("listen = 10.0.0.2:2\n");
    ::setenv("SCIMD_CONFIG", file.path.c_str(), 1);
    auto const o = ParsedOptions::parse(s, {});
    ::unsetenv("SCIMD_CONFIG");
    CHECK(o.get("listen") == "10.0.0.2:2");
}

TEST_CASE("a file naming an option the command does not have, or that cannot be read, is a usage error") {
    auto const s = spec();
    ConfigFile file("listen = 1.2.3.4:5\nlisten-port = 8443\n");
    std::string const expected = file.path + ": \"listen-port\" is not an option of 'scimd serve'";
    CHECK_THROWS_WITH_AS(ParsedOptions::parse(s, {"--config", file.path}), doctest::Contains(expected.c_str()),
                         UsageError);
    CHECK_THROWS_WITH_AS(ParsedOptions::parse(s, {"--config", "/nonexistent/scimd.conf"}),
                         "cannot read the configuration file /nonexistent/scimd.conf", UsageError);
}
