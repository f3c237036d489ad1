#include "scim/etag.hpp"

#include <doctest/doctest.h>

TEST_CASE("a version renders as a weak ETag") { CHECK(scim::weak_etag(3) == "W/\"3\""); }

TEST_CASE("If-Match lists match by weak comparison") {
    CHECK(scim::etag_list_matches("W/\"3\"", 3));
    CHECK(scim::etag_list_matches("\"3\"", 3));
    CHECK(scim::etag_list_matches("*", 7));
    CHECK(scim::etag_list_matches("W/\"1\", W/\"3\"", 3));
    CHECK_FALSE(scim::etag_list_matches("W/\"2\"", 3));
    CHECK_FALSE(scim::etag_list_matches("W/\"33\"", 3));
    CHECK_FALSE(scim::etag_list_matches("", 3));
}
