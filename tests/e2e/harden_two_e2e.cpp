// The second attack and fault probe: one regression test per finding (H1 is event_isolation_e2e.cpp, L3 a unit test of
// scim/csv), and deactivation ending every access a person holds.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <memory>
#include <thread>

#include <openssl/ssl.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/json.hpp>
#include <pqxx/pqxx>

#include "server/crypto.hpp"
#include "server/jws.hpp"
#include "storage/token_repository.hpp"
#include "tests/e2e/e2e_fixture.hpp"
#include "tests/support/event_receiver.hpp"
#include "tests/support/raw_connection.hpp"

namespace json = boost::json;

namespace {

std::string const directory = "urn:ietf:params:scim:schemas:extension:8x8:1.1:User";
std::string const enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

std::string patch_body(std::string const& operations) {
    return R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":)" + operations + "}";
}

std::string bound_token(E2E& e, std::string const& user_name) {
    auto const out = e.admin({"token", "issue", "--tenant", "acme", "--scope", "write", "--label", user_name + "-self",
                              "--user", user_name});
    return out.substr(0, out.find('\n'));
}

// Registers an OAuth client with a secret, bound to `user_name`, and returns its token request's form.
std::string bound_client_form(E2E& e, std::string const& user_name) {
    auto const out = e.admin({"client", "create", "--tenant", "acme", "--label", "app", "--user", user_name});
    auto const line = [&](std::string const& key) {
        auto const at = out.find(key + "=") + key.size() + 1;
        return out.substr(at, out.find('\n', at) - at);
    };
    return "grant_type=client_credentials&client_id=" + line("client_id") + "&client_secret=" + line("client_secret");
}

std::int64_t now_s() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Waits until `done()` or `wait` passes; whether it was done.
template <class Done>
bool eventually(Done const& done, std::chrono::milliseconds wait) {
    auto const deadline = std::chrono::steady_clock::now() + wait;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return true;
}

}  // namespace

TEST_CASE("M1: idle and half-sent connections to the admin port never keep the probes from answering") {
    E2E e;
    std::vector<std::unique_ptr<RawConnection>> idle;
    for (int i = 0; i < 150; ++i) idle.push_back(std::make_unique<RawConnection>(e.server->admin_port()));
    for (int i = 0; i < 150; i += 3) idle[static_cast<std::size_t>(i)]->send("GET /livez HTTP/1.1\r\nHost: x\r\n");
    for (auto const* path : {"/livez", "/readyz", "/metrics"}) {
        auto const r = HttpsClient(e.server->admin_port(), false).request("GET", path);
        CHECK_MESSAGE(r.status == 200, path);
    }
    // A connection that sends nothing is closed after the short header timeout, not held for ten seconds.
    RawConnection silent(e.server->admin_port());
    silent.read_until_closed(std::chrono::milliseconds(4000));
    CHECK(silent.closed());
}

TEST_CASE("M2: a user-bound token reads nobody the directory hides from its person, by id, in groups or by search") {
    E2E e;
    e.admin({"site", "create", "Paris", "--tenant", "acme", "--site-code", "33"});
    auto const me = e.create_user("me@example.com");
    auto const hidden = e.create_user(
        "hidden@example.com", R"(,"displayName":"Hidden Person",")" + directory + R"(":{"displayInDirectory":false})");
    auto const far =
        e.create_user("far@example.com", R"(,")" + directory + R"(":{"site":"Paris","directoryScope":"SITE"})");
    auto const seen =
        e.create_user("seen@example.com", R"(,")" + enterprise + R"(":{"manager":{"value":")" + hidden + R"("}})");
    auto const group =
        e.post("/scim/v2/Groups", R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],)"
                                  R"("displayName":"Team","members":[{"value":")" +
                                      hidden + R"("},{"value":")" + seen + R"("},{"value":")" + far + R"("}]})");
    REQUIRE(group.status == 201);
    auto const gid = std::string(group.json().at("id").as_string());
    auto const token = bound_token(e, "me@example.com");
    auto const get = [&](std::string const& path) { return e.call("GET", path, "", token); };

    CHECK(get("/scim/v2/Users/" + hidden).status == 404);
    CHECK(get("/scim/v2/Users/" + far).status == 404);
    CHECK(get("/scim/v2/Users/" + seen).status == 200);
    CHECK(get("/scim/v2/Users/" + me).status == 200);
    CHECK(e.get("/scim/v2/Users/" + hidden).status == 200);  // an admin's token sees everyone

    auto const members = get("/scim/v2/Groups/" + gid);
    REQUIRE(members.status == 200);
    CHECK(members.body.find(hidden) == std::string::npos);
    CHECK(members.body.find("Hidden Person") == std::string::npos);
    CHECK(members.body.find(far) == std::string::npos);
    CHECK(members.body.find(seen) != std::string::npos);
    CHECK(e.get("/scim/v2/Groups/" + gid).body.find(hidden) != std::string::npos);

    auto const listed_groups = get("/scim/v2/Groups?filter=displayName%20eq%20%22Team%22");
    CHECK(listed_groups.body.find(hidden) == std::string::npos);
    CHECK(e.call("POST", "/scim/v2/.search", R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]})",
                 token, {{"Content-Type", "application/scim+json"}})
              .status == 403);  // the root search is not theirs at all
    auto const searched = e.call("POST", "/scim/v2/Users/.search",
                                 R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]})", token,
                                 {{"Content-Type", "application/scim+json"}});
    REQUIRE(searched.status == 200);
    CHECK(searched.body.find("hidden@example.com") == std::string::npos);
    CHECK(searched.body.find("far@example.com") == std::string::npos);
    CHECK(searched.body.find("seen@example.com") != std::string::npos);
    // A visible person's manager who is hidden is left out, id and name.
    auto const with_manager = get("/scim/v2/Users/" + seen).json();
    CHECK_FALSE(with_manager.as_object().contains(enterprise));
    CHECK(e.get("/scim/v2/Users/" + seen).json().at(enterprise).at("manager").at("value").as_string() == hidden);
}

TEST_CASE("M4: a JWKS that cannot be fetched is a generic 401, and its URL and answer go only to the log") {
    E2E e;
    EventReceiver keys;  // the issuer's JWKS URL answers an error page with internal details
    keys.answer({500, "", {}, R"({"detail":"INTERNAL-DB-HOST db7.corp:5432"})"});
    std::string const iss = "https://issuer.example.com/";
    e.admin(
        {"tenant", "trust", "--tenant", "acme", "--issuer", iss, "--audience", "api://acme", "--jwks-uri", keys.url()});
    auto const jwt = server::JwsSigner(server::generate_signing_key("ES256"))
                         .sign(json::serialize(json::object{
                                   {"iss", iss}, {"aud", "api://acme"}, {"iat", now_s()}, {"exp", now_s() + 600}}),
                               "JWT");
    auto const r = e.call("GET", "/scim/v2/Users", "", jwt);
    CHECK(r.status == 401);
    for (auto const& leak : {std::string("INTERNAL-DB-HOST"), keys.url(), std::string("127.0.0.1")}) {
        CHECK_MESSAGE(r.body.find(leak) == std::string::npos, r.body);
        CHECK_MESSAGE(r.header("www-authenticate").find(leak) == std::string::npos, r.header("www-authenticate"));
    }
    CHECK(r.body.find("could not be obtained") != std::string::npos);

    // The token endpoint, for a client whose JWKS URL fails: the same.
    auto const out = e.admin({"client", "create", "--tenant", "acme", "--label", "jwks", "--jwks-url", keys.url()});
    auto const client_id =
        out.substr(out.find("client_id=") + 10, out.find('\n', out.find("client_id=")) - out.find("client_id=") - 10);
    auto const assertion =
        server::JwsSigner(server::generate_signing_key("ES256"))
            .sign(json::serialize(
                      json::object{{"iss", client_id},
                                   {"sub", client_id},
                                   {"aud", "https://127.0.0.1:" + std::to_string(e.server->port()) + "/oauth2/token"},
                                   {"jti", "a-1"},
                                   {"iat", now_s()},
                                   {"exp", now_s() + 60}}),
                  "JWT");
    auto const token = e.call(
        "POST", "/oauth2/token",
        "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-"
        "bearer&client_id=" +
            client_id + "&client_assertion=" + assertion,
        "", {{"Content-Type", "application/x-www-form-urlencoded"}});
    CHECK(token.status == 401);
    CHECK(token.body.find("INTERNAL-DB-HOST") == std::string::npos);
    CHECK(token.body.find(keys.url()) == std::string::npos);
    CHECK(e.server->log().find("INTERNAL-DB-HOST") != std::string::npos);  // the operator still learns why
}

TEST_CASE("M5: a user-bound token cannot change the keys people are matched on") {
    E2E e;
    auto const me = e.create_user("me@example.com", R"(,"externalId":"HR-1","emails":[{"value":"me@example.com",)"
                                                    R"("primary":true}],")" +
                                                        enterprise + R"(":{"employeeNumber":"E1"})");
    auto const token = bound_token(e, "me@example.com");
    auto const before = e.users_snapshot();
    auto const try_patch = [&](std::string const& ops) {
        return e.call("PATCH", "/scim/v2/Me", patch_body(ops), token, {{"Content-Type", "application/scim+json"}});
    };
    for (auto const& ops : {
             std::string(R"([{"op":"replace","path":"userName","value":"future.hire@example.com"}])"),
             std::string(R"([{"op":"replace","path":"externalId","value":"HR-2"}])"),
             std::string(R"([{"op":"remove","path":"externalId"}])"),
             R"([{"op":"replace","path":")" + enterprise + R"(:employeeNumber","value":"E2"}])",
             R"([{"op":"add","path":")" + enterprise + R"(:manager","value":{"value":")" + me + R"("}}])",
             std::string(R"([{"op":"replace","path":"emails[primary eq true].value","value":"ceo@example.com"}])"),
             std::string(R"([{"op":"replace","path":"emails","value":[{"value":"x@example.com","primary":true}]}])"),
         }) {
        auto const r = try_patch(ops);
        CHECK_MESSAGE(r.status == 403, ops << " -> " << r.status << " " << r.body);
    }
    // A PUT that renames: refused too.
    auto body = e.call("GET", "/scim/v2/Me", "", token).json().as_object();
    body["userName"] = "future.hire@example.com";
    CHECK(e.call("PUT", "/scim/v2/Me", json::serialize(body), token, {{"Content-Type", "application/scim+json"}})
              .status == 403);
    CHECK(e.users_snapshot() == before);
    // What the person owns stays theirs: a title, a second address.
    CHECK(try_patch(R"([{"op":"replace","path":"title","value":"Chef"}])").status == 200);
    CHECK(
        try_patch(R"([{"op":"add","path":"emails","value":[{"value":"me.home@example.net","type":"home"}]}])").status ==
        200);
}

TEST_CASE("L1: a receiver's error text cannot forge a line in scimd's log") {
    E2E e;
    EventReceiver receiver;
    // A 400 refuses the SET for good, and scimd logs the receiver's answer with it.
    receiver.answer({400, "", {}, "{\"oops\":1}\n2026-01-01T00:00:00.000Z FORGED admin logged in"});
    e.admin({"events", "stream", "create", "crm", "--tenant", "acme", "--push", receiver.url()});
    e.create_user("one@example.com");
    REQUIRE(e.server->wait_for_log("FORGED", std::chrono::seconds(10)));
    e.server->stop();
    auto const log = e.server->log();
    CHECK(log.find("\n2026-01-01T00:00:00.000Z FORGED") == std::string::npos);
}

TEST_CASE("L2: a poll's ack or setErrs naming a jti with a NUL or a line break is 400, not 500") {
    E2E e;
    e.admin({"events", "stream", "create", "pull", "--tenant", "acme", "--poll"});
    auto const poll = [&](std::string const& body) {
        return e.call("POST", "/scim/v2/Events/pull", body, e.acme.write_token, {{"Content-Type", "application/json"}});
    };
    for (auto const* body :
         {R"({"returnImmediately":true,"ack":["a\u0000b"]})",
          R"({"returnImmediately":true,"setErrs":{"a\u0000b":{"err":"x","description":"y"}}})",
          R"({"returnImmediately":true,"ack":["line\nbreak"]})", R"({"returnImmediately":true,"ack":[""]})"}) {
        auto const r = poll(body);
        CHECK_MESSAGE(r.status == 400, body << " -> " << r.body);
        CHECK(r.body.find("jti") != std::string::npos);
    }
    CHECK(poll(R"({"returnImmediately":true,"ack":["0b9cbe3c-5d43-4d28-9d4c-3c1b6f3f0a11"]})").status == 200);
}

TEST_CASE("L4: an OAuth client bound to a deactivated user gets no more access tokens") {
    E2E e;
    auto const id = e.create_user("leaver@example.com");
    auto const form = bound_client_form(e, "leaver@example.com");
    auto const token = [&] {
        return e.call("POST", "/oauth2/token", form, "", {{"Content-Type", "application/x-www-form-urlencoded"}});
    };
    CHECK(token().status == 200);
    REQUIRE(e.call("PATCH", "/scim/v2/Users/" + id, patch_body(R"([{"op":"replace","path":"active","value":false}])"),
                   e.acme.write_token, {{"Content-Type", "application/scim+json"}})
                .status == 200);
    auto const refused = token();
    CHECK(refused.status == 401);
    CHECK(refused.json().at("error") == "invalid_client");
}

TEST_CASE("L5: push receivers and JWKS URLs at loopback, private or metadata addresses are refused unless allowed") {
    E2E e({true, {"--egress-allow", "192.0.2.1/32"}});  // the suite allows the loopback; this server does not
    std::map<std::string, std::string> const strict{{"SCIMD_EGRESS_ALLOW", ""}};
    for (auto const* url : {"http://127.0.0.1:9/x", "http://169.254.169.254/latest/meta-data", "https://10.1.2.3/e",
                            "http://[::1]:9/x", "http://[::ffff:127.0.0.1]/x", "https://100.64.0.1/"}) {
        auto const r =
            run_scimd({"events", "stream", "create", "s", "--tenant", "acme", "--push", url}, e.db.url(), strict);
        CHECK_MESSAGE(r.exit_code == 2, url);
        CHECK_MESSAGE(r.err.find("--allow-private-egress") != std::string::npos, r.err);
    }
    CHECK(run_scimd({"events", "stream", "create", "s", "--tenant", "acme", "--push", "https://pbx.example.com/e"},
                    e.db.url(), strict)
              .exit_code == 0);
    CHECK(run_scimd({"tenant", "trust", "--tenant", "acme", "--issuer", "https://i.example.com/", "--audience", "a",
                     "--jwks-uri", "http://169.254.169.254/keys"},
                    e.db.url(), strict)
              .exit_code == 2);

    // A stream stored while the loopback was allowed: the server checks the address it connects to, and refuses.
    EventReceiver receiver;
    e.admin({"events", "stream", "create", "local", "--tenant", "acme", "--push", receiver.url()});
    e.create_user("one@example.com");
    CHECK(eventually(
        [&] {
            return e.admin({"events", "stream", "list", "--tenant", "acme"}).find("egress policy") != std::string::npos;
        },
        std::chrono::seconds(10)));
    CHECK(receiver.requests() == 0);
}

TEST_CASE("the token endpoint's 429 is an OAuth error body with Retry-After") {
    E2E e({true, {"--auth-failures", "1/s", "--auth-failure-burst", "2"}});
    HttpResult last;
    for (int i = 0; i < 6 && last.status != 429; ++i)
        last = e.call("POST", "/oauth2/token", "grant_type=client_credentials&client_id=x&client_secret=y", "",
                      {{"Content-Type", "application/x-www-form-urlencoded"}});
    REQUIRE(last.status == 429);
    CHECK(last.json().at("error") == "temporarily_unavailable");
    CHECK(last.json().as_object().contains("error_description"));
    CHECK_FALSE(last.json().as_object().contains("schemas"));
    CHECK(!last.header("retry-after").empty());
}

TEST_CASE("deactivating a user ends every access it holds: tokens, OAuth clients, phone activation codes") {
    E2E e({true, {"--token-cache-ms", "5000"}});  // the default cache: refusal comes within its bound
    EventReceiver pbx;
    e.admin({"events", "stream", "create", "pbx", "--tenant", "acme", "--push", pbx.url(), "--events",
             "urn:ietf:params:scim:event:prov:deactivate"});
    e.admin({"license", "set", "--tenant", "acme", "--type", "X4", "--capacity", "5"});
    auto const id = e.create_user("leaver@example.com", R"(,")" + directory + R"(":{"licenses":["X4"]})");
    auto const token = bound_token(e, "leaver@example.com");
    auto const form = bound_client_form(e, "leaver@example.com");
    auto const issued =
        e.call("POST", "/oauth2/token", form, "", {{"Content-Type", "application/x-www-form-urlencoded"}});
    REQUIRE(issued.status == 200);
    auto const access = std::string(issued.json().at("access_token").as_string());
    // Two phones: one known by its MAC, one waiting for its activation code.
    auto const phone = [&](std::string const& mac) {
        auto const r = e.post("/scim/v2/Devices",
                              R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Device"],"active":true,)"
                              R"("urn:ietf:params:scim:schemas:extension:8x8:1.1:Device":{"assignedUser":{"value":")" +
                                  id + R"("}})" +
                                  (mac.empty() ? std::string()
                                               : R"(,"urn:ietf:params:scim:schemas:extension:ethernet-mab:2.0:Device":)"
                                                 R"({"deviceMacAddress":")" +
                                                     mac + R"("})") +
                                  "}");
        REQUIRE_MESSAGE(r.status == 201, r.body);
        return std::string(r.json().at("id").as_string());
    };
    phone("00:04:F2:AA:00:01");
    auto const waiting = phone("");
    auto const activation = e.post("/scim/v2/Devices/" + waiting + "/.activate", "");
    REQUIRE(activation.status == 200);
    auto const code = std::string(activation.json().at("activationCode").as_string());
    CHECK(e.call("GET", "/scim/v2/Me", "", token).status == 200);
    CHECK(e.call("GET", "/scim/v2/Me", "", access).status == 200);

    REQUIRE(e.call("PATCH", "/scim/v2/Users/" + id, patch_body(R"([{"op":"replace","path":"active","value":false}])"),
                   e.acme.write_token, {{"Content-Type", "application/scim+json"}})
                .status == 200);
    auto const deactivated = std::chrono::steady_clock::now();
    // Each kind of access is refused within the token cache's 5 s (the bound this server promises), at once where no
    // cache is involved.
    CHECK(eventually([&] { return e.call("GET", "/scim/v2/Me", "", token).status == 401; }, std::chrono::seconds(6)));
    CHECK(eventually([&] { return e.call("GET", "/scim/v2/Me", "", access).status == 401; }, std::chrono::seconds(6)));
    CHECK(e.call("POST", "/oauth2/token", form, "", {{"Content-Type", "application/x-www-form-urlencoded"}}).status ==
          401);
    auto const redeemed = e.post("/scim/v2/Devices/.redeem",
                                 R"({"activationCode":")" + code + R"(","deviceMacAddress":"00:04:F2:AA:00:02"})");
    CHECK(redeemed.status == 400);  // the code was voided with the deactivation
    MESSAGE("every credential refused "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - deactivated).count()
            << " s after the deactivation");
    // The phone platform's event names what it must cut: the user's extension and its phones' MAC addresses.
    REQUIRE(pbx.wait_for(1, std::chrono::seconds(10)));
    auto const jws = pbx.accepted().front();
    auto const payload =
        json::parse(*server::from_base64url(jws.substr(jws.find('.') + 1, jws.rfind('.') - jws.find('.') - 1)));
    auto const& event = payload.at("events").at("urn:ietf:params:scim:event:prov:deactivate");
    auto const& held = event.at(directory);
    CHECK(held.at("extensionNumber").is_string());
    CHECK(json::serialize(held.at("devices")).find("00:04:F2:AA:00:01") != std::string::npos);
}

TEST_CASE("a string boolean is read as users read Entra's: \"true\" and \"false\" in any case, stored as booleans") {
    E2E e;
    auto const device = [&](std::string const& active) {
        return e.post("/scim/v2/Devices",
                      R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Device"],"active":)" + active + "}");
    };
    auto const created = device(R"("True")");
    REQUIRE_MESSAGE(created.status == 201, created.body);
    CHECK(created.json().at("active").is_bool());
    CHECK(created.json().at("active") == true);
    CHECK(device(R"("false")").json().at("active") == false);
    auto const bad = device(R"("yes")");
    CHECK(bad.status == 400);
    CHECK(bad.json().at("scimType") == "invalidValue");
    auto const user = e.post("/scim/v2/Users",
                             std::string("{") + core_user_schema + R"(,"userName":"s@example.com","active":"FALSE"})");
    REQUIRE(user.status == 201);
    CHECK(user.json().at("active") == false);
}

TEST_CASE("a user-bound token: every write endpoint and every admin-owned attribute is 403, and nothing changes") {
    E2E e;
    e.admin({"license", "set", "--tenant", "acme", "--type", "X4", "--capacity", "5"});
    e.admin({"site", "create", "Paris", "--tenant", "acme", "--site-code", "33"});
    auto const me = e.create_user("me@example.com", R"(,"externalId":"HR-1")");
    auto const other = e.create_user("other@example.com");
    auto const group = e.post("/scim/v2/Groups", R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],)"
                                                 R"("displayName":"G"})");
    auto const gid = std::string(group.json().at("id").as_string());
    auto const phone = e.post("/scim/v2/Devices", R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Device"],)"
                                                  R"("active":true})");
    auto const did = std::string(phone.json().at("id").as_string());
    auto const sites = e.get("/scim/v2/Sites").json();
    auto const site_id = std::string(sites.at("Resources").at(0).at("id").as_string());
    auto const token = bound_token(e, "me@example.com");
    auto const snapshot = [&] {
        pqxx::read_transaction tx(e.db.connection());
        std::string out;
        for (auto const* table : {"users", "groups", "group_members", "devices", "sites", "event_streams"})
            out += tx.exec1(std::string("SELECT coalesce(string_agg(t::text, '|' ORDER BY t::text), '') FROM ") +
                            table + " t")[0]
                       .as<std::string>() +
                   "\n";
        return out;
    };
    auto const before = snapshot();
    std::string const user_body = std::string("{") + core_user_schema + R"(,"userName":"new@example.com"})";
    std::string const group_body = R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"H"})";
    std::string const title = patch_body(R"([{"op":"replace","path":"title","value":"x"}])");
    struct Call {
        std::string method, path, body, content_type;
    };
    std::vector<Call> const writes{
        {"POST", "/scim/v2/Users", user_body, ""},
        {"PUT", "/scim/v2/Users/" + other, user_body, ""},
        {"PATCH", "/scim/v2/Users/" + other, title, ""},
        {"DELETE", "/scim/v2/Users/" + other, "", ""},
        {"PATCH", "/scim/v2/Users/" + me, title, ""},  // oneself, but not through /Me
        {"DELETE", "/scim/v2/Me", "", ""},
        {"POST", "/scim/v2/Groups", group_body, ""},
        {"PUT", "/scim/v2/Groups/" + gid, group_body, ""},
        {"PATCH", "/scim/v2/Groups/" + gid,
         patch_body(R"([{"op":"add","path":"members","value":[{"value":")" + me + R"("}]}])"), ""},
        {"DELETE", "/scim/v2/Groups/" + gid, "", ""},
        {"POST", "/scim/v2/Sites", R"({"name":"Rome","siteCode":"39"})", ""},
        {"PATCH", "/scim/v2/Sites/" + site_id, patch_body(R"([{"op":"replace","path":"name","value":"X"}])"), ""},
        {"DELETE", "/scim/v2/Sites/" + site_id, "", ""},
        {"POST", "/scim/v2/Devices", R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Device"],"active":true})",
         ""},
        {"PATCH", "/scim/v2/Devices/" + did, patch_body(R"([{"op":"replace","path":"active","value":false}])"), ""},
        {"DELETE", "/scim/v2/Devices/" + did, "", ""},
        {"POST", "/scim/v2/Devices/" + did + "/.activate", "", ""},
        {"POST", "/scim/v2/Devices/.redeem",
         R"({"activationCode":"ABCD-EFGHJ-KMNPQ","deviceMacAddress":"00:04:F2:00:00:01"})", ""},
        {"POST", "/scim/v2/Bulk",
         R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[]})", ""},
        {"POST", "/scim/v2/Users/.import", "User.UserName\nx@example.com\n", "text/csv"},
        {"POST", "/scim/v2/Events/feed", "{}", "application/json"},
    };
    for (auto const& c : writes) {
        auto const r = e.call(c.method, c.path, c.body, token,
                              {{"Content-Type", c.content_type.empty() ? "application/scim+json" : c.content_type}});
        CHECK_MESSAGE(r.status == 403, c.method << " " << c.path << " -> " << r.status << " " << r.body);
    }
    std::string const ext = directory + ":";
    for (auto const& [path, value] : std::vector<std::pair<std::string, std::string>>{
             {ext + "site", R"("Paris")"},
             {ext + "licenses", R"(["X4"])"},
             {ext + "extensionNumber", R"("1234")"},
             {ext + "didNumbers", R"(["+442071234500"])"},
             {ext + "directoryScope", R"("SITE")"},
             {ext + "displayInDirectory", "false"},
             {"active", "false"},
             {"roles", R"([{"value":"admin"}])"},
             {"entitlements", R"([{"value":"international"}])"},
             {"userName", R"("boss@example.com")"},
             {"externalId", R"("HR-9")"},
             {enterprise + ":employeeNumber", R"("E9")"},
             {enterprise + ":manager", R"({"value":")" + other + R"("})"},
             {"emails", R"([{"value":"boss@example.com","primary":true}])"},
         }) {
        auto const r = e.call("PATCH", "/scim/v2/Me",
                              patch_body(R"([{"op":"replace","path":")" + path + R"(","value":)" + value + "}]"), token,
                              {{"Content-Type", "application/scim+json"}});
        CHECK_MESSAGE(r.status == 403, path << " -> " << r.status << " " << r.body);
    }
    CHECK(snapshot() == before);
}

TEST_CASE("documented protections: a statement past --statement-timeout is 503 and commits nothing") {
    E2E e({true, {"--statement-timeout", "300"}});
    {
        pqxx::work tx(e.db.connection());
        tx.exec(
            "CREATE FUNCTION slow_one() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            " IF NEW.data ->> 'userName' = 'slow@example.com' THEN PERFORM pg_sleep(5); END IF; RETURN NEW; END $$;"
            "CREATE TRIGGER slow_one BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION slow_one()");
        tx.commit();
    }
    auto const before = e.users_snapshot();
    auto const r = e.post("/scim/v2/Users", std::string("{") + core_user_schema + R"(,"userName":"slow@example.com"})");
    CHECK(r.status == 503);
    CHECK(r.json().at("detail").as_string().find("database time limit") != std::string::npos);
    CHECK(e.users_snapshot() == before);
    CHECK(
        e.post("/scim/v2/Users", std::string("{") + core_user_schema + R"(,"userName":"quick@example.com"})").status ==
        201);
}

TEST_CASE("documented protections: TLS 1.0 and 1.1 are refused, and a TLS 1.2 session cannot be renegotiated") {
    E2E e;
    namespace net = boost::asio;
    net::io_context ioc;
    auto const handshake = [&](int version, bool renegotiate) {
        net::ssl::context context(net::ssl::context::tls_client);
        SSL_CTX_set_security_level(context.native_handle(), 0);  // this client would speak the old versions
        SSL_CTX_set_min_proto_version(context.native_handle(), version);
        SSL_CTX_set_max_proto_version(context.native_handle(), version);
        SSL_CTX_set_cipher_list(context.native_handle(), "ALL:@SECLEVEL=0");
        net::ssl::stream<net::ip::tcp::socket> stream(ioc, context);
        stream.next_layer().connect({net::ip::make_address("127.0.0.1"), e.server->port()});
        boost::system::error_code ec;
        stream.handshake(net::ssl::stream_base::client, ec);
        if (ec || !renegotiate) return !ec;
        // Ask for a renegotiation and push it through with a request: the server refuses it.
        SSL_renegotiate(stream.native_handle());
        int const done = SSL_do_handshake(stream.native_handle());
        return done == 1;
    };
    CHECK_FALSE(handshake(TLS1_VERSION, false));
    CHECK_FALSE(handshake(TLS1_1_VERSION, false));
    CHECK(handshake(TLS1_2_VERSION, false));
    CHECK_FALSE(handshake(TLS1_2_VERSION, true));
}

TEST_CASE("documented protections: externalId, displayName and site names longer than 1,024 bytes are 400") {
    E2E e;
    std::string const long_text(1100, 'x');
    auto const before = e.users_snapshot();
    for (auto const& extra : {R"(,"externalId":")" + long_text + "\"", R"(,"displayName":")" + long_text + "\""}) {
        auto const r =
            e.post("/scim/v2/Users", std::string("{") + core_user_schema + R"(,"userName":"a@x.com")" + extra + "}");
        CHECK(r.status == 400);
        CHECK(r.json().at("detail").as_string().find("1024") != std::string::npos);
    }
    CHECK(e.users_snapshot() == before);
    auto const group = e.post("/scim/v2/Groups", R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],)"
                                                 R"("displayName":")" +
                                                     long_text + "\"}");
    CHECK(group.status == 400);
    auto const site = e.post("/scim/v2/Sites", R"({"name":")" + long_text + R"(","siteCode":"44"})");
    CHECK(site.status == 400);
    auto const cli_site = run_scimd({"site", "create", long_text, "--tenant", "acme", "--site-code", "45"}, e.db.url());
    CHECK(cli_site.exit_code != 0);
    CHECK(e.get("/scim/v2/Sites").json().at("totalResults") == 1);  // Main only
}

TEST_CASE("documented protections: a token the database did not know is remembered as unknown for the cache time") {
    E2E e({true, {"--token-cache-ms", "1500"}});
    std::string const token = "scimd_" + std::string(43, 'k');
    CHECK(e.call("GET", "/scim/v2/Users", "", token).status == 401);
    {  // the token becomes valid in the database, behind the server's back
        pqxx::work tx(e.db.connection());
        auto const tenant = tx.exec1("SELECT id::text FROM tenants WHERE name = 'acme'")[0].as<std::string>();
        storage::TokenRepository(tx).issue(tenant, server::sha256_hex(token), "late", storage::TokenScope::read, "", 0,
                                           0);
        tx.commit();
    }
    CHECK(e.call("GET", "/scim/v2/Users", "", token).status == 401);  // remembered as unknown: no query
    CHECK(
        eventually([&] { return e.call("GET", "/scim/v2/Users", "", token).status == 200; }, std::chrono::seconds(5)));
}

// The harness's own guard, proved: these cases must fail (doctest::should_fail), or the guard is gone.
TEST_CASE("the harness fails a test whose scimd died by itself" * doctest::should_fail()) {
    E2E e;
    e.server->signal(SIGKILL);  // as a crash would
    eventually(
        [&] {
            try {
                HttpsClient(e.server->port(), true).request("GET", "/scim/v2/ServiceProviderConfig");
                return false;
            } catch (std::exception const&) {
                return true;
            }
        },
        std::chrono::seconds(5));
    CHECK(e.server->stop() != 0);  // the harness adds its failure here
}

TEST_CASE("the harness fails a test whose scimd logged an internal error" * doctest::should_fail()) {
    E2E e;
    {
        pqxx::work tx(e.db.connection());
        tx.exec(
            "CREATE FUNCTION refuse_all() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no'; END $$;"
            "CREATE TRIGGER refuse_all BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION refuse_all()");
        tx.commit();
    }
    CHECK(e.post("/scim/v2/Users", std::string("{") + core_user_schema + R"(,"userName":"x@example.com"})").status ==
          500);
}
