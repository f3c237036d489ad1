// Event streams: validation and storage.
#include "service/events.hpp"

#include <algorithm>

#include "scim/error.hpp"

namespace service {

namespace {

bool is_http_url(std::string const& url) {
    for (std::string_view scheme : {"http://", "https://"})
        if (url.rfind(scheme, 0) == 0 && url.size() > scheme.size() && url[scheme.size()] != '/') return true;
    return false;
}

bool valid_name(std::string const& name) {
    if (name.empty() || name.size() > 64) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
}

}  // namespace

storage::EventStream create_event_stream(pqxx::transaction_base& tx, Caller const& caller, NewEventStream const& s,
                                         std::vector<std::string> const& known_event_uris) {
    if (!valid_name(s.name))
        throw scim::Error::invalid_value("an event stream name is 1 to 64 letters, digits, '-' and '_', not \"" +
                                         s.name + "\"");
    if (s.push && !is_http_url(s.endpoint))
        throw scim::Error::invalid_value("a push stream needs the receiver's http:// or https:// URL, not \"" +
                                         s.endpoint + "\"");
    for (auto const& uri : s.event_uris)
        if (std::find(known_event_uris.begin(), known_event_uris.end(), uri) == known_event_uris.end())
            throw scim::Error::invalid_value("\"" + uri +
                                             "\" is not an event scimd publishes; see securityEvents."
                                             "eventUris in /ServiceProviderConfig");
    if (s.retry_hours < 1 || s.retry_hours > 24 * 30)
        throw scim::Error::invalid_value("the retry time is 1 to 720 hours");
    storage::EventStream stream;
    stream.tenant_id = caller.change.tenant_id;
    stream.name = s.name;
    stream.delivery = s.push ? "push" : "poll";
    stream.endpoint = s.push ? s.endpoint : "";
    stream.authorization = s.push ? s.authorization : "";
    stream.event_uris = s.event_uris;
    stream.full_data = s.full_data;
    stream.retry_seconds = s.retry_hours * 3600;
    return storage::EventRepository(tx, caller.change).create_stream(stream);
}

void set_event_stream_state(pqxx::transaction_base& tx, Caller const& caller, std::string const& name,
                            std::string const& state) {
    if (!storage::EventRepository(tx, caller.change).set_state(caller.change.tenant_id, name, state))
        throw scim::Error::not_found("the tenant has no event stream \"" + name + "\"");
}

void delete_event_stream(pqxx::transaction_base& tx, Caller const& caller, std::string const& name) {
    if (!storage::EventRepository(tx, caller.change).delete_stream(caller.change.tenant_id, name))
        throw scim::Error::not_found("the tenant has no event stream \"" + name + "\"");
}

}  // namespace service
