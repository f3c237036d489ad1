// Desk phones as RFC 9944 Devices: by MAC address or activation code, and their life with their user.
#include <chrono>

#include <doctest/doctest.h>

#include "tests/e2e/e2e_fixture.hpp"

namespace {

constexpr char const* device_urn = "urn:ietf:params:scim:schemas:core:2.0:Device";
constexpr char const* mab_urn = "urn:ietf:params:scim:schemas:extension:ethernet-mab:2.0:Device";
constexpr char const* directory_device_urn = "urn:ietf:params:scim:schemas:extension:8x8:1.1:Device";
constexpr char const* directory_user_urn = "urn:ietf:params:scim:schemas:extension:8x8:1.1:User";
constexpr char const* patch_urn = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

std::string device_body(std::string const& members, std::string const& mac = "", std::string const& directory = "") {
    std::string body = std::string(R"({"schemas":[")") + device_urn + R"("],"active":true)";
    if (!members.empty()) body += "," + members;
    if (!mac.empty()) body += std::string(R"(,")") + mab_urn + R"(":{"deviceMacAddress":")" + mac + R"("})";
    if (!directory.empty()) body += std::string(R"(,")") + directory_device_urn + R"(":{)" + directory + "}";
    return body + "}";
}

// The day of an RFC 3339 timestamp, as days since 1970-01-01.
long day_number(std::string const& timestamp) {
    std::chrono::year_month_day const date{std::chrono::year{std::stoi(timestamp.substr(0, 4))},
                                           std::chrono::month{static_cast<unsigned>(std::stoi(timestamp.substr(5, 2)))},
                                           std::chrono::day{static_cast<unsigned>(std::stoi(timestamp.substr(8, 2)))}};
    return std::chrono::sys_days{date}.time_since_epoch().count();
}

std::string id_of(HttpResult const& r) { return std::string(r.json().at("id").as_string()); }

boost::json::object const& directory_of(boost::json::value const& device) {
    return device.at(directory_device_urn).as_object();
}

std::string mac_filter(std::string const& mac) {
    return "/scim/v2/Devices?filter=deviceMacAddress%20eq%20%22" + mac + "%22";
}

HttpResult patch(E2E& e, std::string const& path, std::string const& operations) {
    return e.call("PATCH", path, std::string(R"({"schemas":[")") + patch_urn + R"("],"Operations":)" + operations + "}",
                  e.acme.write_token, {{"Content-Type", "application/scim+json"}});
}

}  // namespace

TEST_CASE("a lobby phone is created by MAC address without a user and is active, whatever the MAC's spelling") {
    E2E e;
    auto const created = e.post("/scim/v2/Devices", device_body(R"("displayName":"Lobby phone")", "2c-54-91-88-c9-e2",
                                                                R"("model":"Poly VVX 450")"));
    REQUIRE_MESSAGE(created.status == 201, created.body);
    auto const device = created.json();
    CHECK(device.at(mab_urn).at("deviceMacAddress") == "2C:54:91:88:C9:E2");
    CHECK(device.at("active") == true);
    CHECK(directory_of(device).at("activationState") == "active");
    CHECK(directory_of(device).at("site") == "Main");  // the tenant's default site
    CHECK(!directory_of(device).contains("assignedUser"));
    CHECK(created.header("Location") == std::string(device.at("meta").at("location").as_string()));

    for (std::string const spelling : {"2C:54:91:88:C9:E2", "2c-54-91-88-c9-e2", "2c54.9188.c9e2", "2c549188c9e2"}) {
        auto const found = e.get(mac_filter(spelling));
        REQUIRE_MESSAGE(found.status == 200, spelling);
        CHECK_MESSAGE(found.json().at("totalResults") == 1, spelling);
        // The same phone again, spelled otherwise, is the same MAC address: refused.
        auto const again = e.post("/scim/v2/Devices", device_body("", spelling));
        CHECK_MESSAGE(again.status == 409, spelling);
        CHECK(again.json().at("scimType") == "uniqueness");
    }
    CHECK(e.get("/scim/v2/Devices").json().at("totalResults") == 1);
}

TEST_CASE("malformed MAC addresses are 400 invalidValue and store nothing, and a filter with one is invalidFilter") {
    E2E e;
    for (std::string const bad :
         {"2C:54:91:88:C9", "2C:54:91:88:C9:E2:00", "2C-54:91-88:C9-E2", "GG:54:91:88:C9:E2", "00:00:00:00:00:00",
          "FF:FF:FF:FF:FF:FF", "01:00:5E:00:00:01", "2c5491.88c9e2", " "}) {
        auto const r = e.post("/scim/v2/Devices", device_body("", bad));
        CHECK_MESSAGE(r.status == 400, bad);
        CHECK_MESSAGE(r.json().at("scimType") == "invalidValue", bad);
    }
    CHECK(e.get("/scim/v2/Devices").json().at("totalResults") == 0);
    auto const filter = e.get(mac_filter("nonsense"));
    CHECK(filter.status == 400);
    CHECK(filter.json().at("scimType") == "invalidFilter");
    // active is required (RFC 9944), and an assignedUser must be a user of this tenant.
    CHECK(e.post("/scim/v2/Devices", std::string(R"({"schemas":[")") + device_urn + R"("]})").status == 400);
    auto const stranger = e.post("/scim/v2/Devices", device_body("", "", R"("assignedUser":{"value":"nobody"})"));
    CHECK(stranger.status == 400);
    CHECK(e.get("/scim/v2/Devices").json().at("totalResults") == 0);
}

TEST_CASE("M3: a MAC address another tenant holds is no 409 and no oracle: the device waits until it is let go") {
    E2E e;
    auto const mine = e.post("/scim/v2/Devices", device_body("", "00:04:F2:AA:BB:CC"));
    REQUIRE(mine.status == 201);
    CHECK(directory_of(mine.json()).at("activationState") == "active");
    auto const beta = [&](std::string const& method, std::string const& path, std::string const& body = "") {
        return e.call(method, path, body, e.beta.write_token, {{"Content-Type", "application/scim+json"}});
    };
    // Beta registers the same phone: created, pending, told nothing of acme.
    auto const theirs = beta("POST", "/scim/v2/Devices", device_body("", "00-04-f2-aa-bb-cc"));
    REQUIRE_MESSAGE(theirs.status == 201, theirs.body);
    CHECK(directory_of(theirs.json()).at("activationState") == "pending");
    CHECK_FALSE(directory_of(theirs.json()).contains("activationExpires"));
    CHECK(theirs.body.find("acme") == std::string::npos);
    CHECK(theirs.body.find(id_of(mine)) == std::string::npos);
    CHECK(beta("POST", "/scim/v2/Devices/" + id_of(theirs) + "/.activate")
              .json()
              .at(directory_device_urn)
              .at("activationState") == "pending");
    // Within one tenant a MAC is still one device's.
    CHECK(beta("POST", "/scim/v2/Devices", device_body("", "00:04:F2:AA:BB:CC")).status == 409);
    // Beta sees none of acme's devices, by list, filter or id; acme's phone stays active.
    CHECK(e.call("GET", mac_filter("00:04:F2:AA:BB:CC"), "", e.beta.read_token).json().at("totalResults") == 1);
    CHECK(e.call("GET", "/scim/v2/Devices/" + id_of(mine), "", e.beta.read_token).status == 404);
    CHECK(directory_of(e.get("/scim/v2/Devices/" + id_of(mine)).json()).at("activationState") == "active");
    auto const metrics = HttpsClient(e.server->admin_port(), false).request("GET", "/metrics").body;
    CHECK(metrics.find("scimd_device_mac_conflicts_total 2") != std::string::npos);

    // The operator releases the phone from acme: acme's device forgets the MAC; beta activates it.
    auto const released = run_scimd({"device", "release-mac", "00:04:f2:aa:bb:cc"}, e.db.url());
    CHECK(released.exit_code == 0);
    CHECK(released.err.find("tenant acme") != std::string::npos);
    CHECK(released.err.find("1 device(s) of other tenants wait") != std::string::npos);
    auto const freed = e.get("/scim/v2/Devices/" + id_of(mine)).json();
    CHECK(directory_of(freed).at("activationState") == "unassigned");
    CHECK_FALSE(freed.as_object().contains("urn:ietf:params:scim:schemas:extension:ethernet-mab:2.0:Device"));
    CHECK(e.admin({"audit", "--tenant", "acme"}).find(id_of(mine)) != std::string::npos);
    CHECK(beta("POST", "/scim/v2/Devices/" + id_of(theirs) + "/.activate")
              .json()
              .at(directory_device_urn)
              .at("activationState") == "active");
    // Acme cannot take it back by registering it again: its device now waits.
    auto const again = e.post("/scim/v2/Devices", device_body("", "00:04:F2:AA:BB:CC"));
    CHECK(directory_of(again.json()).at("activationState") == "pending");
}

TEST_CASE("M3: a tenant's devices are bounded in number and in how fast they are created") {
    E2E e;
    e.admin({"tenant", "set", "--tenant", "acme", "--max-devices", "3"});
    for (int i = 0; i < 3; ++i) CHECK(e.post("/scim/v2/Devices", device_body("", "")).status == 201);
    auto const over = e.post("/scim/v2/Devices", device_body("", "00:04:F2:00:00:09"));
    CHECK(over.status == 403);
    CHECK(over.json().at("detail").as_string().find("quota") != std::string::npos);
    e.admin({"tenant", "set", "--tenant", "acme", "--max-devices", "100", "--device-creations-per-minute", "4"});
    CHECK(e.post("/scim/v2/Devices", device_body("", "")).status == 201);
    auto const fast = e.post("/scim/v2/Devices", device_body("", ""));
    CHECK(fast.status == 429);
    CHECK(!fast.header("retry-after").empty());
    CHECK(e.get("/scim/v2/Devices").json().at("totalResults") == 4);
    auto const show = e.admin({"tenant", "show", "--tenant", "acme"});
    CHECK(show.find("max-devices\t100") != std::string::npos);
    CHECK(show.find("device-creations-per-minute\t4") != std::string::npos);
}

TEST_CASE("a user's phone by activation code: pending, a wrong code refused, redeemed, then active") {
    E2E e;
    auto const user = e.create_user("ann@example.com", R"(,"active":true)");
    auto const created = e.post("/scim/v2/Devices", device_body(R"("displayName":"Ann's desk")", "",
                                                                R"("assignedUser":{"value":")" + user + R"("})"));
    REQUIRE_MESSAGE(created.status == 201, created.body);
    auto const id = id_of(created);
    CHECK(directory_of(created.json()).at("activationState") == "unassigned");
    CHECK(directory_of(created.json()).at("assignedUser").at("$ref").as_string().ends_with("/Users/" + user));

    auto const activated = e.post("/scim/v2/Devices/" + id + "/.activate", "");
    REQUIRE_MESSAGE(activated.status == 200, activated.body);
    auto const code = std::string(activated.json().at("activationCode").as_string());
    CHECK(code.size() == 16);  // XXXX-XXXXX-XXXXX
    CHECK(directory_of(activated.json().at("device")).at("activationState") == "pending");
    CHECK(e.get("/scim/v2/Devices/" + id).json().at(directory_device_urn).at("activationState") == "pending");
    // The code is shown once: no read of the device has it.
    CHECK(e.get("/scim/v2/Devices/" + id).body.find(code) == std::string::npos);

    auto const redeem = [&](std::string const& c, std::string const& mac) {
        return e.post("/scim/v2/Devices/.redeem",
                      R"({"activationCode":")" + c + R"(","deviceMacAddress":")" + mac + R"("})");
    };
    auto const wrong = redeem(code.substr(0, 5) + "00000-00000", "00:04:F2:11:22:33");
    CHECK(wrong.status == 400);
    CHECK(wrong.json().at("scimType") == "invalidValue");
    CHECK(redeem(code, "not-a-mac").status == 400);
    CHECK(e.get("/scim/v2/Devices/" + id).json().at(directory_device_urn).at("activationState") == "pending");

    // Typed in lower case with spaces, as people do.
    auto lower = code;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto const redeemed = redeem(lower, "00-04-f2-11-22-33");
    REQUIRE_MESSAGE(redeemed.status == 200, redeemed.body);
    CHECK(directory_of(redeemed.json()).at("activationState") == "active");
    CHECK(redeemed.json().at(mab_urn).at("deviceMacAddress") == "00:04:F2:11:22:33");
    CHECK(redeem(code, "00:04:F2:11:22:33").status == 400);  // used: gone

    // The user shows its phone, and the phone finds its user.
    auto const ann = e.get("/scim/v2/Users/" + user).json();
    auto const& phones = ann.at(directory_user_urn).at("devices").as_array();
    REQUIRE(phones.size() == 1);
    CHECK(phones[0].at("value").as_string() == id);
    CHECK(phones[0].at("macAddress") == "00:04:F2:11:22:33");
    CHECK(phones[0].at("$ref").as_string().ends_with("/Devices/" + id));
    auto const behind = e.get("/scim/v2/Users?filter=devices.macAddress%20eq%20%2200-04-f2-11-22-33%22");
    REQUIRE(behind.status == 200);
    REQUIRE(behind.json().at("totalResults") == 1);
    CHECK(behind.json().at("Resources").at(0).at("id").as_string() == user);
    // A user's devices are read-only: a PUT that names others keeps the real ones.
    auto const put =
        e.put("/scim/v2/Users/" + user, std::string("{") + core_user_schema + R"(,"userName":"ann@example.com",")" +
                                            directory_user_urn + R"(":{"devices":[{"value":"x"}]}})");
    REQUIRE(put.status == 200);
    CHECK(put.json().at(directory_user_urn).at("devices").at(0).at("value").as_string() == id);
}

TEST_CASE("five wrong activation codes void a device's code") {
    E2E e;
    auto const id = id_of(e.post("/scim/v2/Devices", device_body("")));
    auto const code =
        std::string(e.post("/scim/v2/Devices/" + id + "/.activate", "").json().at("activationCode").as_string());
    auto const wrong = code.substr(0, 5) + (code[5] == 'A' ? "BBBBB-BBBBB" : "AAAAA-AAAAA");
    for (int i = 0; i < 5; ++i)
        CHECK(e.post("/scim/v2/Devices/.redeem",
                     R"({"activationCode":")" + wrong + R"(","deviceMacAddress":"00:04:F2:00:00:01"})")
                  .status == 400);
    CHECK(e.get("/scim/v2/Devices/" + id).json().at(directory_device_urn).at("activationState") == "unassigned");
    CHECK(e.post("/scim/v2/Devices/.redeem",
                 R"({"activationCode":")" + code + R"(","deviceMacAddress":"00:04:F2:00:00:01"})")
              .status == 400);
}

TEST_CASE("a deactivated user keeps an active phone for emergency calls, a deleted user's phone is freed") {
    E2E e;
    auto const user = e.create_user("bob@example.com", R"(,"active":true)");
    auto const id = id_of(e.post(
        "/scim/v2/Devices", device_body("", "00:04:F2:00:00:02", R"("assignedUser":{"value":")" + user + R"("})")));
    CHECK(e.get("/scim/v2/Devices/" + id).json().at(directory_device_urn).at("activationState") == "active");

    REQUIRE(patch(e, "/scim/v2/Users/" + user, R"([{"op":"replace","path":"active","value":false}])").status == 200);
    auto const kept = e.get("/scim/v2/Devices/" + id).json();
    CHECK(kept.at("active") == true);
    CHECK(directory_of(kept).at("activationState") == "active");
    CHECK(directory_of(kept).at("emergencyCallsOnly") == true);
    CHECK(directory_of(kept).at("assignedUser").at("value").as_string() == user);
    REQUIRE(patch(e, "/scim/v2/Users/" + user, R"([{"op":"replace","path":"active","value":true}])").status == 200);
    CHECK(!directory_of(e.get("/scim/v2/Devices/" + id).json()).contains("emergencyCallsOnly"));

    REQUIRE(e.del("/scim/v2/Users/" + user).status == 204);
    auto const freed = e.get("/scim/v2/Devices/" + id).json();
    CHECK(freed.at("active") == false);
    CHECK(directory_of(freed).at("activationState") == "deactivated");
    CHECK(!directory_of(freed).contains("assignedUser"));

    // Reassigned to another user and switched on again: active at once, its MAC being known.
    auto const carol = e.create_user("carol@example.com");
    auto const again =
        patch(e, "/scim/v2/Devices/" + id,
              std::string(R"([{"op":"replace","path":"active","value":true},)") + R"({"op":"replace","path":")" +
                  directory_device_urn + R"(:assignedUser.value","value":")" + carol + R"("}])");
    REQUIRE_MESSAGE(again.status == 200, again.body);
    CHECK(directory_of(again.json()).at("activationState") == "active");
    CHECK(e.get("/scim/v2/Users/" + carol).json().at(directory_user_urn).at("devices").at(0).at("value").as_string() ==
          id);
}

TEST_CASE("devices are published in discovery, written through /Bulk, and leave change records") {
    E2E e;
    auto const types = e.get("/scim/v2/ResourceTypes/Device");
    REQUIRE(types.status == 200);
    CHECK(types.json().at("endpoint") == "/Devices");
    for (std::string const urn : {device_urn, mab_urn, directory_device_urn})
        CHECK_MESSAGE(e.get("/scim/v2/Schemas/" + urn).status == 200, urn);

    auto const bulk =
        e.post("/scim/v2/Bulk", std::string(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],)") +
                                    R"("Operations":[{"method":"POST","path":"/Devices","bulkId":"p1","data":)" +
                                    device_body(R"("displayName":"Bulk phone")", "00:04:F2:00:00:03") + "}]}");
    REQUIRE_MESSAGE(bulk.status == 200, bulk.body);
    CHECK(bulk.json().at("Operations").at(0).at("status") == "201");
    auto const found = e.get(mac_filter("00:04:f2:00:00:03")).json();
    REQUIRE(found.at("totalResults") == 1);
    auto const id = std::string(found.at("Resources").at(0).at("id").as_string());

    // ETags: a stale If-Match is 412 and changes nothing.
    auto const stale = e.call("PATCH", "/scim/v2/Devices/" + id,
                              std::string(R"({"schemas":[")") + patch_urn +
                                  R"("],"Operations":[{"op":"replace","path":"displayName","value":"x"}]})",
                              e.acme.write_token, {{"Content-Type", "application/scim+json"}, {"If-Match", "W/\"9\""}});
    CHECK(stale.status == 412);
    CHECK(e.get("/scim/v2/Devices/" + id).json().at("displayName") == "Bulk phone");

    auto const audit = e.admin({"audit", "--tenant", "acme"});
    CHECK(audit.find("Device\t" + id + "\tcreate") != std::string::npos);
}

TEST_CASE("a CSV import provisions a site's phones with their users, and the export lists them") {
    E2E e;
    auto const csv_post = [&](std::string const& body) {
        return e.call("POST", "/scim/v2/Users/.import", body, e.acme.write_token, {{"Content-Type", "text/csv"}});
    };
    std::string const header = "User.FirstName,User.LastName,User.Email,User.Site,Device.MacAddress,Device.Model\n";
    // One bad line (a MAC twice in the file) and nothing is imported.
    auto const twice = csv_post(header + "Ann,Lee,ann@example.com,Main,00:04:F2:00:10:01,Poly VVX 450\n" +
                                "Bob,Ray,bob@example.com,Main,00-04-f2-00-10-01,\n");
    CHECK(twice.status == 400);
    CHECK(twice.json().at("detail").as_string().find("line 3") != std::string::npos);
    CHECK(e.count_users("acme") == 0);
    CHECK(e.get("/scim/v2/Devices").json().at("totalResults") == 0);

    auto const imported = csv_post(header + "Ann,Lee,ann@example.com,Main,00:04:F2:00:10:01,Poly VVX 450\n" +
                                   "Bob,Ray,bob@example.com,Main,00-04-f2-00-10-02;0004.f200.1003,Yealink T54W\n" +
                                   "Cy,Dee,cy@example.com,Main,,\n");
    REQUIRE_MESSAGE(imported.status == 200, imported.body);
    auto const phones = e.get("/scim/v2/Devices?count=10").json();
    REQUIRE(phones.at("totalResults") == 3);
    for (auto const& phone : phones.at("Resources").as_array()) {
        CHECK(phone.at("active") == true);
        CHECK(phone.at(directory_device_urn).at("activationState") == "active");
        CHECK(phone.at(directory_device_urn).as_object().contains("assignedUser"));
    }
    auto const bob = e.get("/scim/v2/Users?filter=devices.macAddress%20eq%20%2200:04:F2:00:10:03%22").json();
    REQUIRE(bob.at("totalResults") == 1);
    CHECK(bob.at("Resources").at(0).at(directory_user_urn).at("devices").as_array().size() == 2);

    auto const exported = e.get("/scim/v2/Users/.export").body;
    CHECK(exported.find(",00:04:F2:00:10:01,Poly VVX 450\r\n") != std::string::npos);
    CHECK(exported.find(",\"00:04:F2:00:10:02;00:04:F2:00:10:03\",Yealink T54W\r\n") != std::string::npos);
    // A phone another tenant has: imported, the device waiting (pending), naming no tenant.
    auto const theirs =
        e.call("POST", "/scim/v2/Users/.import", header + "Dan,Fox,dan@example.com,Main,00:04:F2:00:10:01,\n",
               e.beta.write_token, {{"Content-Type", "text/csv"}});
    CHECK(theirs.status == 200);
    CHECK(theirs.body.find("acme") == std::string::npos);
    auto const waiting = e.call("GET", mac_filter("00:04:F2:00:10:01"), "", e.beta.read_token).json();
    REQUIRE(waiting.at("totalResults") == 1);
    CHECK(waiting.at("Resources").at(0).at(directory_device_urn).at("activationState") == "pending");
}

TEST_CASE("the command line lists phones, activates one with a code valid for the tenant's days, and redeems it") {
    E2E e;
    e.admin({"tenant", "set", "--tenant", "acme", "--activation-code-days", "3"});
    CHECK(e.admin({"tenant", "show", "--tenant", "acme"}).find("activation-code-days\t3") != std::string::npos);
    auto const id = id_of(e.post("/scim/v2/Devices", device_body(R"("displayName":"Lab phone")")));
    auto code = e.admin({"device", "activate", id, "--tenant", "acme"});
    while (!code.empty() && code.back() == '\n') code.pop_back();
    REQUIRE(code.size() == 16);
    auto const expires = std::string(
        e.get("/scim/v2/Devices/" + id).json().at(directory_device_urn).at("activationExpires").as_string());
    auto const created = std::string(e.get("/scim/v2/Devices/" + id).json().at("meta").at("created").as_string());
    CHECK(day_number(expires) - day_number(created) == 3);

    auto const wrong = run_scimd(
        {"device", "redeem", code.substr(0, 5) + "00000-00000", "--mac", "00:04:F2:00:20:01", "--tenant", "acme"},
        e.db.url());
    CHECK(wrong.exit_code == 1);
    CHECK(wrong.err.find("activation code is not valid") != std::string::npos);
    auto const redeemed = e.admin({"device", "redeem", code, "--mac", "0004.f200.2001", "--tenant", "acme"});
    CHECK(redeemed.find(id + "\t00:04:F2:00:20:01\t\tactive\t\tMain\tLab phone\n") != std::string::npos);
    CHECK(e.admin({"device", "list", "--tenant", "acme"}) == redeemed);
    CHECK(e.admin({"device", "list", "--tenant", "beta"}).empty());
}
