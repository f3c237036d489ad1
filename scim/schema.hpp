// The schema registry: attribute definitions (RFC 7643 §2, §7) and resource types (§6), built from schemas/*.json.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "scim/embedded_file.hpp"

namespace scim {

enum class AttributeType { string, boolean, decimal, integer, date_time, binary, reference, complex };
enum class Mutability { read_only, read_write, immutable, write_only };
enum class Returned { always, never, by_default, request };
enum class Uniqueness { none, server, global };

/// One attribute definition (RFC 7643 §7). Sub-attributes only for complex attributes.
struct Attribute {
    std::string name;
    AttributeType type = AttributeType::string;
    bool multi_valued = false;
    bool required = false;
    bool case_exact = false;
    Mutability mutability = Mutability::read_write;
    Returned returned = Returned::by_default;
    Uniqueness uniqueness = Uniqueness::none;
    std::vector<std::string> canonical_values;
    std::vector<Attribute> sub_attributes;

    /// The sub-attribute of that name, compared case-insensitively; nullptr when there is none.
    Attribute const* find_sub(std::string_view sub_name) const noexcept;
};

/// A schema (RFC 7643 §7): its URN, its attributes and the document published at /Schemas/{id}.
struct Schema {
    std::string id;
    std::string name;
    std::vector<Attribute> attributes;
    boost::json::object document;

    Attribute const* find(std::string_view attribute_name) const noexcept;
};

struct SchemaExtension {
    std::string schema;
    bool required = false;
};

/// A resource type (RFC 7643 §6): endpoint, core schema, extensions and its published document.
struct ResourceType {
    std::string id;
    std::string name;
    std::string endpoint;  // "/Users"
    std::string schema;    // core schema URN
    std::vector<SchemaExtension> extensions;
    boost::json::object document;
};

/// All schemas and resource types the server knows. Lookups by URN are case-insensitive and accept
/// the aliases of schema_aliases.json.
class SchemaRegistry {
public:
    /// Builds the registry from the documents of schemas/.
    /// @throws std::runtime_error naming the file and the problem when a document is malformed.
    static SchemaRegistry from_documents(std::vector<EmbeddedFile> const& files);

    /// The registry of the schemas compiled into this binary.
    static SchemaRegistry const& builtin();

    Schema const* schema(std::string_view urn) const noexcept;
    std::vector<Schema> const& schemas() const noexcept { return schemas_; }
    ResourceType const* resource_type(std::string_view name) const noexcept;
    std::vector<ResourceType> const& resource_types() const noexcept { return resource_types_; }
    /// id, externalId and meta (RFC 7643 §3.1), shared by every resource type.
    std::vector<Attribute> const& common_attributes() const noexcept { return common_; }
    Attribute const* common_attribute(std::string_view name) const noexcept;
    /// The ServiceProviderConfig document as written in schemas/.
    boost::json::object const& service_provider_config() const noexcept { return service_provider_config_; }
    /// The published URN for `urn` (itself, or what an alias stands for); empty when unknown.
    std::string_view canonical_urn(std::string_view urn) const noexcept;

private:
    std::vector<Schema> schemas_;
    std::vector<ResourceType> resource_types_;
    std::vector<Attribute> common_;
    std::vector<std::pair<std::string, std::string>> aliases_;
    boost::json::object service_provider_config_;
};

}  // namespace scim
