// What goes into a log line from a client: request ids kept only when harmless, JSON strings always valid.
#include <doctest/doctest.h>

#include "server/log.hpp"
#include "server/router.hpp"

TEST_CASE("a client's X-Request-Id is kept only when it is short and plain") {
    CHECK(server::usable_request_id("3f2a9c1e-77d0-4a5e-9d4b-0c1f2e3d4a5b"));
    CHECK(server::usable_request_id("okta:abc/123+x=y@z_."));
    CHECK_FALSE(server::usable_request_id(""));
    CHECK_FALSE(server::usable_request_id(std::string(129, 'a')));
    CHECK(server::usable_request_id(std::string(128, 'a')));
    CHECK_FALSE(server::usable_request_id("id with spaces"));
    CHECK_FALSE(server::usable_request_id("id\"}{"));
    CHECK_FALSE(server::usable_request_id("line\nbreak"));
}

TEST_CASE("json_string escapes quotes, backslashes and control characters and never emits invalid UTF-8") {
    CHECK(server::json_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(server::json_string("tab\there\n") == "\"tab\\u0009here\\u000a\"");
    CHECK(server::json_string("Zo\xc3\xab") == "\"Zo\xc3\xab\"");  // valid UTF-8 is kept
    CHECK(server::json_string("bad\xff") == "\"bad?\"");
}

TEST_CASE("a text log line never breaks where the text it carries has a line break or a control character") {
    CHECK(server::log_text("jti\n2026-12-01T00:00:00Z forged line") == "jti\\n2026-12-01T00:00:00Z forged line");
    CHECK(server::log_text("a\rb\tc") == "a\\rb\\tc");
    CHECK(server::log_text(std::string("nul\0bell\a", 9)) == "nul\\x00bell\\x07");
    CHECK(server::log_text("esc\x1b[31mred\x7f") == "esc\\x1b[31mred\\x7f");
    CHECK(server::log_text("Zo\xc3\xab") == "Zo\xc3\xab");
    CHECK(server::log_text("bad\xff") == "bad?");
}
