// Several scimd instances on one database: what one is told, the others know within the stated bounds.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "tests/e2e/e2e_fixture.hpp"

namespace {

// Whether `token` is refused by the instance on `port` within `bound`, polling every 50 ms.
bool refused_within(ScimdServer const& server, std::string const& token, std::chrono::milliseconds bound) {
    auto const deadline = std::chrono::steady_clock::now() + bound;
    HttpsClient client(server.port(), server.tls());
    for (;;) {
        if (client.request("GET", "/scim/v2/Users", "", {{"Authorization", "Bearer " + token}}).status == 401)
            return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
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
    // The bound is what is promised: 1 s of cache (and the polling); without the revocation reaching an instance it
    // would stay trusted until restarted.
    CHECK(refused_within(*e.server, token, std::chrono::milliseconds(1500)));
    CHECK(refused_within(second, token, std::chrono::milliseconds(1500)));
}
