// The PATCH engine (RFC 7644 §3.5.2) and the request shapes real clients send (shared/CLIENTS.md). Pure: it turns
// a stored resource and a PatchOp request into the new stored resource, or throws and changes nothing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "scim/filter_binding.hpp"
#include "scim/resource.hpp"
#include "scim/schema.hpp"
#include "scim/unknown_attributes.hpp"

namespace scim {

enum class PatchOpKind { add, replace, remove };

struct PatchOperation {
    PatchOpKind op = PatchOpKind::add;
    std::optional<std::string> path;
    boost::json::value value;  // null when absent
};

struct PatchRequest {
    std::vector<PatchOperation> operations;
};

/// Reads a PatchOp body: `schemas` must list urn:ietf:params:scim:api:messages:2.0:PatchOp; `Operations` is a
/// non-empty array; `op` names are case-insensitive ("Replace" is replace).
/// @throws Error invalid_syntax naming what is wrong.
PatchRequest parse_patch_request(boost::json::object const& body);

/// The password a request sets, if any (by path "password" or a path-less value), so it can be hashed before the
/// transaction that applies the request.
std::optional<std::string> patch_password(PatchRequest const& request);

/// Takes out of `request` what names attributes resources of `type` do not have, and lists it: operations whose path
/// names an unknown attribute or sub-attribute, keys of path-less values, and sub-attributes inside values. Under
/// UnknownAttributes::reject only what lies under a schema URI the server does not know is taken out (the rest is
/// left for apply_patch to refuse). Pure, so a handler knows what was ignored before its transaction starts.
IgnoredAttributes drop_unknown_attributes(PatchRequest& request, ResourceType const& type,
                                          SchemaRegistry const& registry, UnknownAttributes unknown);

/// A PATCH path bound to the schema (RFC 7644 §3.5.2 PATH): `attr`, `attr.sub`, `urn:…:attr[.sub]`,
/// `attr[filter]` and `attr[filter].sub`.
struct PatchPath {
    ResolvedPath target;                // sub_attribute set for `attr.sub` and `attr[filter].sub`
    std::optional<BoundFilter> filter;  // the value filter, when the path has one
};

/// @throws Error invalid_path (or invalid_filter for a bad value filter).
PatchPath parse_patch_path(std::string_view text, ResourceType const& type, SchemaRegistry const& registry);

struct PatchOutcome {
    boost::json::object attributes;       // the new stored resource, validated like a create
    std::optional<std::string> password;  // set by the request; hash it and store it
    bool changed = false;                 // false: the request changes nothing (keep the version)
};

/// Applies every operation of `request`, in order, to a copy of `stored`, then validates the result against the
/// schema. Read-only attributes inside path-less values are ignored (Okta repeats "id"); named by a path, they are
/// refused. Client quirks accepted: path-less add/replace with dotted or URN-qualified keys, `add` on a
/// single-valued attribute as replace, "True"/"False" strings, a bare id for `manager`, `remove` of a multi-valued
/// attribute with a value list removing only those values, add/replace on `emails[type eq "work"].value` creating
/// the element when none matches.
/// @throws Error mutability (readOnly, immutable, required), invalid_path, no_target, invalid_value, invalid_syntax.
PatchOutcome apply_patch(boost::json::object const& stored, PatchRequest const& request, ResourceType const& type,
                         SchemaRegistry const& registry, ReadOptions const& options = {});

}  // namespace scim
