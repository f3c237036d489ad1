// What the SCIM interoperability profile and the OpenID IPSIE profile ask, and what Microsoft's reference tests send.
#include <doctest/doctest.h>

#include <algorithm>

#include <openssl/ssl.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/json.hpp>
#include <pqxx/pqxx>

#include "tests/e2e/e2e_fixture.hpp"

namespace json = boost::json;

namespace {

std::string const enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

std::string user_with_manager(std::string const& user_name, std::string const& manager) {
    return std::string("{") + core_user_schema + R"(,"userName":")" + user_name + R"(",")" + enterprise +
           R"(":{"manager":{"value":")" + manager + R"("}}})";
}

}  // namespace

TEST_CASE("a manager that names nobody of the tenant is kept unlinked, named in a header, and linked once it can be") {
    E2E e;
    // Microsoft's reference collection: the manager is "SuzzyQ", which names no user.
    auto const created = e.post("/scim/v2/Users", user_with_manager("ref@example.com", "SuzzyQ"));
    REQUIRE_MESSAGE(created.status == 201, created.body);
    auto const manager = created.json().at(enterprise).at("manager");
    CHECK(manager.at("value") == "SuzzyQ");
    CHECK_FALSE(manager.as_object().contains("$ref"));
    CHECK(created.header("scim-unlinked-references") == enterprise + ":manager=SuzzyQ");
    auto const id = std::string(created.json().at("id").as_string());

    // The manager arrives, known to the HR system as SuzzyQ: the reference links, with its $ref and displayName.
    auto const boss = e.post("/scim/v2/Users", std::string("{") + core_user_schema +
                                                   R"(,"userName":"suzzy@example.com","externalId":"SuzzyQ",)"
                                                   R"("displayName":"Suzzy Queue"})");
    REQUIRE(boss.status == 201);
    auto const boss_id = std::string(boss.json().at("id").as_string());
    auto const linked = e.get("/scim/v2/Users/" + id).json().at(enterprise).at("manager");
    CHECK(linked.at("value") == "SuzzyQ");
    CHECK(linked.at("$ref").as_string().ends_with("/Users/" + boss_id));
    CHECK(linked.at("displayName") == "Suzzy Queue");
    // By id too, and a write that names a known manager carries no header.
    auto const by_id = e.post("/scim/v2/Users", user_with_manager("two@example.com", boss_id));
    CHECK(by_id.header("scim-unlinked-references").empty());
    CHECK(by_id.json().at(enterprise).at("manager").at("displayName") == "Suzzy Queue");

    // Another tenant's user is never found: beta's reference to acme's id stays unlinked.
    auto const across = e.call("POST", "/scim/v2/Users", user_with_manager("b@example.com", boss_id),
                               e.beta.write_token, {{"Content-Type", "application/scim+json"}});
    REQUIRE(across.status == 201);
    CHECK_FALSE(across.json().at(enterprise).at("manager").as_object().contains("$ref"));
    CHECK(across.body.find("Suzzy") == std::string::npos);

    // A tenant that asks for the strict rule gets the 400 of before.
    e.admin({"tenant", "set", "--tenant", "acme", "--unknown-managers", "reject"});
    auto const refused = e.post("/scim/v2/Users", user_with_manager("three@example.com", "Nobody"));
    CHECK(refused.status == 400);
    CHECK(refused.json().at("scimType") == "invalidValue");
    e.server->stop();
    auto const log = e.server->log();  // the access log names it, as text or as JSON
    CHECK((log.find("unlinked=" + enterprise + ":manager=SuzzyQ") != std::string::npos ||
           log.find("\"unlinked\":\"" + enterprise + ":manager=SuzzyQ\"") != std::string::npos));
}

TEST_CASE(
    "a strict tenant follows the interoperability profile, and a tolerant one accepts what identity providers send") {
    E2E e;
    e.admin({"tenant", "set", "--tenant", "acme", "--profile", "strict", "--delete-mode", "deactivate"});
    CHECK(e.admin({"tenant", "show", "--tenant", "acme"}).find("profile\tstrict") != std::string::npos);
    auto const strict = [&](std::string const& method, std::string const& path, std::string const& body = "") {
        return e.call(method, path, body, e.acme.write_token, {{"Content-Type", "application/scim+json"}});
    };
    auto const tolerant = [&](std::string const& method, std::string const& path, std::string const& body = "") {
        return e.call(method, path, body, e.beta.write_token, {{"Content-Type", "application/scim+json"}});
    };
    CHECK(strict("GET", "/scim/v2/ServiceProviderConfig").json().at("interopProfileConformant") == true);
    CHECK(tolerant("GET", "/scim/v2/ServiceProviderConfig").json().at("interopProfileConformant") == false);

    auto const before = e.users_snapshot();
    int n = 0;
    auto const base = [&n] {
        return std::string("{") + core_user_schema + R"(,"userName":"u)" + std::to_string(++n) + R"(@example.com")";
    };
    std::string const entra_extension =
        R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User"],)"
        R"("userName":"x@example.com","urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User":{"a":"b"}})";
    for (auto const& body :
         {base() + R"(,"favouriteColour":"teal"})", entra_extension, base() + R"(,"password":"S3cret!x"})"}) {
        auto const r = strict("POST", "/scim/v2/Users", body);
        CHECK_MESSAGE(r.status == 400, body << " -> " << r.body);
        CHECK(r.json().at("scimType") == "invalidSyntax");
        CHECK(tolerant("POST", "/scim/v2/Users", body).status == 201);  // ignored (and named), or stored
    }
    CHECK(e.users_snapshot().find("acme") == before.find("acme"));  // nothing of acme's changed
    auto const schema = strict("GET", "/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User").body;
    CHECK(schema.find("\"password\"") == std::string::npos);
    CHECK(tolerant("GET", "/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User").body.find("\"password\"") !=
          std::string::npos);

    auto const id = e.create_user("kept@example.com");
    std::string const pathless =
        R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"title":"x"}}]})";
    auto const refused = strict("PATCH", "/scim/v2/Users/" + id, pathless);
    CHECK(refused.status == 400);
    CHECK(refused.json().at("detail").as_string().find("path") != std::string::npos);
    auto const theirs =
        tolerant("POST", "/scim/v2/Users", std::string("{") + core_user_schema + R"(,"userName":"p@x.com"})");
    CHECK(tolerant("PATCH", "/scim/v2/Users/" + std::string(theirs.json().at("id").as_string()), pathless).status ==
          200);

    // DELETE deletes, whatever the delete mode: 404 afterwards, the userName free again.
    CHECK(strict("DELETE", "/scim/v2/Users/" + id).status == 204);
    CHECK(strict("GET", "/scim/v2/Users/" + id).status == 404);
    CHECK(strict("POST", "/scim/v2/Users", std::string("{") + core_user_schema + R"(,"userName":"kept@example.com"})")
              .status == 201);
}

TEST_CASE(
    "the rules that hold in both profiles: filters, many member operations, type values, TLS 1.3, the scim scope") {
    E2E e;
    auto const ann = e.create_user("ann@example.com", R"(,"emails":[{"value":"ann@example.com","type":"work"},)"
                                                      R"({"value":"ann@home.example","type":"home"}])");
    auto const work =
        e.get("/scim/v2/Users?filter=" +
              std::string("emails%5Btype%20eq%20%22work%22%20and%20value%20eq%20%22ann%40example.com%22%5D"));
    CHECK(work.json().at("totalResults") == 1);
    auto const home =
        e.get("/scim/v2/Users?filter=" +
              std::string("emails%5Btype%20eq%20%22work%22%20and%20value%20eq%20%22ann%40home.example%22%5D"));
    CHECK(home.json().at("totalResults") == 0);

    // 1,000 member operations in one PATCH: the group gets every member, then loses them again.
    e.seed_users("acme", 1000);
    pqxx::read_transaction tx(e.db.connection());
    auto const ids = tx.exec(
        "SELECT u.id::text FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE t.name = 'acme'"
        " AND u.user_name LIKE 'user%' ORDER BY u.user_name");
    tx.commit();
    auto const group = e.post("/scim/v2/Groups", R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],)"
                                                 R"("displayName":"Everyone"})");
    REQUIRE(group.status == 201);
    auto const gid = std::string(group.json().at("id").as_string());
    std::string add, remove;
    for (auto const& row : ids) {
        auto const uid = row[0].as<std::string>();
        add += std::string(add.empty() ? "" : ",") + R"({"op":"add","path":"members","value":[{"value":")" + uid +
               R"("}]})";
        remove +=
            std::string(remove.empty() ? "" : ",") + R"({"op":"remove","path":"members[value eq \")" + uid + R"(\"]"})";
    }
    auto const patch = [&](std::string const& ops) {
        return e.call("PATCH", "/scim/v2/Groups/" + gid,
                      R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[)" + ops + "]}",
                      e.acme.write_token, {{"Content-Type", "application/scim+json"}});
    };
    CHECK(patch(add).status == 204);
    auto const member = std::string(ids[0][0].c_str());
    auto const found = e.get("/scim/v2/Groups?filter=" + std::string("members%5Bvalue%20eq%20%22") + member + "%22%5D");
    CHECK(found.json().at("totalResults") == 1);
    CHECK(e.get("/scim/v2/Groups/" + gid + "?attributes=members").json().at("members").as_array().size() == 1000);
    CHECK(patch(remove).status == 204);
    CHECK_FALSE(e.get("/scim/v2/Groups/" + gid).json().as_object().contains("members"));
    (void)ann;

    // Every "type" sub-attribute has canonical values.
    auto const schema = e.get("/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User").json();
    for (auto const& attribute : schema.at("attributes").as_array()) {
        auto const* subs = attribute.as_object().if_contains("subAttributes");
        if (!subs) continue;
        for (auto const& sub : subs->as_array())
            if (sub.at("name") == "type")
                CHECK_MESSAGE(sub.as_object().contains("canonicalValues"), attribute.at("name"));
    }

    // TLS 1.3 is offered, and the OAuth metadata names the scope "scim".
    namespace net = boost::asio;
    net::io_context ioc;
    net::ssl::context context(net::ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_3_VERSION);
    net::ssl::stream<net::ip::tcp::socket> stream(ioc, context);
    stream.next_layer().connect({net::ip::make_address("127.0.0.1"), e.server->port()});
    boost::system::error_code ec;
    stream.handshake(net::ssl::stream_base::client, ec);
    CHECK_FALSE(ec);
    CHECK(std::string(SSL_get_version(stream.native_handle())) == "TLSv1.3");
    auto const metadata = e.call("GET", "/.well-known/oauth-authorization-server").json();
    auto const& scopes = metadata.at("scopes_supported").as_array();
    CHECK(std::find(scopes.begin(), scopes.end(), json::value("scim")) != scopes.end());
}

TEST_CASE(
    "scimd conformance passes every rule against a strict tenant, and fails only its deviations against a tolerant "
    "one") {
    E2E e;
    e.admin({"tenant", "set", "--tenant", "acme", "--profile", "strict", "--delete-mode", "deactivate"});
    auto const self_test = [&](std::string const& tenant) {
        auto const url = "https://127.0.0.1:" + std::to_string(e.server->port()) + "/scim/v2";
        return run_scimd({"conformance", "--tenant", tenant, "--url", url, "--ca-file", test_certificate().cert_file},
                         e.db.url());
    };
    auto const strict = self_test("acme");
    INFO(strict.out << strict.err);
    CHECK(strict.exit_code == 0);
    CHECK(strict.out.find("FAIL") == std::string::npos);
    CHECK(strict.out.find("DEVIATION") == std::string::npos);
    for (auto const* level : {"interop: 9 of 9", "IPSIE AL1: 8 of 8", "IPSIE AL2: 6 of 6"})
        CHECK_MESSAGE(strict.out.find(level) != std::string::npos, level);
    // It left nothing: no user or group of its own, no token it issued still active.
    auto const leftovers = [&](std::string const& tenant) {
        pqxx::read_transaction tx(e.db.connection());
        return tx
            .exec_params1(
                "SELECT (SELECT count(*) FROM users u WHERE u.tenant_id = t.id AND u.user_name LIKE "
                "'conformance-%') + (SELECT count(*) FROM groups g WHERE g.tenant_id = t.id) +"
                " (SELECT count(*) FROM api_tokens k WHERE k.tenant_id = t.id AND k.label LIKE "
                "'conformance-%' AND k.revoked_at IS NULL) FROM tenants t WHERE t.name = $1",
                tenant)[0]
            .as<long>();
    };
    CHECK(leftovers("acme") == 0);

    e.restart();  // the run ends by tripping the failed-authentication limit for this address
    e.admin({"tenant", "set", "--tenant", "beta", "--delete-mode", "deactivate"});
    auto const tolerant = self_test("beta");
    INFO(tolerant.out << tolerant.err);
    CHECK(tolerant.exit_code == 0);
    CHECK(tolerant.out.find(" FAIL ") == std::string::npos);
    for (auto const* rule : {"interop-1    DEVIATION", "interop-2    DEVIATION", "interop-3    DEVIATION",
                             "interop-4    DEVIATION", "interop-5    DEVIATION", "ipsie-al2-2  DEVIATION"})
        CHECK_MESSAGE(tolerant.out.find(rule) != std::string::npos, rule);
    CHECK(leftovers("beta") == 0);
}

TEST_CASE("Microsoft's reference collection's user, capitalised keys and manager SuzzyQ, is created as sent") {
    E2E e;
    auto const created =
        e.post("/scim/v2/Users", R"({"UserName":"UserName123","Active":true,"DisplayName":"BobIsAmazing",
        "schemas":["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","urn:ietf:params:scim:schemas:core:2.0:User"],
        "externalId":"8f6a1c8e-6c1f-4f5e-9c2f-1f2e3d4c5b6a","name":{"formatted":"Ryan Leenay","familyName":"Leenay","givenName":"Ryan"},
        "emails":[{"Primary":true,"type":"work","value":"testing@bob.com"},{"Primary":false,"type":"home","value":"testinghome@bob.com"}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"Department":"bob","Manager":{"Value":"SuzzyQ"}}})");
    REQUIRE_MESSAGE(created.status == 201, created.body);
    auto const id = std::string(created.json().at("id").as_string());
    auto const read = e.get("/scim/v2/Users/" + id).json();
    CHECK(read.at(enterprise).at("department") == "bob");
    CHECK(read.at(enterprise).at("manager").at("value") == "SuzzyQ");
    // The collection's next steps: filter by userName and externalId, PATCH the manager away, delete.
    CHECK(e.get("/scim/v2/Users?filter=userName%20eq%20%22UserName123%22").json().at("totalResults") == 1);
    auto const patched =
        e.call("PATCH", "/scim/v2/Users/" + id,
               R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[)"
               R"({"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"}]})",
               e.acme.write_token, {{"Content-Type", "application/scim+json"}});
    CHECK(patched.status == 200);
    CHECK_FALSE(patched.json().at(enterprise).as_object().contains("manager"));
    CHECK(e.del("/scim/v2/Users/" + id).status == 204);
}
