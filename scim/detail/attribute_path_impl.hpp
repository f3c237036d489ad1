// Template definitions of attribute path resolution.
#pragma once

#include <algorithm>

#include "scim/text.hpp"

namespace scim {

template <class MakeError>
ResolvedPath resolve_attribute_path(AttributePath const& path, ResourceType const& type, SchemaRegistry const& registry,
                                    MakeError unknown) {
    ResolvedPath out;
    auto const in_schema = [&](Schema const& schema) {
        out.schema = schema.id;
        out.in_extension = schema.id != type.schema;
        out.attribute = schema.find(path.attribute);
    };
    if (!path.urn.empty()) {
        auto const canonical = registry.canonical_urn(path.urn);
        bool const ours =
            canonical == type.schema || std::any_of(type.extensions.begin(), type.extensions.end(),
                                                    [&](SchemaExtension const& e) { return e.schema == canonical; });
        if (!ours)
            throw unknown("\"" + path.to_string() + "\" names a schema that " + type.name + " resources do not have");
        in_schema(*registry.schema(canonical));
        // A client may qualify a common attribute with the core URN ("urn:…:User:id").
        if (!out.attribute && canonical == type.schema) {
            out.schema.clear();
            out.in_extension = false;
            out.attribute = registry.common_attribute(path.attribute);
        }
    } else if (auto const* common = registry.common_attribute(path.attribute)) {
        out.attribute = common;
    } else {
        in_schema(*registry.schema(type.schema));
        for (auto it = type.extensions.begin(); !out.attribute && it != type.extensions.end(); ++it)
            in_schema(*registry.schema(it->schema));
    }
    if (!out.attribute) throw unknown("unknown attribute \"" + path.to_string() + "\" for " + type.name + " resources");
    if (!path.sub_attribute.empty()) {
        out.sub_attribute = out.attribute->find_sub(path.sub_attribute);
        if (!out.sub_attribute)
            throw unknown("unknown attribute \"" + path.to_string() + "\": " + out.attribute->name +
                          (out.attribute->type == AttributeType::complex
                               ? " has no sub-attribute \"" + path.sub_attribute + "\""
                               : " has no sub-attributes"));
    }
    return out;
}

template <class MakeError>
ResolvedPath resolve_sub_path(ResolvedPath const& parent, AttributePath const& path, MakeError unknown) {
    if (!path.urn.empty() || !path.sub_attribute.empty())
        throw unknown("inside " + parent.attribute->name + "[...] name a sub-attribute of " + parent.attribute->name +
                      ", not \"" + path.to_string() + "\"");
    ResolvedPath out = parent;
    out.sub_attribute = parent.attribute->find_sub(path.attribute);
    if (!out.sub_attribute)
        throw unknown("\"" + parent.attribute->name + "\" has no sub-attribute \"" + path.attribute + "\"");
    return out;
}

}  // namespace scim
