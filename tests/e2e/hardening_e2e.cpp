// Hostile input and hostile clients: one regression test per finding of the security and fault probe (F1-F12),
// and the rate limits.
#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <thread>

#include <openssl/ssl.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <pqxx/pqxx>

#include "tests/e2e/e2e_fixture.hpp"
#include "tests/support/raw_connection.hpp"

namespace {

std::string encode(std::string_view text) { return boost::urls::encode(text, boost::urls::unreserved_chars); }

std::string user_body(std::string const& user_name, std::string const& extra = "") {
    return std::string("{") + core_user_schema + ",\"userName\":\"" + user_name + "\"" + extra + "}";
}

// A plain-HTTP request head with the tenant's token, as bytes.
std::string head(std::string const& method, std::string const& target, std::string const& token,
                 std::string const& more_headers = "") {
    return method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
           "\r\nContent-Type: application/scim+json\r\n" + more_headers + "\r\n";
}

int status_of(std::string const& response) {
    if (response.size() < 12 || response.compare(0, 9, "HTTP/1.1 ") != 0) return 0;
    return std::stoi(response.substr(9, 3));
}

void run_sql(E2E& e, std::string const& sql) {
    pqxx::work tx(e.db.connection());
    tx.exec(sql);
    tx.commit();
}

}  // namespace

TEST_CASE("issue F1: a multi-valued attribute past its limit is 400 naming the limit, and repeats count once") {
    E2E e({true, {"--max-members-per-request", "5"}});
    std::string emails;
    for (int i = 0; i < 20000; ++i)
        emails += (i ? "," : "") + std::string(R"({"value":"u)") + std::to_string(i) + R"(@x.com"})";
    auto const before = e.users_snapshot();
    auto const r = e.post("/scim/v2/Users", user_body("many", R"(,"emails":[)" + emails + "]"));
    CHECK(r.status == 400);
    CHECK(r.json().at("scimType") == "invalidValue");
    CHECK(std::string(r.json().at("detail").as_string()).find("at most 1000") != std::string::npos);
    CHECK(e.users_snapshot() == before);

    std::string repeated;
    for (int i = 0; i < 1000; ++i) repeated += (i ? "," : "") + std::string(R"({"value":"same@x.com","type":"work"})");
    auto const same = e.post("/scim/v2/Users", user_body("repeats", R"(,"emails":[)" + repeated + "]"));
    REQUIRE_MESSAGE(same.status == 201, same.body);
    CHECK(same.json().at("emails").as_array().size() == 1);

    std::string members;
    for (int i = 0; i < 6; ++i)
        members += (i ? "," : "") + std::string(R"({"value":")") + e.create_user("m" + std::to_string(i)) + "\"}";
    auto const group = e.post(
        "/scim/v2/Groups",
        R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"G","members":[)" + members + "]}");
    CHECK(group.status == 400);
    CHECK(std::string(group.json().at("detail").as_string()).find("at most 5") != std::string::npos);
}

TEST_CASE("issue F2: two thousand CSV rows sharing a name get two thousand distinct usernames") {
    E2E e;
    std::string csv = "User.FirstName,User.LastName,User.Email,User.Site\n";
    for (int i = 0; i < 2000; ++i) csv += "Ann,Lee,ann" + std::to_string(i) + "@x.com,Main\n";
    auto const r = e.call("POST", "/scim/v2/Users/.import", csv, e.acme.write_token, {{"Content-Type", "text/csv"}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(r.json().at("imported") == 2000);
    CHECK(e.get("/scim/v2/Users?filter=" + encode(R"(userName eq "acme.Ann.Lee.2000")")).json().at("totalResults") ==
          1);
}

TEST_CASE("issue F3: no body is read before the token is checked, and body limits follow the routed endpoint") {
    E2E e({false, {"--bulk-max-payload-bytes", "2048", "--max-buffered-body-bytes", "10000"}});
    SUBCASE("an anonymous 16 MiB upload is refused from its head, without 100-continue") {
        RawConnection c(e.server->port());
        c.send(
            "POST /scim/v2/Users/.import HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nContent-Length: 16000000\r\n"
            "Expect: 100-continue\r\n\r\n");
        auto const response = c.read_until_closed();
        CHECK(status_of(response) == 401);
        CHECK(response.find("100 Continue") == std::string::npos);
        CHECK(c.closed());
    }
    SUBCASE("/scim/v2/Bul%6B is /Bulk, with /Bulk's own body limit") {
        RawConnection c(e.server->port());
        c.send(head("POST", "/scim/v2/Bul%6B", e.acme.write_token, "Content-Length: 5000\r\n"));
        auto const response = c.read_until_closed();
        CHECK(status_of(response) == 413);
        CHECK(response.find("maxPayloadSize") != std::string::npos);
    }
    SUBCASE("bodies beyond what all connections may hold at once wait their turn: 503 with Retry-After") {
        RawConnection first(e.server->port());
        first.send(head("POST", "/scim/v2/Users", e.acme.write_token, "Content-Length: 8000\r\n"));
        first.read_until("never", std::chrono::milliseconds(300));  // its 8,000 bytes are reserved now
        RawConnection second(e.server->port());
        second.send(head("POST", "/scim/v2/Users", e.acme.write_token, "Content-Length: 8000\r\n"));
        auto const response = second.read_until_closed();
        CHECK(status_of(response) == 503);
        CHECK(response.find("Retry-After: 1") != std::string::npos);
    }
}

TEST_CASE("issue F4: framing that could smuggle a second request is 400, closes the connection, and runs nothing") {
    E2E e({false, {}});
    auto const smuggled = "POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + e.acme.write_token +
                          "\r\nContent-Type: application/scim+json\r\nContent-Length: 80\r\n\r\n" +
                          user_body("smuggled") + std::string(80 - user_body("smuggled").size(), ' ');
    for (std::string const framing :
         {"Transfer-Encoding: xchunked\r\n", "Transfer-Encoding: chunked, identity\r\n", "Transfer-Encoding: gzip\r\n",
          "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n", "Content-Length: 3\r\nContent-Length: 4\r\n",
          "Content-Length: abc\r\n"}) {
        CAPTURE(framing);
        RawConnection c(e.server->port());
        c.send(head("POST", "/scim/v2/Users", e.acme.write_token, framing) + smuggled);
        auto const response = c.read_until_closed();
        CHECK(status_of(response) == 400);
        CHECK(c.closed());
        CHECK(response.find("HTTP/1.1 201") == std::string::npos);
    }
    RawConnection bad_chunk(e.server->port());
    bad_chunk.send(head("POST", "/scim/v2/Users", e.acme.write_token, "Transfer-Encoding: chunked\r\n") +
                   "zz\r\nabc\r\n0\r\n\r\n");
    CHECK(status_of(bad_chunk.read_until_closed()) == 400);
    CHECK(e.count_users("acme") == 0);
}

TEST_CASE("issue F5: a database error in one bulk operation fails that operation alone") {
    E2E e({true, {}, true});  // the failing trigger is an internal error on purpose
    run_sql(e,
            "CREATE FUNCTION refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            " IF NEW.data ->> 'userName' = 'explode@example.com' THEN RAISE EXCEPTION 'refused'; END IF;"
            " RETURN NEW; END $$;"
            "CREATE TRIGGER refuse_one BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION refuse_one()");
    auto const op = [](std::string const& id, std::string const& name) {
        return R"({"method":"POST","path":"/Users","bulkId":")" + id + R"(","data":)" + user_body(name) + "}";
    };
    auto const r =
        e.post("/scim/v2/Bulk", R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[)" +
                                    op("a", "a@example.com") + "," + op("b", "explode@example.com") + "," +
                                    op("c", "c@example.com") + "]}");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto const ops = r.json().at("Operations").as_array();
    REQUIRE(ops.size() == 3);
    CHECK(ops[0].at("status") == "201");
    CHECK(ops[1].at("status") == "500");
    CHECK(ops[2].at("status") == "201");
    CHECK(e.count_users("acme") == 2);
    e.server->stop();  // the whole log, read to its end
    CHECK(e.server->log().find("SQLSTATE P0001") != std::string::npos);
    CHECK(e.server->log().find("explode") == std::string::npos);  // the log names no request data
}

TEST_CASE("issue F6: input that PostgreSQL would refuse is 400 before it gets there") {
    E2E e({true, {"--statement-timeout", "5000"}});
    auto const before = e.users_snapshot();
    auto const nul = e.post("/scim/v2/Users", user_body("nul", R"(,"title":"a\u0000b")"));
    CHECK(nul.status == 400);
    CHECK(nul.json().at("scimType") == "invalidValue");
    auto const long_name = e.post("/scim/v2/Users", user_body(std::string(3000, 'n')));
    CHECK(long_name.status == 400);
    CHECK(std::string(long_name.json().at("detail").as_string()).find("1024") != std::string::npos);
    auto const long_email =
        e.post("/scim/v2/Users", user_body("e", R"(,"emails":[{"value":")" + std::string(3000, 'e') + "\"}]"));
    CHECK(long_email.status == 400);
    CHECK(e.users_snapshot() == before);

    std::string many = "userName";
    for (int i = 0; i < 60; ++i) many += ",userName,emails,name.givenName";
    CHECK(e.get("/scim/v2/Users?attributes=" + encode(many)).status == 200);
    CHECK(e.get("/scim/v2/Users?filter=" + encode("title eq \"a") + "%00" + encode("b\"")).status == 400);
    CHECK(e.get("/scim/v2/Users?filter=userName%20eq%20%FF").status == 400);
    CHECK(e.get("/scim/v2/Licenses/%FF%FE").status == 400);
    auto const csv = e.call(
        "POST", "/scim/v2/Users/.import",
        std::string("User.FirstName,User.LastName,User.Email,User.Site\nAnn,Lee,a@x.com,Main\nB\0b,Lee,b@x.com,Main\n",
                    78),
        e.acme.write_token, {{"Content-Type", "text/csv"}});
    CHECK(csv.status == 400);
    CHECK(std::string(csv.json().at("detail").as_string()).find("line 3") != std::string::npos);
}

TEST_CASE("issue F7: a token bound to a user changes only that user, and not what admins assign") {
    E2E e;
    e.admin({"license", "set", "--tenant", "acme", "--type", "X4", "--capacity", "5"});
    auto const me = e.create_user("me@example.com");
    auto const other = e.create_user("other@example.com");
    auto token = run_scimd({"token", "issue", "--tenant", "acme", "--user", "me@example.com"}, e.db.url()).out;
    token.pop_back();
    auto const call = [&](std::string const& method, std::string const& path, std::string const& body = "") {
        return e.call(method, path, body, token, {{"Content-Type", "application/scim+json"}});
    };
    auto const patch_body = [](std::string const& ops) {
        return R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":)" + ops + "}";
    };
    CHECK(call("GET", "/scim/v2/Users").status == 200);
    CHECK(call("GET", "/scim/v2/Users/" + other).status == 200);
    CHECK(call("PATCH", "/scim/v2/Users/" + other, patch_body(R"([{"op":"replace","path":"title","value":"x"}])"))
              .status == 403);
    CHECK(call("DELETE", "/scim/v2/Users/" + other).status == 403);
    CHECK(
        call("PATCH", "/scim/v2/Users/" + me, patch_body(R"([{"op":"replace","path":"title","value":"x"}])")).status ==
        403);
    CHECK(call("DELETE", "/scim/v2/Me").status == 403);
    CHECK(call("POST", "/scim/v2/Bulk",
               R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[]})")
              .status == 403);
    CHECK(call("GET", "/scim/v2/Users/.export").status == 403);
    auto const licence = call(
        "PATCH", "/scim/v2/Me",
        patch_body(
            R"([{"op":"add","path":"urn:ietf:params:scim:schemas:extension:8x8:1.1:User:licenses","value":["X4"]}])"));
    CHECK(licence.status == 403);
    CHECK(call("PATCH", "/scim/v2/Me", patch_body(R"([{"op":"replace","path":"active","value":false}])")).status ==
          403);
    auto const own = call("PATCH", "/scim/v2/Me", patch_body(R"([{"op":"replace","path":"title","value":"Mine"}])"));
    CHECK(own.status == 200);
    auto const mine = e.get("/scim/v2/Users/" + me).json();
    CHECK(mine.at("title") == "Mine");
    CHECK(mine.at("urn:ietf:params:scim:schemas:extension:8x8:1.1:User").at("profileType") == "contact");
    CHECK(e.get("/scim/v2/Users/" + other).json().as_object().contains("title") == false);
}

TEST_CASE("issue F8: exported cells that a spreadsheet would run as formulas are text") {
    E2E e;
    auto const created = e.post(
        "/scim/v2/Users", user_body("f@x.com", R"J(,"name":{"givenName":"=HYPERLINK(\"http://x\")","familyName":"-1+2"},
        "emails":[{"value":"f@x.com","type":"work"}],"title":"@SUM(A1)")J"));
    REQUIRE_MESSAGE(created.status == 201, created.body);
    auto const csv = e.get("/scim/v2/Users/.export").body;
    CHECK(csv.find("'=HYPERLINK") != std::string::npos);
    CHECK(csv.find(",'-1+2,") != std::string::npos);
    CHECK(csv.find("'@SUM(A1)") != std::string::npos);
}

TEST_CASE("issue F9: at the shutdown deadline database work is cancelled and nothing commits") {
    E2E e({true, {"--shutdown-timeout", "1"}});
    run_sql(e,
            "CREATE FUNCTION slow_one() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            " IF NEW.data ->> 'userName' = 'slow@example.com' THEN PERFORM pg_sleep(30); END IF;"
            " RETURN NEW; END $$;"
            "CREATE TRIGGER slow_one BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION slow_one()");
    auto const port = e.server->port();
    auto const token = e.acme.write_token;
    auto pending = std::async(std::launch::async, [port, token] {
        try {
            HttpsClient client(port, true);
            return client
                .request("POST", "/scim/v2/Users", user_body("slow@example.com"),
                         {{"Authorization", "Bearer " + token}, {"Content-Type", "application/scim+json"}})
                .status;
        } catch (std::exception const&) {
            return 0;  // the connection was closed without an answer
        }
    });
    // The insert sleeping in its trigger, as another session sees it (this query is not it: it is not an INSERT).
    auto const sleeping = [&] {
        pqxx::read_transaction tx(e.db.connection());
        return tx
            .exec1(
                "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND state = 'active'"
                " AND query LIKE '%INSERT INTO users%' AND wait_event = 'PgSleep'")[0]
            .as<int>();
    };
    bool found = false;
    for (int i = 0; i < 200 && !found; ++i) {
        found = sleeping() > 0;
        if (!found) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(found);
    e.server->stop();
    // Not left to sleep out its 30 s: scimd cancelled it before exiting, so no session runs it any more.
    int still = sleeping();
    for (int i = 0; i < 100 && still > 0; ++i) {  // a cancel takes effect in moments; the trigger would sleep 30 s
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        still = sleeping();
    }
    CHECK(still == 0);
    CHECK(pending.get() != 201);
    CHECK(e.count_users("acme") == 0);
}

TEST_CASE("issue F10: TLS 1.2 without forward secrecy is refused, and responses carry the security headers") {
    E2E e;
    namespace net = boost::asio;
    net::io_context ioc;
    net::ssl::context context(net::ssl::context::tls_client);
    SSL_CTX_set_max_proto_version(context.native_handle(), TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(context.native_handle(), "AES128-GCM-SHA256:AES256-SHA256");  // RSA key exchange
    net::ssl::stream<net::ip::tcp::socket> stream(ioc, context);
    stream.next_layer().connect({net::ip::make_address("127.0.0.1"), e.server->port()});
    boost::system::error_code ec;
    stream.handshake(net::ssl::stream_base::client, ec);
    CHECK(ec);

    auto const r = e.get("/scim/v2/Users");
    CHECK(r.header("Strict-Transport-Security").starts_with("max-age="));
    CHECK(r.header("X-Content-Type-Options") == "nosniff");
    CHECK(r.header("Cache-Control") == "no-store");
}

TEST_CASE("issue F11: HEAD has no body, bytes that are not UTF-8 never reach JSON raw, and a dripped head times out") {
    E2E e({false, {"--read-timeout", "2"}});
    RawConnection c(e.server->port());
    c.send(head("HEAD", "/scim/v2/Users", e.acme.write_token) +
           head("GET", "/scim/v2/ServiceProviderConfig", e.acme.write_token));
    auto const both = c.read_until("\"patch\"");
    auto const first_end = both.find("\r\n\r\n");
    REQUIRE(first_end != std::string::npos);
    CHECK(status_of(both) == 200);
    CHECK(both.find("Content-Length: ") < first_end);
    CHECK(both.compare(first_end + 4, 9, "HTTP/1.1 ") == 0);  // the next response follows the head at once

    auto const bad_type =
        e.call("POST", "/scim/v2/Users", user_body("x"), e.acme.write_token, {{"Content-Type", "text/\xff\xfe"}});
    CHECK(bad_type.status == 415);
    CHECK(bad_type.json().at("status") == "415");  // the body parses: the bytes were replaced

    // A head dripped a byte every 0.4 s for 8 s: the server closes the connection while the client is still dripping
    // (its header deadline is 2 s), not once the client stops.
    RawConnection slow(e.server->port());
    slow.send("GET /scim/v2/Users HTTP/1.1\r\n");
    int dripped = 0;
    for (; dripped < 20 && slow.send("X"); ++dripped) {
        slow.read_until("never", std::chrono::milliseconds(400));
        if (slow.closed()) break;
    }
    CHECK(slow.closed());
    CHECK(dripped < 20);
}

TEST_CASE("issue F12: a Host that is not a host is not reflected, and a tenant may require managers to be its users") {
    E2E e({false, {}});
    e.admin({"tenant", "set", "--tenant", "acme", "--unknown-managers", "reject"});
    RawConnection c(e.server->port());
    auto const body = user_body("hosted@x.com");
    c.send("POST /scim/v2/Users HTTP/1.1\r\nHost: evil.example/\"><x\r\nAuthorization: Bearer " + e.acme.write_token +
           "\r\nContent-Type: application/scim+json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
           body);
    auto const response = c.read_until("\"location\"");
    CHECK(status_of(response) == 201);
    CHECK(response.find("evil") == std::string::npos);

    auto const nobody = e.post(
        "/scim/v2/Users",
        user_body(
            "m@x.com",
            R"(,"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"00000000-0000-0000-0000-000000000000"}})"));
    CHECK(nobody.status == 400);
    auto const literal =
        e.post("/scim/v2/Users",
               user_body("n@x.com",
                         R"(,"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":"bulkId:a"})"));
    CHECK(literal.status == 400);  // outside a /Bulk, "bulkId:a" is only text, and no user has that id
    CHECK(std::string(literal.json().at("detail").as_string()).find("bulkId:a") != std::string::npos);
}

TEST_CASE("failed authentications from one address are limited before they cost database queries") {
    E2E e({true, {"--auth-failures", "1/s", "--auth-failure-burst", "5"}});
    int limited = 0;
    for (int i = 0; i < 8; ++i) {
        auto const r = e.call("GET", "/scim/v2/Users", "", "not-a-token-" + std::to_string(i));
        if (r.status == 429) {
            ++limited;
            CHECK(!r.header("Retry-After").empty());
        } else {
            CHECK(r.status == 401);
        }
    }
    CHECK(limited >= 2);
}

TEST_CASE("a burst beyond a tenant rate limit gets 429 with Retry-After, and another tenant is unaffected") {
    E2E e;
    CHECK(
        e.admin({"tenant", "set", "--tenant", "beta", "--rate-limit", "2/s", "--burst", "3"}).find("rate-limit\t2/s") !=
        std::string::npos);
    int limited = 0;
    for (int i = 0; i < 8; ++i) {
        auto const r = e.call("GET", "/scim/v2/Users", "", e.beta.write_token);
        if (r.status != 429) continue;
        ++limited;
        CHECK(r.header("Retry-After") == "1");
        CHECK(r.json().at("status") == "429");
        CHECK(std::string(r.json().at("detail").as_string()).find("beta") != std::string::npos);
    }
    CHECK(limited >= 4);
    for (int i = 0; i < 8; ++i) CHECK(e.get("/scim/v2/Users").status == 200);  // acme
    auto limited_token =
        run_scimd({"token", "issue", "--tenant", "acme", "--rate-limit", "1/s", "--burst", "1"}, e.db.url()).out;
    limited_token.pop_back();
    CHECK(e.call("GET", "/scim/v2/Users", "", limited_token).status == 200);
    CHECK(e.call("GET", "/scim/v2/Users", "", limited_token).status == 429);
    CHECK(e.get("/scim/v2/Users").status == 200);  // the tenant's other tokens go on
}

TEST_CASE("a token the cache knows as good is not held up by other clients' failures from the same address") {
    E2E e({true, {"--token-cache-ms", "60000", "--auth-failures", "1/min", "--auth-failure-burst", "3"}});
    CHECK(e.get("/scim/v2/Users").status == 200);  // now cached
    int limited = 0;
    for (int i = 0; i < 6; ++i)
        limited += e.call("GET", "/scim/v2/Users", "", "wrong-" + std::to_string(i)).status == 429;
    CHECK(limited >= 3);
    CHECK(e.get("/scim/v2/Users").status == 200);
    CHECK(e.call("GET", "/scim/v2/Users", "", e.acme.read_token).status == 429);  // not cached yet: held up
}
