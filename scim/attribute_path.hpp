// Attribute paths (RFC 7644 §3.10): [schema URN ":"] attribute ["." sub-attribute], and their resolution
// against a resource type's schemas.
#pragma once

#include <string>
#include <string_view>

#include "scim/schema.hpp"

namespace scim {

/// A path as written, split into its parts; names keep the client's spelling until resolved.
struct AttributePath {
    std::string urn;  // schema URN when the path is qualified, else empty
    std::string attribute;
    std::string sub_attribute;  // empty when absent

    /// The path as text, e.g. "name.givenName" or "urn:…:User:department".
    std::string to_string() const;
};

/// Splits a path. URNs may contain dots ("…:2.0:User"), so the URN is everything before the last ':'.
/// @throws Error invalid_path (or the `error` factory given) when it is not a path.
AttributePath split_attribute_path(std::string_view text);

/// A path bound to the schema: which schema holds it and which attribute definitions it names.
struct ResolvedPath {
    std::string schema;         // published URN of the schema holding the attribute; empty for id/externalId/meta
    bool in_extension = false;  // the schema is an extension of the resource type
    Attribute const* attribute = nullptr;
    Attribute const* sub_attribute = nullptr;  // null when the path names the whole attribute

    /// The attribute the path ends at.
    Attribute const& target() const { return sub_attribute ? *sub_attribute : *attribute; }
    /// Canonical spelling: "name.givenName", "urn:…:User:department", "meta.lastModified".
    std::string to_string() const;
    bool is_common() const { return schema.empty(); }
};

/// Resolves `path` for resources of `type`: names are case-insensitive; an unqualified name is looked up in the
/// common attributes, then the core schema, then the extensions. Throws `unknown(detail)` when it names nothing.
template <class MakeError>
ResolvedPath resolve_attribute_path(AttributePath const& path, ResourceType const& type, SchemaRegistry const& registry,
                                    MakeError unknown);

/// Resolves a path relative to a complex attribute (inside a value filter such as `emails[type eq "work"]`).
template <class MakeError>
ResolvedPath resolve_sub_path(ResolvedPath const& parent, AttributePath const& path, MakeError unknown);

}  // namespace scim

#include "scim/detail/attribute_path_impl.hpp"
