// The push delivery worker and its HTTP client.
#include "server/event_delivery.hpp"

#include <optional>
#include <random>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <pqxx/pqxx>

#include "server/http_client.hpp"
#include "server/jws.hpp"
#include "server/log.hpp"
#include "server/security_event.hpp"
#include "storage/database.hpp"
#include "storage/event_repository.hpp"

namespace server {

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace http = boost::beast::http;

std::chrono::milliseconds retry_delay(int attempts, std::chrono::milliseconds max) {
    thread_local std::mt19937_64 random{std::random_device{}()};
    auto const shift = std::min(attempts > 0 ? attempts - 1 : 0, 30);
    auto const ceiling = std::min<std::int64_t>(max.count(), std::int64_t{1000} << shift);
    std::uniform_int_distribution<std::int64_t> pick(ceiling / 2, ceiling);
    return std::chrono::milliseconds(pick(random));
}

struct EventDelivery::Worker {
    std::unique_ptr<pqxx::connection> connection;
    std::unique_ptr<JwsSigner> signer;
    ssl::context tls{ssl::context::tls_client};
    std::chrono::steady_clock::time_point gauge_updated;
    std::string last_error;
    std::chrono::steady_clock::time_point last_error_logged;
};

EventDelivery::EventDelivery(std::string database_url, std::string issuer, ServerMetrics& metrics,
                             EventDeliveryOptions options)
    : url_(std::move(database_url)),
      issuer_(std::move(issuer)),
      metrics_(metrics),
      options_(options),
      worker_(std::make_unique<Worker>()) {
    worker_->tls.set_default_verify_paths();
    worker_->tls.set_verify_mode(ssl::verify_peer);
    thread_ = std::thread([this] { run(); });
}

EventDelivery::~EventDelivery() {
    {
        std::lock_guard lock(mutex_);
        quit_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void EventDelivery::run() {
    auto& state = *worker_;
    std::unique_lock lock(mutex_);
    while (!quit_) {
        lock.unlock();
        int handled = -1;
        try {
            if (!state.connection) {
                state.connection = storage::connect(url_);
                // A delivery's commit only forgets SETs already delivered: lost in a crash, they are sent again (at
                // least once), so it need not wait for the disk.
                state.connection->set_variable("synchronous_commit", "off");
            }
            handled = deliver_one_stream();
            state.last_error.clear();  // the next failure is news again
        } catch (std::exception const& e) {
            state.connection.reset();  // reopened on the next round; the stream's SETs stay in the outbox
            // While the database is away this fails every round: say so when it changes, and once a minute.
            auto const now = std::chrono::steady_clock::now();
            if (e.what() != state.last_error || now - state.last_error_logged > std::chrono::minutes(1)) {
                log_line(std::string("event delivery: ") + e.what(), LogLevel::warning);
                state.last_error = e.what();
                state.last_error_logged = now;
            }
        }
        lock.lock();
        if (handled < 0)
            wake_.wait_for(lock, options_.idle_interval, [&] { return quit_; });
        else if (handled < options_.batch)
            wake_.wait_for(lock, options_.linger, [&] { return quit_; });
    }
}

int EventDelivery::deliver_one_stream() {
    auto& state = *worker_;
    if (!state.signer) {
        // A key made here is committed before anything is signed with it: a SET must never name a key that a
        // rollback (a crash mid-delivery) took out of the JWKS.
        pqxx::work key_tx(*state.connection);
        storage::EventRepository keys(key_tx);
        auto key = keys.current_signing_key();
        if (!key) {
            key = generate_signing_key();
            keys.add_signing_key(*key);
            log_line("event delivery: made the signing key " + key->kid + " (rotate with 'scimd events key rotate')");
        }
        key_tx.commit();
        state.signer = std::make_unique<JwsSigner>(*key);
    }
    pqxx::work tx(*state.connection);
    storage::EventRepository events(tx);
    auto const now = std::chrono::steady_clock::now();
    if (now - state.gauge_updated > std::chrono::seconds(5)) {
        metrics_.event_streams_failing.set(static_cast<double>(events.failing_streams()));
        state.gauge_updated = now;
    }
    auto const stream = events.claim_due_push_stream();
    if (!stream) {
        tx.commit();
        return -1;
    }
    if (auto const key = events.current_signing_key(); key && key->kid != state.signer->kid())
        state.signer = std::make_unique<JwsSigner>(*key);  // rotated
    auto const pending = events.pending(stream->id, options_.batch);
    auto const endpoint = parse_endpoint(stream->endpoint);
    std::optional<HttpClientResult> failure;
    int accepted = 0;
    std::vector<std::int64_t> done;  // removed together once the batch ends
    if (!endpoint) {
        failure = HttpClientResult{
            0, {}, "the endpoint \"" + stream->endpoint + "\" is not an http or https URL", "connect", {}};
    } else {
        net::io_context ioc;
        net::co_spawn(
            ioc,
            [&]() -> net::awaitable<void> {
                HttpClient connection(ioc.get_executor(), state.tls, *endpoint, options_.http_timeout);
                auto const issued_at = std::chrono::duration_cast<std::chrono::seconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count();
                for (auto const& event : pending) {
                    auto const jws = state.signer->sign(set_claims(event, issuer_, stream->endpoint, issued_at));
                    auto result = co_await connection.request(http::verb::post, jws, "application/secevent+jwt",
                                                              stream->authorization);
                    if (result.status >= 200 && result.status <= 299) {
                        done.push_back(event.outbox_id);
                        metrics_.events_delivered.inc();
                        metrics_.event_delivery_lag.observe(event.age_seconds);
                        ++accepted;
                        continue;
                    }
                    if (result.status == 400) {  // RFC 8935 §2.3: the receiver refuses this SET; sending it again
                                                 // would not change that
                        done.push_back(event.outbox_id);
                        metrics_.events_rejected.inc();
                        log_line("event stream " + stream->name + ": the receiver refused SET " + event.jti + " (" +
                                     result.error + "); it is not sent again",
                                 LogLevel::warning);
                        ++accepted;
                        continue;
                    }
                    failure = std::move(result);
                    break;
                }
            },
            net::detached);
        ioc.run();
    }
    events.remove(done);
    if (accepted > 0) events.delivery_succeeded(stream->id);
    if (failure) {
        metrics_.event_delivery_failures.with({failure->reason}).inc();
        auto delay = retry_delay(accepted > 0 ? 1 : stream->attempts + 1, options_.max_backoff);
        if (failure->retry_after_seconds && *failure->retry_after_seconds >= 0)
            delay = std::chrono::seconds(std::min<long>(*failure->retry_after_seconds, 3600));
        if (events.delivery_failed(stream->id, failure->error, delay.count()))
            log_line("event stream " + stream->name + " is failing: its receiver has not accepted a SET for " +
                         std::to_string(stream->retry_seconds) + " s (" + failure->error +
                         "); delivery goes on being retried",
                     LogLevel::error);
    }
    tx.commit();
    return failure ? -1 : static_cast<int>(pending.size());
}

}  // namespace server
