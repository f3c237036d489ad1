// Change events as receivers see them: RFC 9967 SETs pushed (RFC 8935) and verified against the server's JWKS, in
// order per resource, through receiver outages, 429s, a kill -9 and two instances; and polled (RFC 8936) with acks.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <thread>

#include <boost/json.hpp>

#include "server/crypto.hpp"
#include "server/jws.hpp"
#include "tests/e2e/clients/client_requests.hpp"
#include "tests/support/event_receiver.hpp"

namespace json = boost::json;
using clients::patch;
using clients::text;

namespace {

std::string const prov = "urn:ietf:params:scim:event:prov:";
std::string const directory = "urn:ietf:params:scim:schemas:extension:8x8:1.1:event:";

struct Set {
    json::object claims;
    std::string uri;                  // sub_id.uri, or "tel:" and sub_id.phone_number
    std::vector<std::string> events;  // the event URIs, "prov:" and the directory's prefix shortened
};

// Every SET verified against the server's JWKS, by the kid its header names; a SET that does not verify fails.
std::vector<Set> verified(E2E& e, std::vector<std::string> const& jws_list) {
    auto const jwks = e.call("GET", "/.well-known/jwks.json");
    REQUIRE(jwks.status == 200);
    CHECK(jwks.header("content-type") == "application/jwk-set+json");
    std::map<std::string, std::string> keys;
    auto const document = jwks.json();  // a local: the loop must not range over a temporary's member
    for (auto const& key : document.at("keys").as_array())
        keys[std::string(key.at("kid").as_string())] = json::serialize(key);
    std::vector<Set> out;
    for (auto const& jws : jws_list) {
        auto const header = json::parse(*server::from_base64url(jws.substr(0, jws.find('.'))));
        CHECK(header.at("typ") == "secevent+jwt");
        auto const kid = std::string(header.at("kid").as_string());
        REQUIRE_MESSAGE(keys.count(kid), "a SET signed by a key the JWKS does not have: " << kid);
        auto const payload = server::verify_jws(jws, keys[kid]);
        REQUIRE_MESSAGE(payload, "a SET whose signature does not verify");
        Set s;
        s.claims = json::parse(*payload).as_object();
        auto const& subject = s.claims.at("sub_id").as_object();
        s.uri = subject.at("format") == "phone_number"  // a number of the tenant's pool
                    ? "tel:" + std::string(subject.at("phone_number").as_string())
                    : std::string(subject.at("uri").as_string());
        for (auto const& [uri, payload_of_event] : s.claims.at("events").as_object())
            s.events.push_back(uri.starts_with(prov)        ? std::string(uri).substr(prov.size())
                               : uri.starts_with(directory) ? "directory:" + std::string(uri).substr(directory.size())
                                                            : std::string(uri));
        out.push_back(std::move(s));
    }
    return out;
}

// The event lists of each resource, in the order they arrived, keyed by sub_id.uri.
std::map<std::string, std::vector<std::vector<std::string>>> by_resource(std::vector<Set> const& sets) {
    std::map<std::string, std::vector<std::vector<std::string>>> out;
    for (auto const& s : sets) out[s.uri].push_back(s.events);
    return out;
}

void push_stream(E2E& e, std::string const& name, std::string const& url, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"events", "stream", "create", name, "--tenant", "acme", "--push", url};
    args.insert(args.end(), extra.begin(), extra.end());
    e.admin(args);
}

using Events = std::vector<std::vector<std::string>>;

}  // namespace

TEST_CASE("an Entra-style cycle pushes exactly the expected SETs, signed, in order per resource") {
    E2E e;
    EventReceiver receiver;
    auto const secret = std::filesystem::temp_directory_path() / ("scimd-secret-" + std::to_string(::getpid()));
    std::ofstream(secret) << "receiver-token-7\n";
    push_stream(e, "hr", receiver.url(), {"--secret-file", secret.string()});
    std::filesystem::remove(secret);

    auto const user = e.post("/scim/v2/Users", R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName":"joiner@example.com","externalId":"E-1001","active":true,"name":{"givenName":"Jo","familyName":"In"}})");
    REQUIRE(user.status == 201);
    auto const uid = text(user.json(), "id");
    CHECK(patch(e, "/scim/v2/Users/" + uid, R"([{"op":"Replace","path":"title","value":"Engineer"}])").status == 200);
    CHECK(patch(e, "/scim/v2/Users/" + uid, R"([{"op":"Replace","path":"active","value":"False"}])").status == 200);
    auto const group = e.post("/scim/v2/Groups", R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "displayName":"Joiners","externalId":"G-7"})");
    REQUIRE(group.status == 201);
    auto const gid = text(group.json(), "id");
    CHECK(patch(e, "/scim/v2/Groups/" + gid, R"([{"op":"Add","path":"members","value":[{"value":")" + uid + R"("}]}])")
              .status == 204);
    CHECK(
        patch(e, "/scim/v2/Groups/" + gid, R"([{"op":"Remove","path":"members","value":[{"value":")" + uid + R"("}]}])")
            .status == 204);
    CHECK(e.del("/scim/v2/Users/" + uid).status == 204);

    REQUIRE(receiver.wait_for(7, std::chrono::seconds(10)));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // nothing more comes
    auto const sets = verified(e, receiver.accepted());
    REQUIRE(sets.size() == 7);
    auto const per = by_resource(sets);
    CHECK(per.at("/Users/" + uid) ==
          Events{{"create:notice", "directory:site"}, {"patch:notice"}, {"patch:notice", "deactivate"}, {"delete"}});
    CHECK(per.at("/Groups/" + gid) == Events{{"create:notice"}, {"patch:notice"}, {"patch:notice"}});

    std::set<std::string> jtis;
    for (auto const& s : sets) {
        jtis.insert(std::string(s.claims.at("jti").as_string()));
        CHECK(s.claims.at("aud").as_string() == receiver.url());
        CHECK(s.claims.at("sub_id").at("format") == "scim");
        CHECK(s.claims.contains("txn"));
        CHECK(s.claims.contains("iat"));
    }
    CHECK(jtis.size() == 7);
    CHECK(sets.front().claims.at("sub_id").at("externalId") == "E-1001");
    auto const& title = sets[1].claims.at("events").at(prov + "patch:notice");
    CHECK(title.at("attributes") == json::array{"title"});
    CHECK(title.at("version") == "W/\"2\"");
    auto const membership = by_resource(sets).at("/Groups/" + gid);  // a copy: the map is a temporary
    CHECK(membership.size() == 3);
    for (auto const& a : receiver.authorizations()) CHECK(a == "Bearer receiver-token-7");
}

TEST_CASE("a receiver that is down, then answers 429 with Retry-After, gets every event once it is up, in order") {
    E2E e;
    EventReceiver receiver;
    push_stream(e, "crm", receiver.url());
    receiver.down();
    std::vector<std::string> ids;
    for (int i = 0; i < 4; ++i) ids.push_back(e.create_user("outage" + std::to_string(i) + "@example.com"));
    for (auto const& id : ids)
        CHECK(patch(e, "/scim/v2/Users/" + id, R"([{"op":"Replace","path":"title","value":"After"}])").status == 200);
    std::this_thread::sleep_for(std::chrono::seconds(3));  // delivery fails and backs off meanwhile
    auto const listed = e.admin({"events", "stream", "list", "--tenant", "acme"});
    CHECK(listed.find("8 waiting") != std::string::npos);
    CHECK(listed.find("cannot connect") != std::string::npos);

    receiver.answer({429, "2", {}, {}});
    receiver.up();
    REQUIRE(receiver.wait_for(0, std::chrono::seconds(1)));
    auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (receiver.requests() == 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(receiver.requests() > 0);
    auto const first_429 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    CHECK(receiver.requests() == 1);  // Retry-After: 2 is honoured: no second attempt within it
    receiver.answer({202, "", {}, {}});
    REQUIRE(receiver.wait_for(8, std::chrono::seconds(20)));
    CHECK(std::chrono::steady_clock::now() - first_429 >= std::chrono::milliseconds(1900));

    auto const sets = verified(e, receiver.accepted());
    CHECK(sets.size() == 8);  // each once: accepted SETs are never sent again
    for (auto const& [uri, events] : by_resource(sets))
        CHECK(events == Events{{"create:notice", "directory:site"}, {"patch:notice"}});
    // The receiver counts a SET before scimd reads its answer: give the last one a moment to be counted.
    std::string metrics;
    for (int i = 0; i < 40 && metrics.find("scimd_events_delivered_total 8") == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        metrics = HttpsClient(e.server->admin_port(), false).request("GET", "/metrics").body;
    }
    CHECK(metrics.find("scimd_event_delivery_failures_total{reason=\"connect\"}") != std::string::npos);
    CHECK(metrics.find("scimd_event_delivery_failures_total{reason=\"status\"} 1") != std::string::npos);
    CHECK(metrics.find("scimd_events_delivered_total 8") != std::string::npos);
}

TEST_CASE("kill -9 of scimd in the middle of a delivery loses no event") {
    E2E e;
    EventReceiver receiver;
    push_stream(e, "slow", receiver.url());
    receiver.answer({202, "", std::chrono::milliseconds(150), {}});
    std::vector<std::string> ids;
    for (int i = 0; i < 12; ++i) ids.push_back(e.create_user("crash" + std::to_string(i) + "@example.com"));
    receiver.wait_for(3, std::chrono::seconds(3));
    for (auto const& st : verified(e, receiver.accepted())) {
        std::string l;
        for (auto const& x : st.events) l += x + " ";
        MESSAGE(st.uri << ": " << l);
    }
    REQUIRE(receiver.wait_for(3, std::chrono::seconds(10)));
    e.server->stop(SIGKILL);
    receiver.answer({202, "", {}, {}});
    e.restart();
    auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    std::set<std::string> users;
    while (std::chrono::steady_clock::now() < deadline) {
        users.clear();
        for (auto const& s : verified(e, receiver.accepted())) users.insert(s.uri);
        if (users.size() == ids.size()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    CHECK(users.size() == ids.size());  // every user's create arrived, some perhaps twice (at least once)
    auto const listed = e.admin({"events", "stream", "list", "--tenant", "acme"});
    CHECK(listed.find("0 waiting") != std::string::npos);
}

TEST_CASE("two scimd instances on one database deliver each event once") {
    E2E e;
    ScimdServer second(e.db.url(), {});
    EventReceiver receiver;
    push_stream(e, "shared", receiver.url());
    for (int i = 0; i < 30; ++i) e.create_user("pair" + std::to_string(i) + "@example.com");
    REQUIRE(receiver.wait_for(30, std::chrono::seconds(15)));
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    auto const sets = verified(e, receiver.accepted());
    std::set<std::string> jtis;
    for (auto const& s : sets) jtis.insert(std::string(s.claims.at("jti").as_string()));
    CHECK(sets.size() == 30);
    CHECK(jtis.size() == 30);
}

TEST_CASE("a full stream carries the resource as the write left it") {
    E2E e;
    EventReceiver receiver;
    push_stream(e, "replica", receiver.url(), {"--full", "--events", prov + "create:full"});
    auto const id = e.create_user("full@example.com", R"(,"title":"First")");
    CHECK(patch(e, "/scim/v2/Users/" + id, R"([{"op":"Replace","path":"title","value":"Second"}])").status == 200);
    REQUIRE(receiver.wait_for(1, std::chrono::seconds(10)));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto const sets = verified(e, receiver.accepted());
    REQUIRE(sets.size() == 1);  // only create:full was asked for
    auto const& data = sets[0].claims.at("events").at(prov + "create:full").at("data");
    CHECK(data.at("userName") == "full@example.com");
    CHECK(data.at("title") == "First");
    CHECK(data.at("id").as_string() == id);
}

TEST_CASE("directory changes are events of their own, carrying the new values, and a stream gets only its events") {
    E2E e;
    EventReceiver receiver;
    push_stream(e, "phones", receiver.url(),
                {"--events", directory + "licenses," + directory + "extensionNumber," + directory + "didNumbers," +
                                 directory + "number:claim," + directory + "number:release"});
    e.admin({"site", "create", "London", "--tenant", "acme", "--site-code", "44"});
    e.admin({"license", "set", "--tenant", "acme", "--type", "X4", "--capacity", "5"});
    e.admin({"number", "claim", "--tenant", "acme", "+442071234500"});
    auto const contact = e.post("/scim/v2/Users", R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName":"ann@example.com","urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"site":"London"}})");
    REQUIRE(contact.status == 201);  // a contact on a site: nothing this stream asked for
    auto const id = text(contact.json(), "id");
    std::string const ext = "urn:ietf:params:scim:schemas:extension:8x8:1.1:User:";
    CHECK(patch(e, "/scim/v2/Users/" + id, R"([{"op":"add","path":")" + ext + R"(licenses","value":["X4"]}])").status ==
          200);
    CHECK(patch(e, "/scim/v2/Users/" + id,
                R"([{"op":"add","path":")" + ext + R"(didNumbers","value":["+442071234500"]}])")
              .status == 200);
    CHECK(patch(e, "/scim/v2/Users/" + id, R"([{"op":"replace","path":"title","value":"Nurse"}])").status == 200);

    REQUIRE(receiver.wait_for(3, std::chrono::seconds(10)));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // nothing more comes
    auto const sets = verified(e, receiver.accepted());
    REQUIRE(sets.size() == 3);
    CHECK(sets[0].uri == "tel:+442071234500");
    CHECK(sets[0].events == std::vector<std::string>{"directory:number:claim"});
    CHECK(sets[0].claims.at("events").at(directory + "number:claim").at("number") == "+442071234500");
    CHECK(sets[1].uri == "/Users/" + id);
    CHECK(sets[1].events == std::vector<std::string>{"directory:licenses", "directory:extensionNumber"});
    auto const& allocated = sets[1].claims.at("events").as_object();
    CHECK(allocated.at(directory + "licenses").at("licenses") == json::array{"X4"});
    CHECK(allocated.at(directory + "extensionNumber").at("extensionNumber") == "1000");
    CHECK(allocated.at(directory + "extensionNumber").at("fqExtensionNumber") == "441000");
    CHECK(sets[2].events == std::vector<std::string>{"directory:didNumbers"});
    CHECK(sets[2].claims.at("events").at(directory + "didNumbers").at("didNumbers") == json::array{"+442071234500"});

    // Released, the number's SET says so; the user who held it first gives it up.
    CHECK(patch(e, "/scim/v2/Users/" + id, R"([{"op":"remove","path":")" + ext + R"(didNumbers"}])").status == 200);
    e.admin({"number", "release", "--tenant", "acme", "+442071234500"});
    REQUIRE(receiver.wait_for(5, std::chrono::seconds(10)));
    auto const later = verified(e, receiver.accepted());
    CHECK(later[3].events == std::vector<std::string>{"directory:didNumbers"});
    CHECK(later[3].claims.at("events").at(directory + "didNumbers").at("didNumbers").is_null());
    CHECK(later[4].events == std::vector<std::string>{"directory:number:release"});
}

TEST_CASE("a poll stream hands out SETs until they are acknowledged") {
    E2E e;
    e.admin({"events", "stream", "create", "pull", "--tenant", "acme", "--poll"});
    for (int i = 0; i < 3; ++i) e.create_user("poll" + std::to_string(i) + "@example.com");
    auto const poll = [&](std::string const& body, std::string const& token) {
        return e.call("POST", "/scim/v2/Events/pull", body, token, {{"Content-Type", "application/json"}});
    };
    auto const first = poll(R"({"returnImmediately":true,"maxEvents":2})", e.acme.write_token);
    REQUIRE_MESSAGE(first.status == 200, first.body);
    auto const sets = first.json().at("sets").as_object();
    CHECK(sets.size() == 2);
    CHECK(first.json().at("moreAvailable") == true);
    std::vector<std::string> jws;
    std::vector<std::string> jtis;
    for (auto const& [jti, set] : sets) {
        jtis.emplace_back(jti);
        jws.emplace_back(set.as_string());
    }
    CHECK(verified(e, jws).size() == 2);

    // Only the first is acknowledged: the second comes again, with the third.
    auto const second = poll(R"({"returnImmediately":true,"ack":[")" + jtis[0] + R"("]})", e.acme.write_token);
    auto const again = second.json().at("sets").as_object();
    CHECK(again.size() == 2);
    CHECK(again.contains(jtis[1]));
    CHECK_FALSE(again.contains(jtis[0]));
    std::string acks;
    for (auto const& [jti, set] : again) acks += (acks.empty() ? "\"" : ",\"") + std::string(jti) + "\"";
    auto const drained = poll(R"({"returnImmediately":true,"ack":[)" + acks + "]}", e.acme.write_token);
    CHECK(drained.json().at("sets").as_object().empty());
    CHECK(drained.json().at("moreAvailable") == false);

    // A long poll waits for the next write.
    auto const started = std::chrono::steady_clock::now();
    auto waiter = std::async(std::launch::async, [&] {
        HttpsClient own(e.server->port(), true);
        return own.request("POST", "/scim/v2/Events/pull", R"({"maxEvents":5})",
                           {{"Authorization", "Bearer " + e.acme.write_token}, {"Content-Type", "application/json"}});
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    e.create_user("late@example.com");
    auto const late = waiter.get();
    CHECK(late.status == 200);
    CHECK(late.json().at("sets").as_object().size() == 1);
    CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(600));

    CHECK(poll("{}", e.acme.read_token).status == 403);   // a read token cannot consume a stream
    CHECK(poll("{}", e.beta.write_token).status == 404);  // another tenant's stream does not exist for it
    CHECK(poll(R"({"maxEvents":-1})", e.acme.write_token).status == 400);
    CHECK(poll(R"({"acks":[]})", e.acme.write_token).status == 400);
}

TEST_CASE("ServiceProviderConfig advertises securityEvents, and bad streams are refused with a reason") {
    E2E e;
    auto const spc = e.get("/scim/v2/ServiceProviderConfig").json();
    auto const& uris = spc.at("securityEvents").at("eventUris").as_array();
    CHECK(std::find(uris.begin(), uris.end(), json::value(prov + "deactivate")) != uris.end());
    auto const bad_url =
        run_scimd({"events", "stream", "create", "x", "--tenant", "acme", "--push", "ftp://example.com"}, e.db.url());
    CHECK(bad_url.exit_code != 0);
    CHECK(bad_url.err.find("http:// or https://") != std::string::npos);
    auto const bad_event = run_scimd({"events", "stream", "create", "x", "--tenant", "acme", "--push",
                                      "https://example.com/e", "--events", "urn:example:nothing"},
                                     e.db.url());
    CHECK(bad_event.exit_code != 0);
    CHECK(bad_event.err.find("not an event scimd publishes") != std::string::npos);
    auto const both =
        run_scimd({"events", "stream", "create", "x", "--tenant", "acme", "--poll", "--push", "https://example.com/e"},
                  e.db.url());
    CHECK(both.exit_code == 2);
    e.admin({"events", "stream", "create", "x", "--tenant", "acme", "--poll"});
    auto const twice = run_scimd({"events", "stream", "create", "x", "--tenant", "acme", "--poll"}, e.db.url());
    CHECK(twice.exit_code != 0);
    CHECK(twice.err.find("already has an event stream") != std::string::npos);
}

TEST_CASE("a desk phone's changes are provisioning events: create, deactivate, delete") {
    E2E e;
    e.admin({"events", "stream", "create", "phones", "--tenant", "acme", "--poll"});
    auto const created =
        e.post("/scim/v2/Devices", R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:Device"],)"
                                   R"("active":true,"urn:ietf:params:scim:schemas:extension:)"
                                   R"(ethernet-mab:2.0:Device":{"deviceMacAddress":"00:04:F2:00:30:01"}})");
    REQUIRE(created.status == 201);
    auto const id = std::string(created.json().at("id").as_string());
    REQUIRE(e.call("PATCH", "/scim/v2/Devices/" + id,
                   R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],)"
                   R"("Operations":[{"op":"replace","path":"active","value":false}]})",
                   e.acme.write_token, {{"Content-Type", "application/scim+json"}})
                .status == 200);
    REQUIRE(e.del("/scim/v2/Devices/" + id).status == 204);
    auto const polled = e.call("POST", "/scim/v2/Events/phones", R"({"returnImmediately":true,"maxEvents":10})",
                               e.acme.write_token, {{"Content-Type", "application/json"}});
    REQUIRE_MESSAGE(polled.status == 200, polled.body);
    std::vector<std::string> jws;
    auto const document = polled.json();  // a local: the loop must not range over a temporary's member
    for (auto const& [jti, set] : document.at("sets").as_object()) jws.emplace_back(set.as_string());
    auto const events = by_resource(verified(e, jws));
    auto const uri = "/Devices/" + id;
    REQUIRE(events.count(uri));
    auto got = events.at(uri);  // a poll's SETs are keyed by jti, not ordered
    std::sort(got.begin(), got.end());
    CHECK(got == Events{{"create:notice"}, {"delete"}, {"patch:notice", "deactivate"}});
}
