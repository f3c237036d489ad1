// Several scimd instances on one database: what one is told, the others know within the stated bounds.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "tests/e2e/e2e_fixture.hpp"

namespace {

// Milliseconds until `token` is refused by the instance on `port`, polling every 50 ms for at most `limit`.
long ms_until_refused(ScimdServer const& server, std::string const& token, std::chrono::milliseconds limit) {
    auto const start = std::chrono::steady_clock::now();
    HttpsClient client(server.port(), server.tls());
    while (std::chrono::steady_clock::now() - start < limit) {
        if (client.request("GET", "/scim/v2/Users", "", {{"Authorization", "Bearer " + token}}).status == 401) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return static_cast<long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count());
}

}  // namespace

TEST_CASE("a token revoked on one instance stops on every instance within the token cache bound") {
    ScimdServer::Options const cached{true, {"--token-cache-ms", "1000"}};
    E2E e(cached);
    ScimdServer second(e.db.url(), cached);
    auto const token = issue_token(e.db.url(), "acme", "write", "shared");
    for (auto const* server : {e.server.get(), &second}) {  // both have checked it, and trust it for a second
        HttpsClient client(server->port(), server->tls());
        CHECK(client.request("GET", "/scim/v2/Users", "", {{"Authorization", "Bearer " + token}}).status == 200);
    }
    e.admin({"token", "revoke", "--tenant", "acme", "--label", "shared"});
    auto const first_ms = ms_until_refused(*e.server, token, std::chrono::seconds(5));
    auto const second_ms = ms_until_refused(second, token, std::chrono::seconds(5));
    CHECK(first_ms <= 1500);  // 1 s of cache, and the polling
    CHECK(second_ms <= 1500);
}
