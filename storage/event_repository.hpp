// Event streams, their outbox and the signing keys (storage/migrations/V014__event_streams.sql). The outbox is filled
// by a trigger on the change records; this reads it for delivery and removes what was delivered or acknowledged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/transaction_base>

#include "storage/change_log.hpp"

namespace storage {

struct EventStream {
    std::string id;
    std::string tenant_id;
    std::string name;
    std::string delivery;  // push or poll
    std::string endpoint;
    std::string authorization;  // never printed
    std::vector<std::string> event_uris;
    bool full_data = false;
    std::string state;  // active, paused, failing
    int retry_seconds = 259200;
    int attempts = 0;
    std::string failing_since;
    std::string last_error;
    std::string next_attempt_at;
    std::int64_t pending = 0;  // SETs waiting
    double oldest_pending_seconds = 0;
};

/// A push stream ready for delivery, as the worker picks among them.
struct DueStream {
    std::string id;
    std::string tenant_id;
    int attempts = 0;  // failures in a row
};

/// One SET waiting in a stream, with the change record it comes from.
struct PendingEvent {
    std::int64_t outbox_id = 0;
    std::string jti;
    std::vector<std::string> events;
    std::string external_id;
    std::string data;       // JSON of the resource for full streams, else empty
    std::string directory;  // JSON of a user's directory attributes when a directory event is in the SET, else empty
    std::string resource_type;
    std::string resource_id;
    std::string operation;
    std::optional<std::int64_t> version;
    std::string request_id;
    std::int64_t change_id = 0;
    std::string occurred_at;  // RFC 3339
    std::vector<std::string> attributes;
    double age_seconds = 0;  // since the write, when read
};

struct SigningKey {
    std::string kid;
    std::string algorithm;
    std::string private_key_pem;
    std::string public_jwk;  // JSON
};

class EventRepository {
public:
    /// Works in `tx`; creating, pausing, resuming and deleting a stream append change records in `context`.
    explicit EventRepository(pqxx::transaction_base& tx, ChangeContext context = {})
        : tx_(tx), context_(std::move(context)) {}

    /// @throws scim::Error 409 when the tenant has a stream of that name.
    EventStream create_stream(EventStream const& stream);
    std::vector<EventStream> list_streams(std::string const& tenant_id);
    std::optional<EventStream> find_stream(std::string const& tenant_id, std::string const& name);
    /// Pauses or resumes (clearing the failure count: delivery starts at once); false: no such stream.
    bool set_state(std::string const& tenant_id, std::string const& name, std::string const& state);
    bool delete_stream(std::string const& tenant_id, std::string const& name);

    /// Adds a key and makes it the one that signs; older keys stay published as retired.
    void add_signing_key(SigningKey const& key);
    std::optional<SigningKey> current_signing_key();
    /// The public JWKs of every key, current first, for the JWKS document.
    std::vector<std::string> published_keys();

    /// Push streams that are due and have SETs waiting, healthy ones (no failure in a row) first, then by when they
    /// became due: the candidates a delivery worker tries to lock.
    std::vector<DueStream> due_push_streams(int limit);
    /// Takes the delivery lock of a stream for this database session, without waiting: false when another session
    /// (another instance) holds it. A session-level advisory lock, so no transaction stays open while its SETs are
    /// sent, and a worker that dies (its connection with it) frees its streams at once.
    bool try_lock_delivery(std::string const& stream_id);
    void unlock_delivery(std::string const& stream_id);
    /// The stream, read again once its lock is held: nullopt when it is no longer due or has nothing waiting.
    std::optional<EventStream> due_push_stream(std::string const& stream_id);
    /// The oldest SETs of a stream, in the order their writes committed.
    std::vector<PendingEvent> pending(std::string const& stream_id, int limit);
    /// Removes delivered SETs, in one statement.
    void remove(std::vector<std::int64_t> const& outbox_ids);
    /// Removes the stream's SETs with these jti values; returns how many there were.
    int acknowledge(std::string const& stream_id, std::vector<std::string> const& jtis);
    /// A push succeeded: the stream's failure count is cleared.
    void delivery_succeeded(std::string const& stream_id);
    /// A push failed: the next attempt is `retry_in_ms` away; past the stream's retry time it is marked failing.
    /// Returns true when this failure made the stream failing.
    bool delivery_failed(std::string const& stream_id, std::string const& error, std::int64_t retry_in_ms);
    /// Streams marked failing, over every tenant, for the metric.
    std::int64_t failing_streams();

private:
    pqxx::transaction_base& tx_;
    ChangeContext context_;
};

}  // namespace storage
