// /AuditEvents: the change records as SCIM resources for tokens of audit scope, filtered, sorted and paged like
// users, never another tenant's; and their retention.
#include <doctest/doctest.h>

#include <thread>

#include <pqxx/pqxx>

#include "tests/e2e/clients/client_requests.hpp"

using clients::encode;
using clients::patch;
using clients::text;

namespace {

std::string audit_token(E2E& e, std::string const& tenant) {
    auto const r =
        run_scimd({"token", "issue", "--tenant", tenant, "--scope", "audit", "--label", "auditor"}, e.db.url());
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto token = r.out;
    while (!token.empty() && token.back() == '\n') token.pop_back();
    return token;
}

std::vector<std::string> operations_of(boost::json::value const& list) {
    std::vector<std::string> out;
    for (auto const& r : list.at("Resources").as_array()) out.emplace_back(r.at("operation").as_string());
    return out;
}

}  // namespace

TEST_CASE("an audit token lists what happened to a resource, filtered, sorted and paged") {
    E2E e;
    auto const auditor = audit_token(e, "acme");
    auto const id = e.create_user("audited@example.com");
    CHECK(patch(e, "/scim/v2/Users/" + id, R"([{"op":"Replace","path":"title","value":"Auditor"}])").status == 200);
    CHECK(e.del("/scim/v2/Users/" + id).status == 204);

    auto const by_resource =
        e.call("GET", "/scim/v2/AuditEvents?filter=" + encode("resourceId eq \"" + id + "\""), "", auditor);
    REQUIRE_MESSAGE(by_resource.status == 200, by_resource.body);
    auto const list = by_resource.json();
    CHECK(list.at("totalResults") == 3);
    CHECK(operations_of(list) == std::vector<std::string>{"create", "patch", "delete"});
    auto const& patched = list.at("Resources").at(1);
    CHECK(patched.at("resourceType") == "User");
    CHECK(patched.at("actor") == "writer");
    CHECK(patched.at("attributes") == boost::json::array{"title"});
    CHECK(patched.at("resourceVersion") == 2);
    CHECK(patched.at("requestId").is_string());

    auto const newest_first = e.call("GET",
                                     "/scim/v2/AuditEvents?sortBy=meta.created&sortOrder=descending&count=1&filter=" +
                                         encode("resourceId eq \"" + id + "\""),
                                     "", auditor)
                                  .json();
    CHECK(operations_of(newest_first) == std::vector<std::string>{"delete"});

    // After the create: the patch and the delete.
    auto const created_at = text(list.at("Resources").at(0).at("meta"), "created");
    auto const later = e.call("GET",
                              "/scim/v2/AuditEvents?filter=" +
                                  encode("resourceId eq \"" + id + "\" and meta.created gt \"" + created_at + "\""),
                              "", auditor)
                           .json();
    CHECK(operations_of(later).size() <= 2);

    // Walked with a cursor, a page at a time.
    auto page = e.call("GET", "/scim/v2/AuditEvents?cursor=&count=2", "", auditor).json();
    std::size_t seen = page.at("Resources").as_array().size();
    while (page.as_object().contains("nextCursor")) {
        page = e.call("GET", "/scim/v2/AuditEvents?count=2&cursor=" + encode(page.at("nextCursor").as_string()), "",
                      auditor)
                   .json();
        seen += page.at("Resources").as_array().size();
    }
    CHECK(seen == static_cast<std::size_t>(
                      e.call("GET", "/scim/v2/AuditEvents?count=0", "", auditor).json().at("totalResults").as_int64()));

    auto const one_id = text(list.at("Resources").at(0), "id");
    auto const one = e.call("GET", "/scim/v2/AuditEvents/" + one_id, "", auditor);
    CHECK(one.status == 200);
    CHECK(one.json().at("operation") == "create");
    CHECK(e.call("GET", "/scim/v2/AuditEvents/999999999", "", auditor).status == 404);
    CHECK(e.call("DELETE", "/scim/v2/AuditEvents/" + one_id, "", auditor).status == 405);
}

TEST_CASE("only audit tokens read /AuditEvents, they read nothing else, and never another tenant's") {
    E2E e;
    auto const acme_auditor = audit_token(e, "acme");
    auto const beta_auditor = audit_token(e, "beta");
    auto const id = e.create_user("private@example.com");
    CHECK(e.call("GET", "/scim/v2/AuditEvents", "", e.acme.read_token).status == 403);
    CHECK(e.call("GET", "/scim/v2/AuditEvents", "", e.acme.write_token).status == 403);
    CHECK(e.call("GET", "/scim/v2/Users", "", acme_auditor).status == 403);
    CHECK(e.call("POST", "/scim/v2/Users", R"({"userName":"x"})", acme_auditor,
                 {{"Content-Type", "application/scim+json"}})
              .status == 403);
    CHECK(e.call("GET", "/scim/v2/ServiceProviderConfig", "", acme_auditor).status == 200);
    auto const filter = "/scim/v2/AuditEvents?filter=" + encode("resourceId eq \"" + id + "\"");
    CHECK(e.call("GET", filter, "", acme_auditor).json().at("totalResults") == 1);
    CHECK(e.call("GET", filter, "", beta_auditor).json().at("totalResults") == 0);
    auto const acme_event = text(e.call("GET", filter, "", acme_auditor).json().at("Resources").at(0), "id");
    CHECK(e.call("GET", "/scim/v2/AuditEvents/" + acme_event, "", beta_auditor).status == 404);
    auto const bad = e.call("GET", "/scim/v2/AuditEvents?filter=" + encode("nonsense eq 1"), "", acme_auditor);
    CHECK(bad.status == 400);
    CHECK(bad.json().at("scimType") == "invalidFilter");
}

TEST_CASE("change records older than the tenant's audit retention are deleted by the server") {
    E2E e({true, {"--audit-retention-interval", "1"}});
    auto const auditor = audit_token(e, "acme");
    e.admin({"tenant", "set", "--tenant", "acme", "--audit-retention-days", "30"});
    auto const old_user = e.create_user("old@example.com");
    auto const new_user = e.create_user("new@example.com");
    {
        pqxx::connection c(e.db.url());
        pqxx::work tx(c);
        tx.exec_params("UPDATE changes SET occurred_at = now() - interval '31 days' WHERE resource_id = $1", old_user);
        tx.commit();
    }
    auto const count = [&](std::string const& id) {
        return e.call("GET", "/scim/v2/AuditEvents?filter=" + encode("resourceId eq \"" + id + "\""), "", auditor)
            .json()
            .at("totalResults")
            .as_int64();
    };
    auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (count(old_user) > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK(count(old_user) == 0);
    CHECK(count(new_user) == 1);
    CHECK(e.admin({"tenant", "show", "--tenant", "acme"}).find("audit-retention-days\t30") != std::string::npos);
    CHECK(e.server->wait_for_log("audit retention: deleted", std::chrono::seconds(1)));
}
