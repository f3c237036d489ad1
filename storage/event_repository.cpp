// Event streams and their outbox in SQL.
#include "storage/event_repository.hpp"

#include <algorithm>

#include <pqxx/except>

#include "scim/error.hpp"
#include "scim/urns.hpp"
#include "storage/detail/rows.hpp"
#include "storage/detail/signing_keys.hpp"
#include "storage/detail/statements.hpp"

namespace storage {

namespace {

std::string const stream_columns =
    "s.id, s.tenant_id, s.name, s.delivery, coalesce(s.endpoint, ''), coalesce(s.auth_header, ''),"
    " array_to_json(s.event_uris)::text, s.full_data, s.state, s.retry_seconds, s.attempts, " +
    detail::rfc3339_sql("s.failing_since") + ", coalesce(s.last_error, ''), " +
    detail::rfc3339_sql("s.next_attempt_at") +
    ", (SELECT count(*) FROM event_outbox o WHERE o.stream_id = s.id),"
    " coalesce((SELECT extract(epoch FROM now() - c.occurred_at) FROM event_outbox o JOIN changes c ON c.id = "
    "o.change_id"
    " WHERE o.stream_id = s.id ORDER BY o.id LIMIT 1), 0)";

std::string const stream_columns_without_counts = stream_columns.substr(0, stream_columns.find(", (SELECT count(*)"));

EventStream stream_of(pqxx::row const& row) {
    EventStream s;
    s.id = row[0].as<std::string>();
    s.tenant_id = row[1].as<std::string>();
    s.name = row[2].as<std::string>();
    s.delivery = row[3].as<std::string>();
    s.endpoint = row[4].as<std::string>();
    s.authorization = row[5].as<std::string>();
    s.event_uris = detail::strings_of_json_array(row[6].c_str());
    s.full_data = row[7].as<bool>();
    s.state = row[8].as<std::string>();
    s.retry_seconds = row[9].as<int>();
    s.attempts = row[10].as<int>();
    s.failing_since = row[11].is_null() ? "" : row[11].as<std::string>();
    s.last_error = row[12].as<std::string>();
    s.next_attempt_at = row[13].is_null() ? "" : row[13].as<std::string>();
    s.pending = row[14].as<std::int64_t>();
    s.oldest_pending_seconds = row[15].as<double>();
    return s;
}

}  // namespace

EventStream EventRepository::create_stream(EventStream const& s) {
    std::vector<std::string> names{"delivery", "name", "retry"};
    if (!s.endpoint.empty()) names.emplace_back("endpoint");
    if (!s.authorization.empty()) names.emplace_back("secret");
    if (!s.event_uris.empty()) names.emplace_back("events");
    if (s.full_data) names.emplace_back("full");
    std::sort(names.begin(), names.end());
    try {
        auto const row = detail::exec_sql1(
            tx_,
            "WITH s AS (INSERT INTO event_streams (tenant_id, name, delivery, endpoint, auth_header, event_uris,"
            " full_data, retry_seconds) SELECT $1, $2, $3, $4, $5, ARRAY(SELECT json_array_elements_text($6::json)),"
            " $7, $8 RETURNING id, name, NULL::bigint AS version),"
            " c AS (" +
                detail::change_insert("s", scim::ResourceKind::event_stream, ChangeOperation::create, "$9", "s.name") +
                ") SELECT s.id FROM s",
            s.tenant_id, s.name, s.delivery, detail::or_null(s.endpoint), detail::or_null(s.authorization),
            detail::json_text_array(s.event_uris), s.full_data, s.retry_seconds, change_context_json(context_, names));
        auto out = s;
        out.id = row[0].as<std::string>();
        out.state = "active";
        return out;
    } catch (pqxx::unique_violation const&) {
        throw scim::Error::uniqueness("the tenant already has an event stream named \"" + s.name + "\"");
    }
}

std::vector<EventStream> EventRepository::list_streams(std::string const& tenant_id) {
    std::vector<EventStream> out;
    for (auto const& row : detail::exec_sql(
             tx_, "SELECT " + stream_columns + " FROM event_streams s WHERE s.tenant_id = $1 ORDER BY s.name",
             tenant_id))
        out.push_back(stream_of(row));
    return out;
}

std::optional<EventStream> EventRepository::find_stream(std::string const& tenant_id, std::string const& name) {
    auto const rows = detail::exec_sql(
        tx_, "SELECT " + stream_columns + " FROM event_streams s WHERE s.tenant_id = $1 AND s.name = $2", tenant_id,
        name);
    if (rows.empty()) return std::nullopt;
    return stream_of(rows[0]);
}

bool EventRepository::set_state(std::string const& tenant_id, std::string const& name, std::string const& state) {
    auto const rows = detail::exec_sql(
        tx_,
        "WITH s AS (UPDATE event_streams SET state = $3,"
        " attempts = CASE WHEN $3 = 'active' THEN 0 ELSE attempts END,"
        " failing_since = CASE WHEN $3 = 'active' THEN NULL ELSE failing_since END,"
        " next_attempt_at = CASE WHEN $3 = 'active' THEN now() ELSE next_attempt_at END"
        " WHERE tenant_id = $1 AND name = $2 RETURNING id, name, NULL::bigint AS version),"
        " c AS (" +
            detail::change_insert("s", scim::ResourceKind::event_stream, ChangeOperation::update, "$4", "s.name") +
            ") SELECT id FROM s",
        tenant_id, name, state, change_context_json(context_, {"state"}));
    return !rows.empty();
}

bool EventRepository::delete_stream(std::string const& tenant_id, std::string const& name) {
    return !detail::exec_sql(tx_,
                             "WITH s AS (DELETE FROM event_streams WHERE tenant_id = $1 AND name = $2"
                             "           RETURNING id, name, NULL::bigint AS version),"
                             " o AS (DELETE FROM event_outbox WHERE stream_id IN (SELECT id FROM s)),"
                             " c AS (" +
                                 detail::change_insert("s", scim::ResourceKind::event_stream, ChangeOperation::remove,
                                                       "$3", "s.name") +
                                 ") SELECT id FROM s",
                             tenant_id, name, change_context_json(context_))
                .empty();
}

void EventRepository::add_signing_key(SigningKey const& key) {
    detail::add_signing_key(tx_, "event_signing_keys", key);
}

std::optional<SigningKey> EventRepository::current_signing_key() {
    return detail::current_signing_key(tx_, "event_signing_keys");
}

std::vector<std::string> EventRepository::published_keys() {
    std::vector<std::string> out;
    for (auto const& row : detail::exec_sql(tx_,
                                            "SELECT public_jwk::text FROM event_signing_keys"
                                            " ORDER BY retired_at IS NOT NULL, created_at DESC"))
        out.push_back(row[0].as<std::string>());
    return out;
}

namespace {

// The first key of every delivery lock: advisory locks are one namespace per database, shared with anything else.
constexpr int delivery_lock_class = 0x5343494d;  // "SCIM"
std::string const due_condition =
    "s.delivery = 'push' AND s.state <> 'paused' AND s.next_attempt_at <= now()"
    " AND EXISTS (SELECT 1 FROM event_outbox o WHERE o.stream_id = s.id)";

}  // namespace

std::vector<DueStream> EventRepository::due_push_streams(int limit) {
    std::vector<DueStream> out;
    for (auto const& row : detail::exec_sql(tx_,
                                            "SELECT s.id, s.tenant_id, s.attempts FROM event_streams s WHERE " +
                                                due_condition + " ORDER BY s.attempts > 0, s.next_attempt_at LIMIT $1",
                                            limit))
        out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<int>()});
    return out;
}

bool EventRepository::try_lock_delivery(std::string const& stream_id) {
    return detail::exec_sql1(tx_, "SELECT pg_try_advisory_lock($1, hashtext($2))", delivery_lock_class, stream_id)[0]
        .as<bool>();
}

void EventRepository::unlock_delivery(std::string const& stream_id) {
    detail::exec_sql(tx_, "SELECT pg_advisory_unlock($1, hashtext($2))", delivery_lock_class, stream_id);
}

std::optional<EventStream> EventRepository::due_push_stream(std::string const& stream_id) {
    auto const rows =
        detail::exec_sql(tx_,
                         "SELECT " + stream_columns_without_counts +
                             ", 0::bigint, 0::float8 FROM event_streams s WHERE s.id = $1 AND " + due_condition,
                         stream_id);
    if (rows.empty()) return std::nullopt;
    return stream_of(rows[0]);
}

std::vector<PendingEvent> EventRepository::pending(std::string const& stream_id, int limit) {
    std::vector<PendingEvent> out;
    for (auto const& row : detail::exec_sql(
             tx_,
             "SELECT o.id, o.jti, array_to_json(o.events)::text, coalesce(o.external_id, ''), coalesce(o.data::text, "
             "''),"
             // A user's deactivation carries what the phone platform must cut off (extension, phones): read now.
             " coalesce(o.directory::text, CASE WHEN c.resource_type = 'User' AND"
             "   'urn:ietf:params:scim:event:prov:deactivate' = ANY (o.events) THEN (SELECT (u.data -> $3)::text"
             "   FROM users u WHERE u.tenant_id = c.tenant_id AND u.id = c.resource_id::uuid) END, ''),"
             " c.resource_type, c.resource_id, c.operation, c.version, coalesce(c.request_id, ''), c.id, " +
                 detail::rfc3339_sql("c.occurred_at") +
                 ", array_to_json(c.attributes)::text, extract(epoch FROM now() - c.occurred_at)::float8"
                 " FROM event_outbox o JOIN changes c ON c.id = o.change_id WHERE o.stream_id = $1 ORDER BY o.id LIMIT "
                 "$2",
             stream_id, limit, std::string(scim::urn::directory_user))) {
        PendingEvent e;
        e.outbox_id = row[0].as<std::int64_t>();
        e.jti = row[1].as<std::string>();
        e.events = detail::strings_of_json_array(row[2].c_str());
        e.external_id = row[3].as<std::string>();
        e.data = row[4].as<std::string>();
        e.directory = row[5].as<std::string>();
        e.resource_type = row[6].as<std::string>();
        e.resource_id = row[7].as<std::string>();
        e.operation = row[8].as<std::string>();
        if (!row[9].is_null()) e.version = row[9].as<std::int64_t>();
        e.request_id = row[10].as<std::string>();
        e.change_id = row[11].as<std::int64_t>();
        e.occurred_at = row[12].as<std::string>();
        e.attributes = detail::strings_of_json_array(row[13].c_str());
        e.age_seconds = row[14].as<double>();
        out.push_back(std::move(e));
    }
    return out;
}

void EventRepository::remove(std::vector<std::int64_t> const& outbox_ids) {
    if (outbox_ids.empty()) return;
    std::string list = "{";
    for (auto const id : outbox_ids) list += (list.size() > 1 ? "," : "") + std::to_string(id);
    detail::exec_sql(tx_, "DELETE FROM event_outbox WHERE id = ANY ($1::bigint[])", list + "}");
}

int EventRepository::acknowledge(std::string const& stream_id, std::vector<std::string> const& jtis) {
    if (jtis.empty()) return 0;
    return static_cast<int>(detail::exec_sql(tx_,
                                             "DELETE FROM event_outbox WHERE stream_id = $1 AND jti::text IN"
                                             " (SELECT json_array_elements_text($2::json)) RETURNING id",
                                             stream_id, detail::json_text_array(jtis))
                                .size());
}

void EventRepository::delivery_succeeded(std::string const& stream_id) {
    detail::exec_sql(tx_,
                     "UPDATE event_streams SET attempts = 0, failing_since = NULL, last_error = NULL,"
                     " state = CASE WHEN state = 'failing' THEN 'active' ELSE state END"
                     " WHERE id = $1 AND (attempts > 0 OR state = 'failing')",
                     stream_id);
}

bool EventRepository::delivery_failed(std::string const& stream_id, std::string const& error,
                                      std::int64_t retry_in_ms) {
    auto const rows =
        detail::exec_sql(tx_,
                         "WITH before AS (SELECT state FROM event_streams WHERE id = $1)"
                         " UPDATE event_streams s SET attempts = s.attempts + 1, last_error = $2,"
                         " failing_since = coalesce(s.failing_since, now()),"
                         " next_attempt_at = now() + make_interval(secs => $3::double precision / 1000),"
                         " state = CASE WHEN s.state = 'active' AND now() - coalesce(s.failing_since, now())"
                         " >= make_interval(secs => s.retry_seconds) THEN 'failing' ELSE s.state END"
                         " FROM before WHERE s.id = $1 RETURNING before.state <> 'failing' AND s.state = 'failing'",
                         stream_id, error, retry_in_ms);
    return !rows.empty() && rows[0][0].as<bool>();  // a stream deleted meanwhile has no row
}

std::int64_t EventRepository::failing_streams() {
    return detail::exec_sql1(tx_, "SELECT count(*) FROM event_streams WHERE state = 'failing'")[0].as<std::int64_t>();
}

}  // namespace storage
