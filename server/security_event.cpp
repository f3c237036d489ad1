// Building SET claims.
#include "server/security_event.hpp"

#include <boost/json.hpp>

#include "scim/etag.hpp"
#include "scim/urns.hpp"

namespace server {

namespace json = boost::json;

std::string const directory_event_prefix = "urn:ietf:params:scim:schemas:extension:8x8:1.1:event:";

std::string endpoint_of(std::string_view resource_type) {
    if (resource_type == "License") return "/Licenses";
    return "/" + std::string(resource_type) + "s";  // Users, Groups, Sites
}

std::vector<std::string> const& published_event_uris() {
    static std::vector<std::string> const uris = {"urn:ietf:params:scim:event:prov:create:notice",
                                                  "urn:ietf:params:scim:event:prov:create:full",
                                                  "urn:ietf:params:scim:event:prov:put:notice",
                                                  "urn:ietf:params:scim:event:prov:put:full",
                                                  "urn:ietf:params:scim:event:prov:patch:notice",
                                                  "urn:ietf:params:scim:event:prov:patch:full",
                                                  "urn:ietf:params:scim:event:prov:delete",
                                                  "urn:ietf:params:scim:event:prov:activate",
                                                  "urn:ietf:params:scim:event:prov:deactivate",
                                                  directory_event_prefix + "site",
                                                  directory_event_prefix + "licenses",
                                                  directory_event_prefix + "extensionNumber",
                                                  directory_event_prefix + "didNumbers",
                                                  directory_event_prefix + "number:claim",
                                                  directory_event_prefix + "number:release"};
    return uris;
}

namespace {

// The payload of a directory event on a user: the attribute it is about as the write left it (null once removed).
json::object directory_payload(std::string_view attribute, json::object const& directory) {
    json::object payload;
    auto const value_of = [&](std::string_view name) {
        auto const* v = directory.if_contains(name);
        return v ? *v : json::value(nullptr);
    };
    payload[attribute] = value_of(attribute);
    if (attribute == "extensionNumber") payload["fqExtensionNumber"] = value_of("fqExtensionNumber");
    return payload;
}

}  // namespace

std::string set_claims(storage::PendingEvent const& e, std::string const& issuer, std::string const& audience,
                       std::int64_t issued_at) {
    json::object sub_id;
    if (e.resource_type == "Number") {  // a number of the tenant's pool: not a SCIM resource (RFC 9493 §3.2.6)
        sub_id = {{"format", "phone_number"}, {"phone_number", e.resource_id}};
    } else {
        sub_id = {
            {"format", "scim"}, {"uri", endpoint_of(e.resource_type) + "/" + e.resource_id}, {"id", e.resource_id}};
        if (!e.external_id.empty()) sub_id["externalId"] = e.external_id;
    }
    json::object directory;
    if (!e.directory.empty()) {
        boost::system::error_code ec;
        auto parsed = json::parse(e.directory, ec);
        if (!ec && parsed.is_object()) directory = std::move(parsed.as_object());
    }
    json::object events;
    for (auto const& uri : e.events) {
        json::object payload;
        if (uri.starts_with(directory_event_prefix)) {
            auto const name = std::string_view(uri).substr(directory_event_prefix.size());
            if (name.starts_with("number:"))
                payload["number"] = e.resource_id;
            else
                payload = directory_payload(name, directory);
            events[uri] = std::move(payload);
            continue;
        }
        auto const ends_with = [&](std::string_view suffix) {
            return uri.size() >= suffix.size() && uri.compare(uri.size() - suffix.size(), suffix.size(), suffix) == 0;
        };
        if (ends_with(":notice")) {
            json::array names;
            for (auto const& a : e.attributes) names.emplace_back(a);
            payload["attributes"] = std::move(names);
        } else if (ends_with(":full")) {
            boost::system::error_code ec;
            auto data = json::parse(e.data, ec);
            payload["data"] = ec ? json::value(json::object{}) : std::move(data);
        }
        if ((ends_with(":notice") || ends_with(":full")) && e.version) payload["version"] = scim::weak_etag(*e.version);
        if (ends_with(":deactivate") && !directory.empty()) {
            // What a phone platform must end for a deactivated person: registrations of their extension and phones.
            json::object held;
            for (auto const* name : {"extensionNumber", "fqExtensionNumber", "didNumbers"})
                if (auto const* v = directory.if_contains(name)) held[name] = *v;
            if (auto const* devices = directory.if_contains("devices"); devices && devices->is_array()) {
                json::array phones;
                for (auto const& d : devices->get_array()) {
                    if (!d.is_object()) continue;
                    json::object phone;
                    for (auto const* name : {"value", "macAddress"})
                        if (auto const* v = d.get_object().if_contains(name)) phone[name] = *v;
                    phones.push_back(std::move(phone));
                }
                held["devices"] = std::move(phones);
            }
            payload[scim::urn::directory_user] = std::move(held);
        }
        events[uri] = std::move(payload);
    }
    json::object claims{{"jti", e.jti},
                        {"iat", issued_at},
                        {"iss", issuer},
                        {"aud", audience},
                        {"txn", e.request_id.empty() ? "change-" + std::to_string(e.change_id) : e.request_id},
                        {"sub_id", std::move(sub_id)},
                        {"events", std::move(events)}};
    return json::serialize(claims);
}

}  // namespace server
