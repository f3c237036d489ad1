// RFC 8936 poll delivery of event streams, and the JWKS that verifies every SET, pushed or polled.
#include "server/handlers/handlers.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>
#include <pqxx/transaction>

#include "scim/error.hpp"
#include "scim/resource.hpp"
#include "server/jws.hpp"
#include "server/log.hpp"
#include "server/responses.hpp"
#include "server/security_event.hpp"
#include "storage/event_repository.hpp"

namespace server::handlers {
namespace {

namespace json = boost::json;

constexpr int default_max_events = 100;
constexpr int most_events = 1000;
constexpr auto longest_wait = std::chrono::seconds(30);  // a long poll answers empty after this
constexpr auto poll_interval = std::chrono::milliseconds(250);

struct PollRequest {
    std::vector<std::string> acknowledged;                    // ack, and the jti of every setErrs entry
    std::vector<std::pair<std::string, std::string>> errors;  // jti, what the receiver said
    int max_events = default_max_events;
    bool return_immediately = false;
};

// A jti as this server issues them (a UUID) and as any receiver could echo one: 1 to 256 printable ASCII characters.
std::string const& checked_jti(std::string const& jti, std::string_view member) {
    bool ok = !jti.empty() && jti.size() <= 256;
    for (char c : jti) ok = ok && c > 0x20 && c < 0x7f;
    if (!ok)
        throw scim::Error::invalid_value("every jti in \"" + std::string(member) +
                                         "\" is 1 to 256 printable ASCII characters, as the SETs' jti are");
    return jti;
}

PollRequest poll_request(std::string const& body) {
    PollRequest out;
    if (body.find_first_not_of(" \t\r\n") == std::string::npos) return out;
    auto const request = scim::parse_json_object(body);
    for (auto const& [key, value] : request) {
        if (key == "ack") {
            if (!value.is_array()) throw scim::Error::invalid_syntax("\"ack\" is an array of jti strings");
            for (auto const& jti : value.as_array()) {
                if (!jti.is_string()) throw scim::Error::invalid_syntax("\"ack\" is an array of jti strings");
                out.acknowledged.push_back(checked_jti(std::string(jti.as_string()), "ack"));
            }
        } else if (key == "setErrs") {
            if (!value.is_object())
                throw scim::Error::invalid_syntax("\"setErrs\" is an object of jti: {\"err\", \"description\"}");
            for (auto const& [jti, error] : value.as_object()) {
                out.acknowledged.push_back(checked_jti(std::string(jti), "setErrs"));
                out.errors.emplace_back(jti, json::serialize(error).substr(0, 200));
            }
        } else if (key == "maxEvents") {
            if (!value.is_int64() || value.as_int64() < 0 || value.as_int64() > most_events)
                throw scim::Error::invalid_value("\"maxEvents\" is a whole number from 0 to " +
                                                 std::to_string(most_events));
            out.max_events = static_cast<int>(value.as_int64());
        } else if (key == "returnImmediately") {
            if (!value.is_bool()) throw scim::Error::invalid_syntax("\"returnImmediately\" is true or false");
            out.return_immediately = value.as_bool();
        } else {
            throw scim::Error::invalid_syntax("\"" + std::string(key) +
                                              "\" is not a member of a poll request (RFC 8936: ack, setErrs, "
                                              "maxEvents, returnImmediately)");
        }
    }
    return out;
}

}  // namespace

Reply poll_events(RequestContext& ctx, std::string_view name) {
    if (ctx.request.method != "POST") throw scim::Error::method_not_allowed("poll an event stream with POST");
    auto const request = poll_request(ctx.request.body);
    auto const stream_name = std::string(name);
    auto const tenant = ctx.grant.tenant_id;
    auto const deadline = std::chrono::steady_clock::now() + longest_wait;
    auto const audience = ctx.base_url + "/Events/" + stream_name;
    bool first = true;
    for (;;) {
        // Acknowledgements first, then the oldest SETs not acknowledged: a SET handed out before and not acknowledged
        // comes again.
        auto const batch = co_await ctx.app.db.run([&](pqxx::work& tx) {
            storage::EventRepository events(tx);
            auto const stream = events.find_stream(tenant, stream_name);
            if (!stream || stream->delivery != "poll")
                throw scim::Error::not_found("this tenant has no poll event stream \"" + stream_name + "\"");
            if (first) events.acknowledge(stream->id, request.acknowledged);
            auto pending = events.pending(stream->id, request.max_events + 1);
            // A key made here commits with this transaction, before any SET signed with it is answered.
            auto key = events.current_signing_key();
            if (!key && !pending.empty()) {
                key = generate_signing_key();
                events.add_signing_key(*key);
            }
            return std::tuple{std::move(pending), std::move(key), stream->state == "paused"};
        });
        if (first)
            for (auto const& [jti, error] : request.errors)
                log_line("event stream " + stream_name + ": the receiver could not process SET " + jti + ": " + error,
                         LogLevel::warning, ctx.request_id);
        first = false;
        auto const& [pending, key, paused] = batch;
        bool const answer_now = request.max_events == 0 || request.return_immediately || paused ||
                                std::chrono::steady_clock::now() >= deadline;
        if (!pending.empty() && request.max_events > 0 && !paused) {
            JwsSigner const signer(*key);
            auto const issued_at =
                std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                    .count();
            json::object sets;
            auto const count = std::min<std::size_t>(pending.size(), static_cast<std::size_t>(request.max_events));
            for (std::size_t i = 0; i < count; ++i)
                sets[pending[i].jti] = signer.sign(set_claims(pending[i], ctx.app.events_issuer, audience, issued_at));
            co_return json_response(200,
                                    json::object{{"sets", std::move(sets)}, {"moreAvailable", pending.size() > count}});
        }
        if (answer_now) co_return json_response(200, json::object{{"sets", json::object{}}, {"moreAvailable", false}});
        boost::asio::steady_timer wait(co_await boost::asio::this_coro::executor, poll_interval);
        co_await wait.async_wait(boost::asio::use_awaitable);
    }
}

Reply signing_keys(App& app) {
    auto const keys =
        co_await app.db.read([](pqxx::transaction_base& tx) { return storage::EventRepository(tx).published_keys(); });
    json::array list;
    for (auto const& key : keys) list.push_back(json::parse(key));
    auto res = json_response(200, json::object{{"keys", std::move(list)}});
    for (auto& [name, value] : res.headers)
        if (name == "Content-Type") value = "application/jwk-set+json";
    co_return res;
}

}  // namespace server::handlers
