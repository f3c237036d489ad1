// POST /Bulk (RFC 7644 §3.7): bulkId references, dependency order, failOnErrors, limits, per-operation atomicity.
#include <doctest/doctest.h>

#include <atomic>

#include <boost/json/serialize.hpp>

#include "tests/e2e/e2e_fixture.hpp"
#include "tests/support/race.hpp"

namespace json = boost::json;

namespace {

std::string bulk_body(std::string const& operations, std::string const& extra = "") {
    return R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"])" + extra + R"(,"Operations":)" +
           operations + "}";
}

// A POST of a user; `extra` adds members to its data (",\"title\":\"x\"").
std::string user_op(std::string const& bulk_id, std::string const& user_name, std::string const& extra = "") {
    return R"({"method":"POST","path":"/Users","bulkId":")" + bulk_id + R"(","data":{)" + core_user_schema +
           R"(,"userName":")" + user_name + "\"" + extra + "}}";
}

json::array operations_of(HttpResult const& r) {
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(r.json().at("schemas").at(0) == "urn:ietf:params:scim:api:messages:2.0:BulkResponse");
    return r.json().at("Operations").as_array();
}

long count_groups(E2E& e) {
    auto const r = e.get("/scim/v2/Groups?count=0");
    return static_cast<long>(r.json().at("totalResults").to_number<double>());
}

}  // namespace

TEST_CASE("a group naming users created later in the same bulk gets them as members") {
    E2E e;
    auto const r = e.post("/scim/v2/Bulk", bulk_body(R"([
        {"method":"POST","path":"/Groups","bulkId":"team","data":{
            "schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Team",
            "members":[{"type":"User","value":"bulkId:ann"},{"type":"User","value":"bulkId:bob"},
                       {"value":"bulkId:cid"}]}},)" + user_op("ann", "ann@example.com") +
                                                     "," + user_op("bob", "bob@example.com") + "," +
                                                     user_op("cid", "cid@example.com") + "]"));
    auto const ops = operations_of(r);
    REQUIRE(ops.size() == 4);
    // Reported in request order, each with its method, bulkId, status, location and version.
    CHECK(ops[0].at("bulkId") == "team");
    for (auto const& op : ops) {
        CHECK_MESSAGE(op.at("status") == "201", json::serialize(op));
        CHECK(op.at("method") == "POST");
        CHECK(op.at("version").as_string().starts_with("W/\""));
    }
    auto const group_location = std::string(ops[0].at("location").as_string());
    auto const group_id = group_location.substr(group_location.rfind('/') + 1);
    CHECK(ops[1].at("location").as_string().find("/scim/v2/Users/") != std::string::npos);
    auto const group = e.get("/scim/v2/Groups/" + group_id).json();
    CHECK(group.at("displayName") == "Team");
    REQUIRE(group.at("members").as_array().size() == 3);
    auto const ann_location = std::string(ops[1].at("location").as_string());
    auto const ann = e.get(ann_location.substr(ann_location.find("/scim/v2"))).json();
    CHECK(ann.at("groups").at(0).at("value").as_string() == group_id);
}

TEST_CASE("PUT, PATCH and DELETE in a bulk, with versions and bulkId paths") {
    E2E e;
    auto const id = e.create_user("old@example.com");
    auto const version = std::string(e.get("/scim/v2/Users/" + id).json().at("meta").at("version").as_string());
    auto const r = e.post("/scim/v2/Bulk", bulk_body(R"([
        {"method":"PATCH","path":"/Users/)" + id + R"(","version":"W/\"999\"","data":{
            "schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations":[{"op":"replace","path":"title","value":"Never"}]}},
        {"method":"PUT","path":"/Users/)" + id + R"(","version":)" +
                                                     json::serialize(json::value(version)) + R"(,"data":{
            "schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"new@example.com","title":"Put"}},
        {"method":"POST","path":"/Groups","bulkId":"g","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G"}},
        {"method":"PATCH","path":"/Groups/bulkId:g","data":{
            "schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations":[{"op":"add","path":"members","value":[{"value":")" +
                                                     id + R"("}]}]}},
        {"method":"DELETE","path":"/Groups/bulkId:g"}
    ])"));
    auto const ops = operations_of(r);
    REQUIRE(ops.size() == 5);
    CHECK(ops[0].at("status") == "412");
    CHECK(ops[0].at("response").at("status") == "412");
    CHECK(ops[0].at("location").as_string().ends_with("/Users/" + id));
    CHECK_MESSAGE(ops[1].at("status") == "200", json::serialize(ops[1]));
    CHECK(ops[3].at("status") == "200");
    CHECK(ops[3].at("method") == "PATCH");
    CHECK(ops[4].at("status") == "204");
    auto const user = e.get("/scim/v2/Users/" + id).json();
    CHECK(user.at("userName") == "new@example.com");
    CHECK(user.at("title") == "Put");
    CHECK(count_groups(e) == 0);
}

TEST_CASE("circular references fail those operations and no others") {
    E2E e;
    auto const r = e.post("/scim/v2/Bulk", bulk_body(R"([
        {"method":"POST","path":"/Groups","bulkId":"a","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"A","members":[{"value":"bulkId:b"}]}},
        {"method":"POST","path":"/Groups","bulkId":"b","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"B","members":[{"value":"bulkId:a"}]}},
        {"method":"POST","path":"/Groups","bulkId":"c","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"C","members":[{"value":"bulkId:nowhere"}]}},)" +
                                                     user_op("u", "u@example.com") + "]"));
    auto const ops = operations_of(r);
    REQUIRE(ops.size() == 4);
    for (int i : {0, 1, 2}) {
        CHECK(ops[i].at("status") == "409");
        CHECK(ops[i].at("response").at("scimType") == "invalidValue");
    }
    CHECK(std::string(ops[0].at("response").at("detail").as_string()).find("circle") != std::string::npos);
    CHECK(std::string(ops[2].at("response").at("detail").as_string()).find("bulkId:nowhere") != std::string::npos);
    CHECK(ops[3].at("status") == "201");
    CHECK(count_groups(e) == 0);
    CHECK(e.count_users("acme") == 1);
}

TEST_CASE("failOnErrors stops after that many errors - operations not run are not reported") {
    E2E e;
    e.create_user("taken@example.com");
    auto const before = e.users_snapshot();
    auto const r =
        e.post("/scim/v2/Bulk", bulk_body("[" + user_op("dup", "TAKEN@example.com") + "," +
                                              user_op("x", "x@example.com") + "," + user_op("y", "y@example.com") + "]",
                                          R"(,"failOnErrors":1)"));
    auto const ops = operations_of(r);
    REQUIRE(ops.size() == 1);
    CHECK(ops[0].at("status") == "409");
    CHECK(ops[0].at("response").at("scimType") == "uniqueness");
    CHECK(e.users_snapshot() == before);
}

TEST_CASE("a failing operation leaves no trace, and the others are as if it had not been there") {
    E2E e;
    auto const r = e.post("/scim/v2/Bulk", bulk_body("[" + user_op("a", "a@example.com") + R"(,
        {"method":"POST","path":"/Groups","bulkId":"bad","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Half",
            "members":[{"value":"bulkId:a"},{"value":"00000000-0000-0000-0000-000000000000"}]}},
        {"method":"POST","path":"/Users","bulkId":"b","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b@example.com","active":"perhaps"}},
        {"method":"DELETE","path":"/Users/no-such-id"},
        {"method":"POST","path":"/Printers","bulkId":"s","data":{}},
        {"method":"GET","path":"/Users"},)" + user_op("c", "c@example.com") +
                                                     "]"));
    auto const ops = operations_of(r);
    REQUIRE(ops.size() == 7);
    CHECK(ops[0].at("status") == "201");
    CHECK(ops[1].at("status") == "400");  // the group is not created without its members
    CHECK(ops[1].at("response").at("scimType") == "invalidValue");
    CHECK(ops[2].at("status") == "400");
    CHECK(std::string(ops[2].at("response").at("detail").as_string()).find("active") != std::string::npos);
    CHECK(ops[3].at("status") == "404");
    CHECK(ops[4].at("status") == "404");
    CHECK(ops[5].at("status") == "400");
    CHECK_FALSE(ops[5].as_object().contains("method"));
    CHECK(ops[6].at("status") == "201");
    CHECK(count_groups(e) == 0);
    CHECK(e.count_users("acme") == 2);
}

TEST_CASE("bulk limits: maxOperations and maxPayloadSize are 413 naming the limit - the request itself must be valid") {
    E2E e({true, {"--bulk-max-operations", "2", "--bulk-max-payload-bytes", "2048", "--max-body-bytes", "1024"}});
    auto const config = e.get("/scim/v2/ServiceProviderConfig").json();
    CHECK(config.at("bulk").at("maxOperations") == 2);
    CHECK(config.at("bulk").at("maxPayloadSize") == 2048);
    auto const too_many = e.post(
        "/scim/v2/Bulk",
        bulk_body("[" + user_op("a", "a@x.com") + "," + user_op("b", "b@x.com") + "," + user_op("c", "c@x.com") + "]"));
    CHECK(too_many.status == 413);
    CHECK(std::string(too_many.json().at("detail").as_string()).find("maxOperations") != std::string::npos);
    // Larger than --max-body-bytes is fine for /Bulk, up to its own limit.
    auto const padding = [](std::size_t n) { return R"(,"title":")" + std::string(n, 'x') + "\""; };
    CHECK(e.post("/scim/v2/Bulk", bulk_body("[" + user_op("a", "a@example.com", padding(1200)) + "]")).status == 200);
    auto const large = e.post("/scim/v2/Bulk", bulk_body("[" + user_op("b", "b@example.com", padding(3000)) + "]"));
    CHECK(large.status == 413);
    CHECK(large.body.find("maxPayloadSize") != std::string::npos);
    CHECK(e.count_users("acme") == 1);

    CHECK(e.post("/scim/v2/Bulk", R"({"Operations":[]})").status == 400);
    CHECK(e.post("/scim/v2/Bulk", "{not json").status == 400);
    CHECK(e.call("GET", "/scim/v2/Bulk", "", e.acme.write_token).status == 405);
    CHECK(e.call("POST", "/scim/v2/Bulk", bulk_body("[" + user_op("r", "r@example.com") + "]"), e.acme.read_token,
                 {{"Content-Type", "application/scim+json"}})
              .status == 403);
    CHECK(e.count_users("acme") == 1);
}

TEST_CASE("a bulk of 1,000 creates creates 1,000 users") {
    E2E e;
    std::string operations = "[";
    for (int i = 0; i < 1000; ++i) {
        if (i) operations += ",";
        operations += user_op("u" + std::to_string(i), "bulk" + std::to_string(i) + "@example.com");
    }
    operations += "]";
    auto const ops = operations_of(e.post("/scim/v2/Bulk", bulk_body(operations)));
    REQUIRE(ops.size() == 1000);
    for (auto const& op : ops) CHECK(op.at("status") == "201");
    CHECK(ops[999].at("bulkId") == "u999");
    CHECK(e.count_users("acme") == 1000);
    auto const found = e.get("/scim/v2/Users?filter=userName%20eq%20%22bulk999@example.com%22").json();
    CHECK(found.at("totalResults") == 1);
}

TEST_CASE("more concurrent bulks than the server works on at once: each waits its turn and creates all its users") {
    E2E e({true, {"--db-connections", "1"}});
    std::atomic<int> complete{0};
    race(
        6, [&] { return HttpsClient(e.server->port(), true); },
        [&](int i, HttpsClient& client) {
            std::string operations = "[";
            for (int j = 0; j < 50; ++j)
                operations += (j ? "," : "") + user_op("u" + std::to_string(j),
                                                       "c" + std::to_string(i) + "-" + std::to_string(j) + "@x.com");
            auto const r = client.request(
                "POST", "/scim/v2/Bulk", bulk_body(operations + "]"),
                {{"Authorization", "Bearer " + e.acme.write_token}, {"Content-Type", "application/scim+json"}});
            if (r.status == 200 && r.body.find("\"status\":\"201\"") != std::string::npos) ++complete;
        });
    CHECK(complete == 6);
    CHECK(e.count_users("acme") == 300);
    CHECK(e.get("/scim/v2/ServiceProviderConfig").status == 200);  // and the server still answers
}

TEST_CASE("user creates that go in together still fail one by one") {
    E2E e;
    e.create_user("taken@example.com");
    auto const r = e.post(
        "/scim/v2/Bulk",
        bulk_body("[" + user_op("a", "a@example.com") + "," + user_op("b", "Taken@Example.com") + "," +
                  user_op("c", "A@EXAMPLE.COM") + "," + user_op("d", "d@example.com", R"(,"active":"maybe")") + "," +
                  user_op("e", "e@example.com",
                          R"(,"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":"bulkId:a"})") +
                  "," + user_op("f", "f@example.com") + "]"));
    auto const ops = operations_of(r);
    REQUIRE(ops.size() == 6);
    CHECK(ops[0].at("status") == "201");
    CHECK(ops[1].at("status") == "409");
    CHECK(ops[1].at("response").at("scimType") == "uniqueness");
    CHECK(ops[2].at("status") == "409");  // taken by the first operation of the same request
    CHECK(ops[3].at("status") == "400");
    CHECK(ops[4].at("status") == "201");
    CHECK(ops[5].at("status") == "201");
    CHECK(e.count_users("acme") == 4);
    auto const a_location = std::string(ops[0].at("location").as_string());
    auto const e_location = std::string(ops[4].at("location").as_string());
    auto const manager = e.get(e_location.substr(e_location.find("/scim/v2")))
                             .json()
                             .at("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
                             .at("manager")
                             .at("value");
    CHECK(a_location.ends_with("/" + std::string(manager.as_string())));
}

TEST_CASE("a bulk names what its operations had ignored, and an unknown schema URI stops none of them") {
    E2E e;
    auto const r = e.post("/scim/v2/Bulk", bulk_body(R"([
        {"method":"POST","path":"/Users","bulkId":"a","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User",
            "urn:example:hr:1.0:User"],"userName":"a@example.com","shoeSize":44}},
        {"method":"POST","path":"/Groups","bulkId":"g","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group",
            "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],"displayName":"G",
            "members":[{"value":"bulkId:a","$ref":null}]}},
        {"method":"PATCH","path":"/Users/bulkId:a","data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations":[{"op":"replace","path":"hatSize","value":7},{"op":"replace","path":"title","value":"T"}]}}])"));
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto const ops = r.json().at("Operations").as_array();
    REQUIRE(ops.size() == 3);
    CHECK(ops[0].at("status") == "201");
    CHECK(ops[1].at("status") == "201");
    CHECK(ops[2].at("status") == "200");
    CHECK(r.header("SCIM-Ignored-Attributes") == "shoeSize, hatSize");
}
