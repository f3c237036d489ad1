// The claims of an RFC 9967 Security Event Token for one change of one resource (RFC 8417 claims, with sub_id of
// format "scim" from RFC 9493): built from the change record and the outbox row, never from the resource's state now.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/event_repository.hpp"

namespace server {

/// The directory extension's event URIs begin with this: "site", "licenses", "extensionNumber", "didNumbers" (a user's
/// attribute changed; the payload has its new value), "number:claim" and "number:release" (a tenant's number pool).
extern std::string const directory_event_prefix;

/// The SCIM endpoint of a resource type, "User" -> "/Users".
std::string endpoint_of(std::string_view resource_type);

/// The claims of `event` as JSON: jti, iat, iss, aud, txn, sub_id {format, uri, id, externalId}, events, where each
/// :notice event carries the changed attribute names and the version, each :full the resource and the version.
std::string set_claims(storage::PendingEvent const& event, std::string const& issuer, std::string const& audience,
                       std::int64_t issued_at);

/// Every event URI scimd publishes, for ServiceProviderConfig's securityEvents.eventUris and stream validation.
std::vector<std::string> const& published_event_uris();

}  // namespace server
