// The push delivery worker: a dispatcher that picks due streams, and one turn per picked stream.
#include "server/event_delivery.hpp"

#include <map>
#include <optional>
#include <random>
#include <set>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
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
using Clock = std::chrono::steady_clock;

namespace {
inline constexpr auto as_tuple_awaitable = net::as_tuple(net::use_awaitable);
}

std::chrono::milliseconds retry_delay(int attempts, std::chrono::milliseconds max) {
    thread_local std::mt19937_64 random{std::random_device{}()};
    auto const shift = std::min(attempts > 0 ? attempts - 1 : 0, 30);
    auto const ceiling = std::min<std::int64_t>(max.count(), std::int64_t{1000} << shift);
    std::uniform_int_distribution<std::int64_t> pick(ceiling / 2, ceiling);
    return std::chrono::milliseconds(pick(random));
}

// Everything below runs on the worker's one thread: the event loop's. Database calls are short and synchronous, never
// spanning a co_await, so the turns share the one connection without interleaving inside a transaction.
struct EventDelivery::Worker {
    Worker(std::string url, std::string iss, ServerMetrics& m, EventDeliveryOptions o, EgressPolicy e)
        : database_url(std::move(url)),
          issuer(std::move(iss)),
          metrics(m),
          options(o),
          egress(std::move(e)),
          wake(ioc) {
        tls.set_default_verify_paths();
        tls.set_verify_mode(ssl::verify_peer);
    }

    std::string database_url;
    std::string issuer;
    ServerMetrics& metrics;
    EventDeliveryOptions options;
    EgressPolicy egress;
    net::io_context ioc{1};
    net::steady_timer wake;  // the dispatcher's pause, cut short by a turn that left SETs behind, and by quit
    ssl::context tls{ssl::context::tls_client};
    std::atomic<bool> quit{false};

    std::unique_ptr<pqxx::connection> connection;
    std::uint64_t generation = 0;  // counts connections: a turn's locks die with the connection it took them on
    std::unique_ptr<JwsSigner> signer;

    // The turns running now.
    std::set<std::string> streams;
    std::map<std::string, int> per_tenant;
    int failing = 0;
    std::set<HttpClient*> clients;  // cancelled at quit

    Clock::time_point gauge_updated;
    std::string last_error;
    Clock::time_point last_error_logged;

    // While the database is away every round fails: say so when the failure changes, and once a minute.
    void database_failed(std::exception const& e) {
        connection.reset();  // reopened on the next round; its delivery locks are released with it
        auto const now = Clock::now();
        if (e.what() != last_error || now - last_error_logged > std::chrono::minutes(1)) {
            log_line(std::string("event delivery: ") + e.what(), LogLevel::warning);
            last_error = e.what();
            last_error_logged = now;
        }
    }

    void connect() {
        if (connection) return;
        connection = storage::connect(database_url);
        ++generation;
        // A delivery's commit only forgets SETs already delivered: lost in a crash, they are sent again (at least
        // once), so it need not wait for the disk. No statement of the worker may hold up its turns for long.
        connection->set_variable("synchronous_commit", "off");
        connection->set_variable("statement_timeout", "10000");
    }

    void ensure_signer() {
        if (signer) return;
        // A key made here is committed before anything is signed with it: a SET must never name a key that a
        // rollback (a crash mid-delivery) took out of the JWKS.
        pqxx::work key_tx(*connection);
        storage::EventRepository keys(key_tx);
        auto key = keys.current_signing_key();
        if (!key) {
            key = generate_signing_key();
            keys.add_signing_key(*key);
            log_line("event delivery: made the signing key " + key->kid + " (rotate with 'scimd events key rotate')");
        }
        key_tx.commit();
        signer = std::make_unique<JwsSigner>(*key);
    }

    // Picks the due streams there is room for, locks each and starts its turn; how many turns started.
    int start_turns() {
        connect();
        ensure_signer();
        auto picked = pick_streams();
        // Started once the picking's transaction object is gone: a turn begins at once, on this thread.
        for (auto& stream : picked) net::co_spawn(ioc, turn(std::move(stream), generation), net::detached);
        return static_cast<int>(picked.size());
    }

    std::vector<storage::EventStream> pick_streams() {
        std::vector<storage::EventStream> picked;
        pqxx::nontransaction tx(*connection);
        storage::EventRepository events(tx);
        auto const now = Clock::now();
        if (now - gauge_updated > std::chrono::seconds(5)) {
            metrics.event_streams_failing.set(static_cast<double>(events.failing_streams()));
            gauge_updated = now;
            if (auto const key = events.current_signing_key(); key && key->kid != signer->kid())
                signer = std::make_unique<JwsSigner>(*key);  // rotated
        }
        int room = options.concurrency - static_cast<int>(streams.size());
        if (room <= 0) return picked;
        // Candidates beyond the room: some are running here already, or locked by another instance.
        for (auto const& due : events.due_push_streams(static_cast<int>(streams.size()) + 2 * room)) {
            if (room == 0) break;
            auto const tenant_turns = per_tenant.find(due.tenant_id);
            if (streams.count(due.id) ||
                (tenant_turns != per_tenant.end() && tenant_turns->second >= options.per_tenant))
                continue;
            bool const is_failing = due.attempts > 0;
            if (is_failing && failing >= options.concurrency / 2) continue;
            if (!events.try_lock_delivery(due.id)) continue;
            auto stream = events.due_push_stream(due.id);  // delivered by another instance meanwhile?
            if (!stream) {
                events.unlock_delivery(due.id);
                continue;
            }
            streams.insert(due.id);
            ++per_tenant[due.tenant_id];
            if (is_failing) ++failing;
            --room;
            picked.push_back(std::move(*stream));
        }
        return picked;
    }

    net::awaitable<void> dispatch() {
        while (!quit) {
            try {
                start_turns();
                last_error.clear();  // the next failure is news again
            } catch (std::exception const& e) {
                database_failed(e);
            }
            wake.expires_after(streams.empty() ? options.idle_interval : options.linger);
            co_await wake.async_wait(as_tuple_awaitable);
        }
    }

    struct Outcome {
        std::vector<std::int64_t> done;  // outbox ids the receiver accepted (or refused for good)
        std::optional<HttpClientResult> failure;
        bool more = false;  // SETs left for another turn
    };

    // One stream's turn: read its oldest SETs, send them in order until one fails, the batch ends or the turn's time
    // is up, then record the outcome and give the stream back.
    net::awaitable<void> turn(storage::EventStream stream, std::uint64_t taken_on) {
        Outcome outcome;
        std::vector<storage::PendingEvent> pending;
        try {
            if (connection && generation == taken_on) {
                pqxx::nontransaction tx(*connection);
                pending = storage::EventRepository(tx).pending(stream.id, options.batch);
            }
        } catch (std::exception const& e) {
            database_failed(e);
        }
        if (!pending.empty()) co_await send(stream, pending, outcome);
        finish(stream, outcome, taken_on);
        streams.erase(stream.id);
        if (--per_tenant[stream.tenant_id] <= 0) per_tenant.erase(stream.tenant_id);
        if (stream.attempts > 0) --failing;
        if (outcome.more && !quit) wake.cancel();  // its rest, or another stream, can go at once
    }

    net::awaitable<void> send(storage::EventStream const& stream, std::vector<storage::PendingEvent> const& pending,
                              Outcome& outcome) {
        auto const endpoint = parse_endpoint(stream.endpoint);
        if (!endpoint) {
            outcome.failure = HttpClientResult{
                0, {}, "the endpoint \"" + stream.endpoint + "\" is not an http or https URL", "connect", {}, {}};
            co_return;
        }
        auto const deadline = Clock::now() + options.turn;
        HttpClient client(ioc.get_executor(), tls, *endpoint, options.http_timeout, egress);
        clients.insert(&client);
        auto const issued_at =
            std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        for (auto const& event : pending) {
            if (quit || Clock::now() >= deadline) {
                outcome.more = true;
                break;
            }
            auto const jws = signer->sign(set_claims(event, issuer, stream.endpoint, issued_at));
            auto result =
                co_await client.request(http::verb::post, jws, "application/secevent+jwt", stream.authorization);
            if (quit && result.status == 0) {  // cancelled: not the receiver's failure
                outcome.more = true;
                break;
            }
            if (result.status >= 200 && result.status <= 299) {
                outcome.done.push_back(event.outbox_id);
                metrics.events_delivered.inc();
                metrics.event_delivery_lag.observe(event.age_seconds);
                continue;
            }
            if (result.status == 400) {  // RFC 8935 §2.3: the receiver refuses this SET; sending it again would not
                                         // change that
                outcome.done.push_back(event.outbox_id);
                metrics.events_rejected.inc();
                log_line("event stream " + stream.name + ": the receiver refused SET " + event.jti + " (" +
                             result.error + "); it is not sent again",
                         LogLevel::warning);
                continue;
            }
            outcome.failure = std::move(result);
            break;
        }
        clients.erase(&client);
        if (!outcome.failure && pending.size() == static_cast<std::size_t>(options.batch)) outcome.more = true;
    }

    // Records what the turn did and releases the stream. A turn whose connection was replaced meanwhile (the database
    // went away) records nothing: its lock is gone, another turn may be under way, and its SETs are sent again.
    void finish(storage::EventStream const& stream, Outcome const& outcome, std::uint64_t taken_on) {
        if (!connection || generation != taken_on) return;
        try {
            {
                pqxx::work tx(*connection);
                storage::EventRepository events(tx);
                events.remove(outcome.done);
                if (!outcome.done.empty()) events.delivery_succeeded(stream.id);
                if (outcome.failure) {
                    auto const& failure = *outcome.failure;
                    metrics.event_delivery_failures.with({failure.reason}).inc();
                    auto delay = retry_delay(outcome.done.empty() ? stream.attempts + 1 : 1, options.max_backoff);
                    if (failure.retry_after_seconds && *failure.retry_after_seconds >= 0)
                        delay = std::chrono::seconds(std::min<long>(*failure.retry_after_seconds, 3600));
                    if (events.delivery_failed(stream.id, failure.error, delay.count()))
                        log_line("event stream " + stream.name +
                                     " is failing: its receiver has not accepted a SET for " +
                                     std::to_string(stream.retry_seconds) + " s (" + failure.error +
                                     "); delivery goes on being retried",
                                 LogLevel::error);
                }
                tx.commit();
            }
            pqxx::nontransaction tx(*connection);
            storage::EventRepository(tx).unlock_delivery(stream.id);
        } catch (std::exception const& e) {
            database_failed(e);
        }
    }

    // At quit: the dispatcher stops picking, and running turns end now (their requests fail as cancelled).
    void stop() {
        quit = true;
        wake.cancel();
        for (auto* client : clients) client->cancel();
    }
};

EventDelivery::EventDelivery(std::string database_url, std::string issuer, ServerMetrics& metrics,
                             EventDeliveryOptions options, EgressPolicy egress)
    : worker_(
          std::make_unique<Worker>(std::move(database_url), std::move(issuer), metrics, options, std::move(egress))) {
    net::co_spawn(worker_->ioc, worker_->dispatch(), net::detached);
    thread_ = std::thread([this] { worker_->ioc.run(); });
}

EventDelivery::~EventDelivery() {
    net::post(worker_->ioc, [w = worker_.get()] { w->stop(); });
    thread_.join();  // the loop ends when the dispatcher and the last turn have
}

}  // namespace server
