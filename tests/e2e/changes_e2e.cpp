// Every write leaves its change records in its own transaction, whatever the path (HTTP, /Bulk, the command line,
// the CSV import): none for a write that fails, exactly one per resource changed, with the new version.
#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <pqxx/pqxx>

#include "tests/e2e/e2e_fixture.hpp"

namespace {

struct Record {
    std::string type, id, operation, version, actor, attributes;
};

// The change records of the test's database, oldest first (of one resource when `id` is given).
std::vector<Record> records(E2E& e, std::string const& id = "") {
    pqxx::read_transaction tx(e.db.connection());
    std::vector<Record> out;
    for (auto const& row :
         tx.exec_params("SELECT resource_type, resource_id, operation, coalesce(version::text, '-'), actor,"
                        " array_to_string(attributes, ',') FROM changes WHERE $1 = '' OR resource_id = $1 ORDER BY id",
                        id))
        out.push_back({row[0].c_str(), row[1].c_str(), row[2].c_str(), row[3].c_str(), row[4].c_str(), row[5].c_str()});
    return out;
}

std::size_t count(E2E& e) { return records(e).size(); }

std::string patch_body(std::string const& operations) {
    return R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":)" + operations + "}";
}

HttpResult patch(E2E& e, std::string const& path, std::string const& operations) {
    return e.call("PATCH", path, patch_body(operations), e.acme.write_token,
                  {{"Content-Type", "application/scim+json"}});
}

std::string encode(std::string_view text) { return boost::urls::encode(text, boost::urls::unreserved_chars); }

}  // namespace

TEST_CASE("users: HTTP, /Bulk, the CSV import and the command line each leave one record per user changed") {
    E2E e;
    auto const base = count(e);  // the tenants and their first sites
    auto const id = e.create_user("ann@x.com", R"(,"title":"Chef","password":"s3cret!")");
    auto r = records(e, id);
    REQUIRE(r.size() == 1);
    CHECK(r[0].type == "User");
    CHECK(r[0].operation == "create");
    CHECK(r[0].version == "1");
    CHECK(r[0].actor == "writer");  // the token's label
    CHECK(r[0].attributes ==
          "password,title,urn:ietf:params:scim:schemas:extension:8x8:1.1:User:directoryScope,"
          "urn:ietf:params:scim:schemas:extension:8x8:1.1:User:displayInDirectory,"
          "urn:ietf:params:scim:schemas:extension:8x8:1.1:User:profileType,"
          "urn:ietf:params:scim:schemas:extension:8x8:1.1:User:site,userName");

    CHECK(patch(e, "/scim/v2/Users/" + id, R"([{"op":"replace","path":"title","value":"Sous-chef"}])").status == 200);
    CHECK(patch(e, "/scim/v2/Users/" + id, R"([{"op":"replace","path":"active","value":"perhaps"}])").status == 400);
    CHECK(patch(e, "/scim/v2/Users/" + id, R"([{"op":"replace","path":"title","value":"Sous-chef"}])").status == 200);
    r = records(e, id);
    REQUIRE(r.size() == 2);  // the failed PATCH and the one that changed nothing left none
    CHECK(r[1].operation == "patch");
    CHECK(r[1].version == "2");
    CHECK(r[1].attributes == "title");

    auto const bulk =
        e.post("/scim/v2/Bulk",
               R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[
        {"method":"POST","path":"/Users","bulkId":"b","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b@x.com"}},
        {"method":"POST","path":"/Users","bulkId":"c","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ANN@x.com"}},
        {"method":"PUT","path":"/Users/)" +
                   id + R"(","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ann@x.com"}},
        {"method":"DELETE","path":"/Users/no-such-user"}]})");
    REQUIRE(bulk.status == 200);
    auto const after_bulk = records(e);
    CHECK(after_bulk.size() == base + 2 + 2);  // b created, ann replaced; the taken name and the 404 left none
    CHECK(records(e, id).back().operation == "replace");
    CHECK(records(e, id).back().version == "3");

    auto const csv =
        e.call("POST", "/scim/v2/Users/.import",
               "User.FirstName,User.LastName,User.Email,User.Site\nDan,Lee,d@x.com,Main\nEve,Lee,e@x.com,Main\n",
               e.acme.write_token, {{"Content-Type", "text/csv"}});
    REQUIRE(csv.status == 200);
    CHECK(records(e).size() == after_bulk.size() + 2);
    auto const refused =
        e.call("POST", "/scim/v2/Users/.import",
               "User.FirstName,User.LastName,User.Email,User.Site\nFay,Lee,f@x.com,Main\nGil,Lee,g@x.com,Atlantis\n",
               e.acme.write_token, {{"Content-Type", "text/csv"}});
    CHECK(refused.status == 400);
    CHECK(records(e).size() == after_bulk.size() + 2);  // nothing of a refused import

    e.admin({"user", "purge", "--tenant", "acme", "--user", "ann@x.com"});
    r = records(e, id);
    CHECK(r.back().operation == "delete");
    CHECK(r.back().version == "-");
    CHECK(r.back().actor == "cli");
    CHECK(e.del("/scim/v2/Users/" + id).status == 404);
    CHECK(records(e, id).size() == r.size());
}

TEST_CASE(
    "groups: a create, a membership change, a rename and a delete each leave one record, and members going with a user "
    "too") {
    E2E e;
    auto const u1 = e.create_user("u1@x.com"), u2 = e.create_user("u2@x.com");
    auto const created = e.post("/scim/v2/Groups", R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "displayName":"G","members":[{"value":")" + u1 +
                                                       R"("}]})");
    REQUIRE(created.status == 201);
    auto const g = std::string(created.json().at("id").as_string());
    CHECK(patch(e, "/scim/v2/Groups/" + g, R"([{"op":"add","path":"members","value":[{"value":")" + u2 + R"("}]}])")
              .status == 204);
    CHECK(patch(e, "/scim/v2/Groups/" + g, R"([{"op":"add","path":"members","value":[{"value":"nobody"}]}])").status ==
          400);
    CHECK(patch(e, "/scim/v2/Groups/" + g, R"([{"op":"replace","path":"displayName","value":"H"}])").status == 204);
    CHECK(e.del("/scim/v2/Users/" + u2).status == 204);
    auto const r = records(e, g);
    REQUIRE(r.size() == 4);
    CHECK((r[0].operation == "create" && r[0].version == "1" && r[0].attributes == "displayName,members"));
    CHECK((r[1].operation == "patch" && r[1].version == "2" && r[1].attributes == "members"));
    CHECK((r[2].operation == "patch" && r[2].version == "3" && r[2].attributes == "displayName"));
    CHECK((r[3].operation == "update" && r[3].attributes == "members"));  // u2 went, and its membership with it
    CHECK(e.del("/scim/v2/Groups/" + g).status == 204);
    CHECK(records(e, g).back().operation == "delete");
}

TEST_CASE("sites, licences, numbers, settings and tokens: every write, and what it carries along, is recorded") {
    E2E e;
    e.admin({"license", "set", "--tenant", "acme", "--type", "X4", "--capacity", "5"});
    e.admin({"license", "set", "--tenant", "acme", "--type", "X4", "--capacity", "6"});
    e.admin({"number", "claim", "--tenant", "acme", "+442071234500", "--count", "2"});
    auto const site = e.post(
        "/scim/v2/Sites",
        R"({"schemas":["urn:8x8:scim:schemas:1.1:Site"],"name":"London","siteCode":"44","extensionLength":4,"locale":"en-GB"})");
    REQUIRE(site.status == 201);
    auto const site_id = std::string(site.json().at("id").as_string());
    auto const id =
        e.create_user("lic@x.com", R"(,"urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"site":"London",
        "licenses":["X4"],"didNumbers":["+442071234500"]})");
    auto const pool = records(e, "X4");
    REQUIRE(pool.size() == 3);
    CHECK((pool[0].operation == "create" && pool[0].actor == "cli"));
    CHECK((pool[1].operation == "replace" && pool[1].attributes == "available,capacity"));
    CHECK((pool[2].operation == "update" && pool[2].attributes == "assigned,available" && pool[2].actor == "writer"));
    auto const number = records(e, "+442071234500");
    REQUIRE(number.size() == 2);
    CHECK((number[0].operation == "create" && number[1].operation == "update" && number[1].attributes == "holder"));

    // A rename carries the site's user along: one record for the site, one for the user.
    CHECK(patch(e, "/scim/v2/Sites/" + site_id, R"([{"op":"replace","path":"name","value":"London Bridge"}])").status ==
          200);
    auto const s = records(e, site_id);
    REQUIRE(s.size() == 2);
    CHECK((s[1].operation == "patch" && s[1].attributes == "name"));
    auto const u = records(e, id);
    REQUIRE(u.size() == 2);
    CHECK(
        (u[1].operation == "update" && u[1].attributes == "urn:ietf:params:scim:schemas:extension:8x8:1.1:User:site"));
    CHECK(u[1].version == "2");

    // Deleting the user gives its seat and its number back: the pool and the number are recorded too.
    CHECK(e.del("/scim/v2/Users/" + id).status == 204);
    CHECK(records(e, "X4").back().attributes == "assigned,available");
    CHECK(records(e, "+442071234500").back().attributes == "holder");
    e.admin({"number", "release", "--tenant", "acme", "+442071234501"});
    CHECK(records(e, "+442071234501").back().operation == "delete");

    auto const before = count(e);
    e.admin({"tenant", "set", "--tenant", "acme", "--delete-mode", "deactivate"});
    e.admin({"tenant", "set", "--tenant", "acme", "--delete-mode", "deactivate"});  // no change, no record
    CHECK(count(e) == before + 1);
    CHECK(records(e).back().type == "Tenant");
    CHECK(records(e).back().attributes == "deleteMode");
    issue_token(e.db.url(), "acme", "read", "auditor");
    e.admin({"token", "revoke", "--tenant", "acme", "--label", "auditor"});
    auto const all = records(e);
    CHECK((all[all.size() - 2].type == "Token" && all[all.size() - 2].operation == "create"));
    CHECK((all.back().type == "Token" && all.back().operation == "delete"));

    // An event stream's life is recorded by its name: created with its settings, paused, deleted.
    e.admin({"events", "stream", "create", "crm", "--tenant", "acme", "--push", "https://crm.example.com/events"});
    e.admin({"events", "stream", "pause", "crm", "--tenant", "acme"});
    e.admin({"events", "stream", "delete", "crm", "--tenant", "acme"});
    auto const stream = records(e, "crm");
    REQUIRE(stream.size() == 3);
    CHECK((stream[0].type == "EventStream" && stream[0].operation == "create"));
    CHECK(stream[0].attributes == "delivery,endpoint,name,retry");
    CHECK((stream[1].operation == "update" && stream[1].attributes == "state"));
    CHECK(stream[2].operation == "delete");
}

TEST_CASE("scimd audit prints a tenant's records, of one resource or since a time, as columns or JSON") {
    E2E e;
    auto const id = e.create_user("audited@x.com");
    CHECK(patch(e, "/scim/v2/Users/" + id, R"([{"op":"replace","path":"title","value":"T"}])").status == 200);
    auto const text = e.admin({"audit", "--tenant", "acme", "--resource", id});
    CHECK(text.find("\tUser\t" + id + "\tcreate\t1\twriter\t") != std::string::npos);
    CHECK(text.find("\tUser\t" + id + "\tpatch\t2\twriter\t") != std::string::npos);
    CHECK(text.find("\ttitle\n") != std::string::npos);
    auto const json = e.admin({"audit", "--tenant", "acme", "--resource", id, "--json"});
    auto const last = json.substr(json.rfind('\n', json.size() - 2) + 1);
    auto const line = boost::json::parse(last);
    CHECK(line.at("operation") == "patch");
    CHECK(line.at("version") == 2);
    CHECK(line.at("attributes").at(0) == "title");
    CHECK(!line.at("requestId").as_string().empty());
    CHECK(e.admin({"audit", "--tenant", "acme", "--since", "2999-01-01T00:00:00Z"}).empty());
    CHECK(e.admin({"audit", "--tenant", "beta"}).find(id) == std::string::npos);  // another tenant's records
    CHECK(run_scimd({"audit", "--tenant", "acme", "--since", "yesterday"}, e.db.url()).exit_code == 1);
    (void)encode;
}
