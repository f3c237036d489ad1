// Resource rendering with attribute projection.
#include "scim/render.hpp"

#include "scim/etag.hpp"
#include "scim/text.hpp"

namespace scim {
namespace {

namespace json = boost::json;

// The parts of one complex value that the selection keeps below `path`.
json::object select_subs(Attribute const& attr, std::string const& path, json::object const& value,
                         Selection const& selection) {
    json::object out;
    for (auto const& sub : attr.sub_attributes) {
        auto const* v = value.if_contains(sub.name);
        if (!v) continue;
        auto const sub_path = path + "." + to_lower(sub.name);
        auto const picked = pick(selection, sub_path, sub.returned);
        if (picked != Pick::none) out[sub.name] = *v;
    }
    return out;
}

// The value of `attr` as the selection keeps it; null when nothing of it is kept.
json::value select_value(Attribute const& attr, std::string const& path, json::value const& value,
                         Selection const& selection) {
    auto const picked = pick(selection, path, attr.returned);
    if (picked == Pick::none) return nullptr;
    if (attr.type != AttributeType::complex) return value;
    // A whole complex value still loses the sub-attributes that are never returned.
    static Selection const everything{};
    auto const& sub_selection = picked == Pick::whole ? everything : selection;
    if (attr.multi_valued && value.is_array()) {
        json::array out;
        for (auto const& item : value.get_array()) {
            if (!item.is_object() || !selection.keeps_value(path, item)) continue;
            auto kept = select_subs(attr, path, item.get_object(), sub_selection);
            if (!kept.empty()) out.push_back(std::move(kept));
        }
        if (out.empty()) return nullptr;
        return out;
    }
    if (!value.is_object()) return nullptr;
    auto kept = select_subs(attr, path, value.get_object(), sub_selection);
    if (kept.empty()) return nullptr;
    return kept;
}

void put_attributes(json::object& out, std::vector<Attribute> const& attributes, json::object const& stored,
                    std::string const& prefix, Selection const& selection) {
    for (auto const& attr : attributes) {
        auto const* v = stored.if_contains(attr.name);
        if (!v) continue;
        auto selected = select_value(attr, prefix + to_lower(attr.name), *v, selection);
        if (!selected.is_null()) out[attr.name] = std::move(selected);
    }
}

}  // namespace

json::object render_resource(ResourceType const& type, SchemaRegistry const& registry, json::object const& stored,
                             ResourceMeta const& meta, Selection const& selection) {
    json::object out;
    json::array schemas{json::string(type.schema)};
    for (auto const& e : type.extensions)
        if (stored.contains(e.schema)) schemas.emplace_back(e.schema);
    out["schemas"] = std::move(schemas);
    out["id"] = meta.id;
    if (auto const* external = registry.common_attribute("externalId"))
        put_attributes(out, {*external}, stored, "", selection);
    put_attributes(out, registry.schema(type.schema)->attributes, stored, "", selection);
    for (auto const& e : type.extensions) {
        auto const* ext = stored.if_contains(e.schema);
        if (!ext || !ext->is_object()) continue;
        json::object kept;
        put_attributes(kept, registry.schema(e.schema)->attributes, ext->get_object(), to_lower(e.schema) + ":",
                       selection);
        if (!kept.empty()) out[e.schema] = std::move(kept);
    }
    if (auto const* meta_attr = registry.common_attribute("meta")) {
        json::object const full{{"resourceType", type.name},
                                {"created", meta.created},
                                {"lastModified", meta.last_modified},
                                {"location", meta.location},
                                {"version", weak_etag(meta.version)}};
        auto selected = select_value(*meta_attr, "meta", full, selection);
        if (!selected.is_null()) out["meta"] = std::move(selected);
    }
    return out;
}

}  // namespace scim
