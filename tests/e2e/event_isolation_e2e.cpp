// One tenant's receivers cannot hold up another's events: with thirty receivers that never answer and ten that answer
// each SET after three seconds, in ten other tenants, a healthy tenant's events still arrive at once.
#include <doctest/doctest.h>

#include <algorithm>
#include <thread>

#include <boost/asio.hpp>

#include "tests/e2e/e2e_fixture.hpp"
#include "tests/support/event_receiver.hpp"

namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// A receiver that accepts connections and never answers: a customer's PBX that hangs.
class HangingReceiver {
public:
    HangingReceiver() : acceptor_(ioc_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {
        thread_ = std::thread([this] {
            for (;;) {
                tcp::socket socket(ioc_);
                boost::system::error_code ec;
                acceptor_.accept(socket, ec);
                if (ec) return;
                std::lock_guard lock(mutex_);
                held_.push_back(std::move(socket));  // kept open, never read
            }
        });
    }
    ~HangingReceiver() {
        boost::system::error_code ignored;
        ::shutdown(acceptor_.native_handle(), SHUT_RDWR);  // wakes the blocking accept
        acceptor_.close(ignored);
        thread_.join();
    }
    std::string url(int n) const {
        return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/hang/" + std::to_string(n);
    }
    std::size_t connections() {
        std::lock_guard lock(mutex_);
        return held_.size();
    }

private:
    net::io_context ioc_;
    tcp::acceptor acceptor_;
    std::thread thread_;
    std::mutex mutex_;
    std::vector<tcp::socket> held_;
};

}  // namespace

TEST_CASE("a tenant's events arrive at once while other tenants' receivers hang or answer slowly") {
    E2E e;
    HangingReceiver hanging;
    EventReceiver slow;
    slow.answer({202, "", std::chrono::seconds(3), {}});
    // Ten other tenants, each with three receivers that hang and one that is slow, each with SETs waiting.
    for (int t = 0; t < 10; ++t) {
        auto const tenant = "other" + std::to_string(t);
        e.admin({"tenant", "create", tenant});
        auto const token = issue_token(e.db.url(), tenant, "write", "writer");
        for (int s = 0; s < 3; ++s)
            e.admin({"events", "stream", "create", "hang" + std::to_string(s), "--tenant", tenant, "--push",
                     hanging.url(t * 3 + s)});
        e.admin({"events", "stream", "create", "slow", "--tenant", tenant, "--push", slow.url()});
        for (int u = 0; u < 3; ++u) {
            auto const r = e.call(
                "POST", "/scim/v2/Users",
                std::string("{") + core_user_schema + R"(,"userName":"u)" + std::to_string(u) + R"(@x.example"})",
                token, {{"Content-Type", "application/scim+json"}});
            REQUIRE_MESSAGE(r.status == 201, r.body);
        }
    }
    // Every hanging receiver is being waited on before the healthy tenant writes.
    for (int i = 0; i < 100 && hanging.connections() < 30; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(hanging.connections() >= 30);

    EventReceiver healthy;
    e.admin({"events", "stream", "create", "pbx", "--tenant", "acme", "--push", healthy.url()});
    std::vector<double> lags;
    for (int i = 0; i < 20; ++i) {
        e.create_user("healthy" + std::to_string(i) + "@example.com");
        auto const written = std::chrono::steady_clock::now();
        REQUIRE(healthy.wait_for(static_cast<std::size_t>(i + 1), std::chrono::seconds(30)));
        lags.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - written).count());
    }
    std::sort(lags.begin(), lags.end());
    auto const p50 = lags[lags.size() / 2];
    auto const p99 = lags.back();  // of twenty, the worst
    MESSAGE("a healthy tenant's event beside 30 hanging and 10 slow receivers: p50 " << p50 << " s, p99 " << p99
                                                                                     << " s");
    // Before, one stream was delivered at a time: each hanging receiver cost every other tenant its 10 s timeout.
    CHECK(p99 < 1.0);
    CHECK(slow.accepted().size() >= 1);  // the slow receivers are served too, at their pace
}
