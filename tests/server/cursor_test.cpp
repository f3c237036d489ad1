#include "server/cursor.hpp"

#include <doctest/doctest.h>

#include "tests/support/expect_error.hpp"

namespace {

using namespace std::chrono_literals;
auto const now = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));

}  // namespace

TEST_CASE("a cursor round-trips its position for the same query") {
    server::CursorCodec const codec("secret", 3600s);
    auto const cursor = codec.encode({{std::string("smith"), "id-1"}, false}, "tenant\nUser\nq", now);
    auto const back = codec.decode(cursor, "tenant\nUser\nq", now + 10s);
    CHECK(back.key.sort_value == "smith");
    CHECK(back.key.id == "id-1");
    CHECK_FALSE(back.before);
    auto const null_key = codec.decode(codec.encode({{std::nullopt, "id-2"}, true}, "b", now), "b", now);
    CHECK_FALSE(null_key.key.sort_value.has_value());
    CHECK(null_key.before);
}

TEST_CASE("a cursor is refused for another query, another secret, after tampering or after it expires") {
    server::CursorCodec const codec("secret", 60s);
    auto const cursor = codec.encode({{std::string("k"), "id"}, false}, "tenant-a", now);
    CHECK(expect_error([&] { codec.decode(cursor, "tenant-b", now); }).scim_type() == scim::ScimType::invalid_cursor);
    CHECK(expect_error([&] { server::CursorCodec("other", 60s).decode(cursor, "tenant-a", now); }).scim_type() ==
          scim::ScimType::invalid_cursor);
    auto tampered = cursor;
    tampered[3] = tampered[3] == 'A' ? 'B' : 'A';
    CHECK(expect_error([&] { codec.decode(tampered, "tenant-a", now); }).scim_type() == scim::ScimType::invalid_cursor);
    for (std::string_view junk : {"", "abc", "a.b", "....", "%%%.%%%"}) {
        CAPTURE(junk);
        CHECK(expect_error([&] { codec.decode(junk, "tenant-a", now); }).scim_type() == scim::ScimType::invalid_cursor);
    }
    auto const expired = expect_error([&] { codec.decode(cursor, "tenant-a", now + 61s); });
    CHECK(expired.scim_type() == scim::ScimType::expired_cursor);
    CHECK(expired.status() == 400);
}
