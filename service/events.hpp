// The administrators' writes of change events: a tenant's event streams and the server's signing keys. Streams are
// validated here, whatever the caller: a push URL is http(s) with a host, event URIs are ones scimd publishes.
#pragma once

#include <string>
#include <vector>

#include <pqxx/transaction_base>

#include "service/writes.hpp"
#include "storage/event_repository.hpp"

namespace service {

/// What a new stream is: push to `endpoint` (with `authorization` as its Authorization header) or poll.
struct NewEventStream {
    std::string name;
    bool push = true;
    std::string endpoint;
    std::string authorization;
    std::vector<std::string> event_uris;  // empty: every event
    bool full_data = false;
    int retry_hours = 72;
};

/// @throws scim::Error 400 (a name, URL or event URI that is not one), 409 (the name is taken).
storage::EventStream create_event_stream(pqxx::transaction_base& tx, Caller const& caller, NewEventStream const& stream,
                                         std::vector<std::string> const& known_event_uris);
/// `state`: active (resume), paused. @throws scim::Error 404 when the tenant has no such stream.
void set_event_stream_state(pqxx::transaction_base& tx, Caller const& caller, std::string const& name,
                            std::string const& state);
/// @throws scim::Error 404 when the tenant has no such stream.
void delete_event_stream(pqxx::transaction_base& tx, Caller const& caller, std::string const& name);

}  // namespace service
