// Rendering a stored resource as the client sees it: schemas, id, attributes in schema order, extensions, meta.
#pragma once

#include <cstdint>
#include <string>

#include <boost/json/object.hpp>

#include "scim/projection.hpp"
#include "scim/schema.hpp"

namespace scim {

/// What the server owns of a resource, rendered as `id` and `meta` (RFC 7643 §3.1).
struct ResourceMeta {
    std::string id;
    std::string created;  // RFC 3339 UTC, e.g. "2026-11-21T10:00:00.123Z"
    std::string last_modified;
    std::string location;      // absolute URI of the resource
    std::int64_t version = 1;  // rendered as the weak ETag W/"<version>"
};

/// The resource of type `type` whose client-owned attributes are `stored` (the canonical form of
/// read_resource, plus computed attributes such as a User's groups), with `meta`, keeping what `selection`
/// and each attribute's `returned` characteristic allow. `id` and `schemas` are always present.
boost::json::object render_resource(ResourceType const& type, SchemaRegistry const& registry,
                                    boost::json::object const& stored, ResourceMeta const& meta,
                                    Selection const& selection);

}  // namespace scim
