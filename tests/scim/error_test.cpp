#include "scim/error.hpp"

#include <doctest/doctest.h>

#include <boost/json/serialize.hpp>

TEST_CASE("an error renders as an RFC 7644 error body with a string status") {
    auto const body = scim::Error::uniqueness("userName \"bjensen\" is taken").to_json();
    CHECK(boost::json::serialize(body) ==
          R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409",)"
          R"("scimType":"uniqueness","detail":"userName \"bjensen\" is taken"})");
}

TEST_CASE("errors without a scimType leave it out") {
    auto const body = scim::Error::not_found("no such user").to_json();
    CHECK(body.at("status") == "404");
    CHECK_FALSE(body.contains("scimType"));
}

TEST_CASE("the internal error reveals nothing") {
    auto const e = scim::Error::internal();
    CHECK(e.status() == 500);
    CHECK(e.detail().find("request id") != std::string::npos);
}
