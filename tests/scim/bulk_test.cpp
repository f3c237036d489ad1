#include "scim/bulk.hpp"

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "tests/support/expect_error.hpp"

namespace json = boost::json;

namespace {

scim::BulkRequest parse(std::string_view operations, std::size_t max_operations = 1000) {
    auto const body =
        json::parse(std::string(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":)") +
                    std::string(operations) + "}")
            .as_object();
    return scim::parse_bulk_request(body, max_operations);
}

std::vector<std::size_t> order_of(scim::BulkRequest& request) { return scim::bulk_execution_order(request.operations); }

}  // namespace

TEST_CASE("a BulkRequest is read with each operation's own errors kept apart") {
    auto request = parse(R"([
        {"method":"POST","path":"/Users","bulkId":"a","data":{"userName":"a"}},
        {"method":"post","path":"/Users","data":{"userName":"b"}},
        {"method":"GET","path":"/Users/1"},
        {"method":"DELETE","path":"/Users"},
        {"method":"PATCH","path":"/Users/1","data":[]},
        {"method":"POST","path":"/Users","bulkId":"a","data":{"userName":"c"}},
        {"method":"DELETE","path":"/Users/1","version":"W/\"3\""}
    ])");
    auto const& ops = request.operations;
    REQUIRE(ops.size() == 7);
    CHECK_FALSE(ops[0].error);
    CHECK(ops[1].error->detail().find("bulkId") != std::string::npos);
    CHECK(ops[2].error->detail().find("method") != std::string::npos);
    CHECK(ops[3].error->detail().find("one resource") != std::string::npos);
    CHECK(ops[4].error->detail().find("data") != std::string::npos);
    CHECK(ops[5].error->detail().find("already used by Operations[0]") != std::string::npos);
    CHECK_FALSE(ops[6].error);
    CHECK(ops[6].version == "W/\"3\"");
    CHECK(ops[6].method == scim::BulkMethod::del);
}

TEST_CASE("the request as a whole: schemas, Operations, failOnErrors, maxOperations") {
    auto const bad = [](std::string_view text) {
        return expect_error([&] { scim::parse_bulk_request(json::parse(text).as_object(), 10); });
    };
    CHECK(bad(R"({"Operations":[{"method":"DELETE","path":"/Users/1"}]})").scim_type() ==
          scim::ScimType::invalid_syntax);
    CHECK(bad(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[]})").status() == 400);
    CHECK(bad(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"failOnErrors":0,
                 "Operations":[{"method":"DELETE","path":"/Users/1"}]})")
              .detail()
              .find("failOnErrors") != std::string::npos);
    auto const too_many = expect_error(
        [] { parse(R"([{"method":"DELETE","path":"/Users/1"},{"method":"DELETE","path":"/Users/2"}])", 1); });
    CHECK(too_many.status() == 413);
    CHECK(too_many.detail().find("maxOperations") != std::string::npos);
}

TEST_CASE("operations run after the POSTs they reference, otherwise in request order") {
    // RFC 7644 §3.7.2: a group naming users created later in the same request.
    auto request = parse(R"([
        {"method":"POST","path":"/Groups","bulkId":"g","data":{"displayName":"G","members":[
            {"value":"bulkId:u1"},{"value":"bulkId:u2"}]}},
        {"method":"DELETE","path":"/Users/x"},
        {"method":"POST","path":"/Users","bulkId":"u1","data":{"userName":"one"}},
        {"method":"POST","path":"/Users","bulkId":"u2","data":{"userName":"two"}},
        {"method":"PATCH","path":"/Groups/bulkId:g","data":{"Operations":[]}}
    ])");
    CHECK(request.operations[0].references == std::vector<std::string>{"u1", "u2"});
    CHECK(request.operations[4].references == std::vector<std::string>{"g"});
    CHECK(order_of(request) == std::vector<std::size_t>{1, 2, 3, 0, 4});
    for (auto const& op : request.operations) CHECK_FALSE(op.error);
}

TEST_CASE("circular and dangling references fail those operations only") {
    auto request = parse(R"([
        {"method":"POST","path":"/Groups","bulkId":"a","data":{"displayName":"A","members":[{"value":"bulkId:b"}]}},
        {"method":"POST","path":"/Groups","bulkId":"b","data":{"displayName":"B","members":[{"value":"bulkId:a"}]}},
        {"method":"POST","path":"/Users","bulkId":"u","data":{"userName":"u","manager":"bulkId:nobody"}},
        {"method":"POST","path":"/Users","bulkId":"v","data":{"userName":"v"}}
    ])");
    auto const order = order_of(request);
    CHECK(order == std::vector<std::size_t>{2, 3, 0, 1});
    auto const& ops = request.operations;
    CHECK(ops[0].error->status() == 409);
    CHECK(ops[0].error->detail().find("circle") != std::string::npos);
    CHECK(ops[1].error->status() == 409);
    CHECK(ops[2].error->detail().find("bulkId:nobody") != std::string::npos);
    CHECK_FALSE(ops[3].error);
}

TEST_CASE("references are replaced by the ids created for them") {
    scim::BulkIds const created{{"u1", "id-1"}};
    auto value = json::parse(R"({"members":[{"value":"bulkId:u1"},{"value":"other"}],"note":"bulkId is a word"})");
    scim::resolve_bulk_ids(value, created);
    CHECK(json::serialize(value) == R"({"members":[{"value":"id-1"},{"value":"other"}],"note":"bulkId is a word"})");
    CHECK(scim::resolve_bulk_path("/Users/bulkId:u1", created) == "/Users/id-1");
    CHECK(scim::resolve_bulk_path("/Users/plain", created) == "/Users/plain");
    auto failed = json::value("bulkId:u2");
    auto const e = expect_error([&] { scim::resolve_bulk_ids(failed, created); });
    CHECK(e.status() == 409);
    CHECK(e.scim_type() == scim::ScimType::invalid_value);
}
