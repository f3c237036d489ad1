// Reading a resource from a request body: names resolved case-insensitively to the schema's spelling, values
// checked and coerced by type (RFC 7643 §2), server-owned attributes dropped, and the replace (PUT) merge rules.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "scim/schema.hpp"
#include "scim/unknown_attributes.hpp"

namespace scim {

/// What a client may write to a resource, in canonical form: core attributes and externalId at the top,
/// each extension's attributes in an object under its published URN. Never holds id, meta, schemas, readOnly
/// or writeOnly attributes.
struct ResourceInput {
    boost::json::object attributes;
    /// The writeOnly `password`, when sent; the caller hashes it and it is never stored as given.
    std::optional<std::string> password;
    /// What the body named that the resource type does not have, dropped under UnknownAttributes::ignore.
    IgnoredAttributes ignored;
};

/// How a request body is read: the tenant's unknown-attribute policy and the bounds on multi-valued attributes,
/// which keep the work of reading a body proportional to its size.
struct ReadOptions {
    UnknownAttributes unknown = UnknownAttributes::reject;
    std::size_t max_values = 1000;     // values of one multi-valued attribute, a group's members aside
    std::size_t max_members = 100000;  // values of a group's `members`
    // The SCIM interoperability profile (a tenant's strict profile): unknown attributes and schema URIs are refused
    // whatever `unknown` says, so is `password` (OpenID IPSIE AL2), and so is a PATCH operation without a path.
    bool interop_profile = false;
};

/// Parses a JSON request body. @throws Error 400 invalidSyntax when it is not a JSON object.
boost::json::object parse_json_object(std::string_view body);

/// Validates a resource of type `type` for a create or a full replace:
/// - `schemas` must list the core schema; URIs the server does not know are ignored (Entra adds its own), and a
///   schema the server has must belong to the resource type;
/// - attribute names match case-insensitively, also when URN-qualified ("urn:…:enterprise:2.0:User:department");
/// - an attribute, sub-attribute or extension attribute the type does not define is dropped and listed in
///   `ignored` under UnknownAttributes::ignore, and refused under reject; an object (or a URN-qualified name)
///   under a schema URI the server does not know is always dropped and listed;
/// - values are checked against the attribute's type; "True"/"False" strings are accepted for booleans, a bare
///   string for a complex attribute that has a `value` sub-attribute, a single value for a multi-valued one;
/// - canonical values are matched case-insensitively and stored in the schema's spelling;
/// - null and empty values mean unassigned (RFC 7643 §2.5); readOnly attributes are ignored;
/// - required attributes must be present and non-blank; at most one `primary: true` per multi-valued attribute;
/// - a multi-valued attribute holds at most `options.max_values` values (`members`: `options.max_members`);
///   repeated values count once;
/// - strings hold no NUL character, and the attributes PostgreSQL indexes are at most max_indexed_bytes long.
/// @throws Error 400 invalidSyntax (unknown attribute, missing schemas) or invalidValue (bad value), naming it.
ResourceInput read_resource(boost::json::object const& body, ResourceType const& type, SchemaRegistry const& registry,
                            ReadOptions const& options = {});

/// The longest value, in bytes of UTF-8, of an attribute the database indexes (userName, externalId, displayName,
/// e-mail addresses, a site's name): an index entry must fit in a third of a PostgreSQL page.
inline constexpr std::size_t max_indexed_bytes = 1024;

/// Whether `key` looks like a schema URI rather than an attribute name: "urn:…", or an absolute http(s) URI such as
/// Microsoft's "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group".
bool is_schema_uri(std::string_view key) noexcept;

/// The attributes a full replace (PUT, RFC 7644 §3.5.1) leaves stored: the new input, except that immutable
/// attributes must keep their value and the directory extension's attributes the client did not send are kept
/// (identity providers own a person's name and email, not their licences and numbers).
/// @throws Error 400 mutability when an immutable attribute would change.
boost::json::object merge_for_replace(boost::json::object const& stored, boost::json::object replacement,
                                      ResourceType const& type, SchemaRegistry const& registry);

}  // namespace scim
