// The push delivery worker and its HTTP client.
#include "server/event_delivery.hpp"

#include <optional>
#include <random>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <pqxx/pqxx>

#include "server/jws.hpp"
#include "server/log.hpp"
#include "server/security_event.hpp"
#include "storage/database.hpp"
#include "storage/event_repository.hpp"

namespace server {

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

inline constexpr auto as_tuple_awaitable = net::as_tuple(net::use_awaitable);

struct Endpoint {
    bool https = false;
    std::string host;
    std::string port;
    std::string target;
};

std::optional<Endpoint> parse_endpoint(std::string const& url) {
    auto const parsed = boost::urls::parse_uri(url);
    if (!parsed || !parsed->has_authority()) return std::nullopt;
    Endpoint e;
    if (parsed->scheme() == "https")
        e.https = true;
    else if (parsed->scheme() != "http")
        return std::nullopt;
    e.host = parsed->host();
    if (e.host.size() > 2 && e.host.front() == '[') e.host = e.host.substr(1, e.host.size() - 2);
    e.port = parsed->has_port() ? std::string(parsed->port()) : (e.https ? "443" : "80");
    e.target = parsed->encoded_resource().empty() ? "/" : std::string(parsed->encoded_resource());
    if (e.target.front() != '/') e.target = "/" + e.target;
    return e;
}

struct PushResult {
    int status = 0;                 // 0: no answer
    std::string error;              // why, when there was no 2xx
    std::string reason = "status";  // the failure metric's label
    std::optional<long> retry_after_seconds;
};

// One receiver connection, kept alive across the SETs of a batch and reopened when it breaks.
class PushConnection {
public:
    PushConnection(net::io_context& ioc, ssl::context& tls, Endpoint endpoint, std::chrono::seconds timeout)
        : ioc_(ioc), tls_(tls), endpoint_(std::move(endpoint)), timeout_(timeout) {}

    net::awaitable<PushResult> post(std::string const& authorization, std::string const& body) {
        http::request<http::string_body> req{http::verb::post, endpoint_.target, 11};
        req.set(http::field::host, endpoint_.host);
        req.set(http::field::user_agent, "scimd");
        req.set(http::field::content_type, "application/secevent+jwt");
        req.set(http::field::accept, "application/json");
        if (!authorization.empty()) req.set(http::field::authorization, authorization);
        req.keep_alive(true);
        req.body() = body;
        req.prepare_payload();
        for (int attempt = 0; attempt < 2; ++attempt) {  // a kept-alive connection the receiver closed: reopen once
            bool const fresh = !plain_ && !secure_;
            if (fresh) {
                if (auto failed = co_await open()) co_return *failed;
            }
            PushResult result;
            if (endpoint_.https)  // not a conditional expression: GCC 12 miscompiles co_await inside one
                result = co_await exchange(*secure_, req);
            else
                result = co_await exchange(*plain_, req);
            if (result.status != 0 || fresh) co_return result;
            close();
        }
        co_return PushResult{0, "the connection failed", "connect", {}};
    }

private:
    void close() {
        plain_.reset();
        secure_.reset();
    }

    net::awaitable<std::optional<PushResult>> open() {
        tcp::resolver resolver(ioc_);
        auto [rec, found] = co_await resolver.async_resolve(endpoint_.host, endpoint_.port, as_tuple_awaitable);
        if (rec) co_return PushResult{0, "cannot resolve " + endpoint_.host + ": " + rec.message(), "connect", {}};
        if (endpoint_.https) {
            secure_.emplace(ioc_, tls_);
            auto& lowest = beast::get_lowest_layer(*secure_);
            lowest.expires_after(timeout_);
            auto [cec, ep] = co_await lowest.async_connect(found, as_tuple_awaitable);
            if (cec) co_return failed("cannot connect to " + endpoint_.host + ": " + cec.message(), cec);
            // SNI; OpenSSL's macro casts in the C way, so call what it expands to.
            SSL_ctrl(secure_->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                     const_cast<char*>(endpoint_.host.c_str()));
            secure_->set_verify_callback(ssl::host_name_verification(endpoint_.host));
            auto [hec] = co_await secure_->async_handshake(ssl::stream_base::client, as_tuple_awaitable);
            if (hec) co_return failed("TLS with " + endpoint_.host + " failed: " + hec.message(), hec);
        } else {
            plain_.emplace(ioc_);
            plain_->expires_after(timeout_);
            auto [cec, ep] = co_await plain_->async_connect(found, as_tuple_awaitable);
            if (cec) co_return failed("cannot connect to " + endpoint_.host + ": " + cec.message(), cec);
        }
        co_return std::nullopt;
    }

    PushResult failed(std::string error, beast::error_code const& ec) {
        close();
        return {0, std::move(error), ec == beast::error::timeout ? "timeout" : "connect", {}};
    }

    template <class Stream>
    net::awaitable<PushResult> exchange(Stream& stream, http::request<http::string_body>& req) {
        auto& lowest = beast::get_lowest_layer(stream);
        lowest.expires_after(timeout_);
        auto [wec, wn] = co_await http::async_write(stream, req, as_tuple_awaitable);
        if (wec) co_return failed("sending failed: " + wec.message(), wec);
        http::response_parser<http::string_body> parser;
        parser.body_limit(64 * 1024);
        auto [rec, rn] = co_await http::async_read(stream, buffer_, parser, as_tuple_awaitable);
        if (rec) co_return failed("no answer: " + rec.message(), rec);
        auto const& res = parser.get();
        PushResult result{static_cast<int>(res.result_int()), {}, "status", {}};
        if (result.status < 200 || result.status > 299) {
            auto body = res.body().substr(0, 200);
            result.error = "HTTP " + std::to_string(result.status) + (body.empty() ? "" : ": " + body);
            if (auto const it = res.find(http::field::retry_after); it != res.end()) {
                try {
                    result.retry_after_seconds = std::stol(std::string(it->value()));
                } catch (std::exception const&) {
                }
            }
        }
        if (!res.keep_alive()) close();
        co_return result;
    }

    net::io_context& ioc_;
    ssl::context& tls_;
    Endpoint endpoint_;
    std::chrono::seconds timeout_;
    beast::flat_buffer buffer_;
    std::optional<beast::tcp_stream> plain_;
    std::optional<beast::ssl_stream<beast::tcp_stream>> secure_;
};

}  // namespace

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
    std::optional<PushResult> failure;
    int accepted = 0;
    std::vector<std::int64_t> done;  // removed together once the batch ends
    if (!endpoint) {
        failure = PushResult{0, "the endpoint \"" + stream->endpoint + "\" is not an http or https URL", "connect", {}};
    } else {
        net::io_context ioc;
        net::co_spawn(
            ioc,
            [&]() -> net::awaitable<void> {
                PushConnection connection(ioc, state.tls, *endpoint, options_.http_timeout);
                auto const issued_at = std::chrono::duration_cast<std::chrono::seconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count();
                for (auto const& event : pending) {
                    auto const jws = state.signer->sign(set_claims(event, issuer_, stream->endpoint, issued_at));
                    auto result = co_await connection.post(stream->authorization, jws);
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
