// Parses the schema documents of schemas/ into Attribute trees.
#include "scim/schema.hpp"

#include <algorithm>
#include <stdexcept>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "scim/schema_documents.hpp"
#include "scim/text.hpp"

namespace scim {
namespace {

namespace json = boost::json;

[[noreturn]] void malformed(std::string_view file, std::string_view what) {
    throw std::runtime_error("schemas/" + std::string(file) + ": " + std::string(what));
}

std::string string_field(json::object const& o, std::string_view key, std::string_view file) {
    auto const* v = o.if_contains(key);
    if (!v || !v->is_string()) malformed(file, "missing string \"" + std::string(key) + "\"");
    return std::string(v->get_string());
}

bool bool_field(json::object const& o, std::string_view key, bool fallback) {
    auto const* v = o.if_contains(key);
    return v && v->is_bool() ? v->get_bool() : fallback;
}

template <class Enum, std::size_t N>
Enum enum_field(json::object const& o, std::string_view key, std::pair<std::string_view, Enum> const (&names)[N],
                Enum fallback, std::string_view file) {
    auto const* v = o.if_contains(key);
    if (!v) return fallback;
    if (v->is_string())
        for (auto const& [name, value] : names)
            if (v->get_string() == name) return value;
    malformed(file, "bad \"" + std::string(key) + "\" in " + json::serialize(o.at("name")));
}

constexpr std::pair<std::string_view, AttributeType> type_names[] = {
    {"string", AttributeType::string},       {"boolean", AttributeType::boolean},
    {"decimal", AttributeType::decimal},     {"integer", AttributeType::integer},
    {"dateTime", AttributeType::date_time},  {"binary", AttributeType::binary},
    {"reference", AttributeType::reference}, {"complex", AttributeType::complex},
};
constexpr std::pair<std::string_view, Mutability> mutability_names[] = {
    {"readOnly", Mutability::read_only},
    {"readWrite", Mutability::read_write},
    {"immutable", Mutability::immutable},
    {"writeOnly", Mutability::write_only},
};
constexpr std::pair<std::string_view, Returned> returned_names[] = {
    {"always", Returned::always},
    {"never", Returned::never},
    {"default", Returned::by_default},
    {"request", Returned::request},
};
constexpr std::pair<std::string_view, Uniqueness> uniqueness_names[] = {
    {"none", Uniqueness::none},
    {"server", Uniqueness::server},
    {"global", Uniqueness::global},
};

Attribute parse_attribute(json::object const& o, std::string_view file) {
    Attribute a;
    a.name = string_field(o, "name", file);
    a.type = enum_field(o, "type", type_names, AttributeType::string, file);
    a.multi_valued = bool_field(o, "multiValued", false);
    a.required = bool_field(o, "required", false);
    a.case_exact = bool_field(o, "caseExact", false);
    a.mutability = enum_field(o, "mutability", mutability_names, Mutability::read_write, file);
    a.returned = enum_field(o, "returned", returned_names, Returned::by_default, file);
    a.uniqueness = enum_field(o, "uniqueness", uniqueness_names, Uniqueness::none, file);
    if (auto const* values = o.if_contains("canonicalValues"); values && values->is_array())
        for (auto const& v : values->get_array())
            if (v.is_string()) a.canonical_values.emplace_back(v.get_string());
    if (auto const* subs = o.if_contains("subAttributes"); subs && subs->is_array())
        for (auto const& s : subs->get_array()) {
            if (!s.is_object()) malformed(file, "a sub-attribute of " + a.name + " is not an object");
            a.sub_attributes.push_back(parse_attribute(s.get_object(), file));
        }
    if (a.type == AttributeType::complex && a.sub_attributes.empty())
        malformed(file, "complex attribute " + a.name + " has no sub-attributes");
    return a;
}

std::vector<Attribute> parse_attributes(json::object const& doc, std::string_view file) {
    auto const* list = doc.if_contains("attributes");
    if (!list || !list->is_array()) malformed(file, "missing \"attributes\" array");
    std::vector<Attribute> out;
    for (auto const& a : list->get_array()) {
        if (!a.is_object()) malformed(file, "an attribute is not an object");
        out.push_back(parse_attribute(a.get_object(), file));
    }
    return out;
}

Attribute const* find_by_name(std::vector<Attribute> const& attributes, std::string_view name) noexcept {
    for (auto const& a : attributes)
        if (iequals(a.name, name)) return &a;
    return nullptr;
}

}  // namespace

Attribute const* Attribute::find_sub(std::string_view sub_name) const noexcept {
    return find_by_name(sub_attributes, sub_name);
}

Attribute const* Schema::find(std::string_view attribute_name) const noexcept {
    return find_by_name(attributes, attribute_name);
}

SchemaRegistry SchemaRegistry::from_documents(std::vector<EmbeddedFile> const& files) {
    SchemaRegistry r;
    for (auto const& [name, text] : files) {
        json::error_code ec;
        auto value = json::parse(text, ec);
        if (ec) malformed(name, "invalid JSON: " + ec.message());
        if (name == "resource_types.json") {
            if (!value.is_array()) malformed(name, "expected an array of resource types");
            for (auto const& item : value.get_array()) {
                if (!item.is_object()) malformed(name, "a resource type is not an object");
                auto const& o = item.get_object();
                ResourceType rt;
                rt.id = string_field(o, "id", name);
                rt.name = string_field(o, "name", name);
                rt.endpoint = string_field(o, "endpoint", name);
                rt.schema = string_field(o, "schema", name);
                if (auto const* exts = o.if_contains("schemaExtensions"); exts && exts->is_array())
                    for (auto const& e : exts->get_array())
                        if (e.is_object())
                            rt.extensions.push_back({string_field(e.get_object(), "schema", name),
                                                     bool_field(e.get_object(), "required", false)});
                rt.document = o;
                rt.document["meta"] =
                    json::object{{"resourceType", "ResourceType"}, {"location", "/ResourceTypes/" + rt.id}};
                r.resource_types_.push_back(std::move(rt));
            }
        } else if (name == "common.json") {
            if (!value.is_object()) malformed(name, "expected an object");
            r.common_ = parse_attributes(value.get_object(), name);
        } else if (name == "schema_aliases.json") {
            auto const* aliases = value.is_object() ? value.get_object().if_contains("aliases") : nullptr;
            if (!aliases || !aliases->is_object()) malformed(name, "missing \"aliases\" object");
            for (auto const& [alias, target] : aliases->get_object())
                if (target.is_string()) r.aliases_.emplace_back(std::string(alias), std::string(target.get_string()));
        } else if (name == "service_provider_config.json") {
            if (!value.is_object()) malformed(name, "expected an object");
            r.service_provider_config_ = value.get_object();
        } else {
            if (!value.is_object()) malformed(name, "expected a schema object");
            auto const& o = value.get_object();
            Schema s;
            s.id = string_field(o, "id", name);
            s.name = string_field(o, "name", name);
            s.attributes = parse_attributes(o, name);
            s.document = o;
            r.schemas_.push_back(std::move(s));
        }
    }
    for (auto const& rt : r.resource_types_) {
        if (!r.schema(rt.schema)) malformed("resource_types.json", rt.id + " names unknown schema " + rt.schema);
        for (auto const& e : rt.extensions)
            if (!r.schema(e.schema)) malformed("resource_types.json", rt.id + " names unknown extension " + e.schema);
    }
    if (r.common_.empty()) malformed("common.json", "missing");
    return r;
}

SchemaRegistry const& SchemaRegistry::builtin() {
    static SchemaRegistry const registry = from_documents(schema_documents::files());
    return registry;
}

std::string_view SchemaRegistry::canonical_urn(std::string_view urn) const noexcept {
    for (auto const& s : schemas_)
        if (iequals(s.id, urn)) return s.id;
    for (auto const& [alias, target] : aliases_)
        if (iequals(alias, urn)) return target;
    return {};
}

Schema const* SchemaRegistry::schema(std::string_view urn) const noexcept {
    auto const canonical = canonical_urn(urn);
    for (auto const& s : schemas_)
        if (s.id == canonical) return &s;
    return nullptr;
}

ResourceType const* SchemaRegistry::resource_type(std::string_view name) const noexcept {
    for (auto const& rt : resource_types_)
        if (iequals(rt.id, name)) return &rt;
    return nullptr;
}

Attribute const* SchemaRegistry::common_attribute(std::string_view name) const noexcept {
    return find_by_name(common_, name);
}

}  // namespace scim
