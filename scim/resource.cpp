// Input validation and normalisation of resources against the schema registry.
#include "scim/resource.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <unordered_set>

#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>

#include "scim/error.hpp"
#include "scim/text.hpp"
#include "scim/urns.hpp"
#include "scim/value_formats.hpp"

namespace scim {
namespace {

namespace json = boost::json;

std::string_view type_name(AttributeType t) {
    switch (t) {
        case AttributeType::string:
            return "a string";
        case AttributeType::boolean:
            return "a boolean";
        case AttributeType::decimal:
            return "a number";
        case AttributeType::integer:
            return "an integer";
        case AttributeType::date_time:
            return "a dateTime string such as \"2026-01-31T09:30:00Z\"";
        case AttributeType::binary:
            return "a base64 string";
        case AttributeType::reference:
            return "a URI string";
        case AttributeType::complex:
            return "an object";
    }
    return "a value";
}

bool is_blank(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
}

// Walks one body, collecting the canonical attributes; `path` names the place in errors.
class Reader {
public:
    Reader(ResourceType const& type, SchemaRegistry const& registry, ReadOptions const& options)
        : type_(type), registry_(registry), options_(options) {}

    ResourceInput read(json::object const& body) {
        check_schemas(body);
        for (auto const& [key, value] : body) {
            if (iequals(key, "schemas")) continue;
            read_member(key, value);
        }
        check_required();
        out_.ignored = std::move(ignored_);
        return std::move(out_);
    }

private:
    Schema const& core() const { return *registry_.schema(type_.schema); }

    // The extension schema of this resource type that `urn` names (or an alias of it); nullptr otherwise.
    Schema const* extension(std::string_view urn) const {
        auto const canonical = registry_.canonical_urn(urn);
        for (auto const& e : type_.extensions)
            if (e.schema == canonical) return registry_.schema(canonical);
        return nullptr;
    }

    void check_schemas(json::object const& body) {
        json::value const* schemas = nullptr;
        for (auto const& [key, value] : body)
            if (iequals(key, "schemas")) schemas = &value;
        if (!schemas || !schemas->is_array())
            throw Error::invalid_syntax("\"schemas\" must be an array listing \"" + type_.schema + "\"");
        bool has_core = false;
        for (auto const& urn : schemas->get_array()) {
            if (!urn.is_string()) throw Error::invalid_syntax("\"schemas\" must hold only URN strings");
            std::string_view const text = urn.get_string();
            if (iequals(text, type_.schema))
                has_core = true;
            else if (!extension(text) && known_schema(text))  // a URI the server does not know is not its business
                throw Error::invalid_syntax("\"schemas\" names \"" + std::string(text) +
                                            "\", which is not a schema of " + type_.name + " resources");
            else if (!extension(text) && options_.interop_profile)  // ... unless the tenant follows the profile
                throw Error::invalid_syntax("\"schemas\" names \"" + std::string(text) +
                                            "\", a schema this server does not define (this tenant follows the SCIM "
                                            "interoperability profile, which refuses undefined schemas)");
        }
        if (!has_core) throw Error::invalid_syntax("\"schemas\" must list \"" + type_.schema + "\"");
    }

    void read_member(std::string_view key, json::value const& value) {
        if (auto const* ext = extension(key)) {
            if (value.is_null()) return;
            if (!value.is_object())
                throw Error::invalid_syntax("\"" + std::string(key) + "\" must be an object of " + ext->name +
                                            " attributes");
            for (auto const& [name, inner] : value.get_object()) {
                auto const* attr = ext->find(name);
                if (!attr) {
                    unknown(ext->id + ":" + std::string(name));
                    continue;
                }
                store(ext->id, *attr, inner, ext->id + ":" + attr->name);
            }
            return;
        }
        if (is_schema_uri(key)) {
            // A URN-qualified attribute name: "<schema urn>:<attribute>".
            if (auto const colon = key.rfind(':'); colon != std::string_view::npos && istarts_with(key, "urn:")) {
                auto const urn = key.substr(0, colon), name = key.substr(colon + 1);
                if (iequals(urn, type_.schema)) return read_member(name, value);
                if (auto const* ext = extension(urn)) {
                    auto const* attr = ext->find(name);
                    if (!attr) return unknown(std::string(key));
                    return store(ext->id, *attr, value, ext->id + ":" + attr->name);
                }
                if (!known_schema(key) && !known_schema(urn)) return unknown_schema(key);
            } else if (!known_schema(key)) {
                return unknown_schema(key);  // an extension of a schema the server does not know
            }
            return unknown(std::string(key));
        }
        if (auto const* attr = core().find(key)) return store({}, *attr, value, attr->name);
        if (auto const* attr = registry_.common_attribute(key)) return store({}, *attr, value, attr->name);
        unknown(std::string(key));
    }

    bool known_schema(std::string_view uri) const { return !registry_.canonical_urn(uri).empty(); }

    // An attribute of a schema the server does not know: dropped and listed in any mode (Entra and Okta send their
    // own), but refused under the interoperability profile.
    void unknown_schema(std::string_view key) {
        if (options_.interop_profile) return unknown(std::string(key));
        ignored_.add(key);
    }

    // An attribute the resource type does not define: dropped and listed, or refused, as the tenant chose.
    void unknown(std::string const& path) {
        if (options_.unknown == UnknownAttributes::reject || options_.interop_profile)
            throw Error::invalid_syntax("unknown attribute \"" + path + "\" for " + type_.name + " resources");
        ignored_.add(without_indexes(path));
    }

    // "emails[2].display" -> "emails.display": the attribute's name, not where it was in this body.
    static std::string without_indexes(std::string const& path) {
        std::string out;
        bool in_index = false;
        for (char c : path) {
            if (c == '[')
                in_index = true;
            else if (c == ']')
                in_index = false;
            else if (!in_index)
                out += c;
        }
        return out;
    }

    // Puts a top-level attribute into the output (under `extension_urn` when not empty).
    void store(std::string const& extension_urn, Attribute const& attr, json::value const& value,
               std::string const& path) {
        if (attr.mutability == Mutability::read_only) return;
        if (!seen_.insert(path).second) throw Error::invalid_syntax("attribute \"" + path + "\" is given twice");
        if (attr.mutability == Mutability::write_only) {
            if (value.is_null()) return;
            if (!value.is_string()) throw Error::invalid_value("\"" + path + "\" must be a string");
            if (attr.name == "password") {
                if (options_.interop_profile)
                    throw Error::invalid_syntax(
                        "\"password\" is not supported: this tenant follows the OpenID IPSIE SCIM profile, under "
                        "which passwords are not provisioned");
                out_.password = std::string(value.get_string());
            }
            return;
        }
        auto normalized = normalize(attr, value, path);
        if (normalized.is_null()) return;
        json::object& target = extension_urn.empty() ? out_.attributes : extension_object(extension_urn);
        target[attr.name] = std::move(normalized);
    }

    json::object& extension_object(std::string const& urn) {
        auto& slot = out_.attributes[urn];
        if (!slot.is_object()) slot = json::object{};
        return slot.get_object();
    }

    // The canonical value for `attr`, or null when the value means unassigned.
    json::value normalize(Attribute const& attr, json::value const& value, std::string const& path) {
        if (value.is_null()) return nullptr;
        if (!attr.multi_valued) return normalize_single(attr, value, path);
        auto const limit = attr.name == "members" ? options_.max_members : options_.max_values;
        if (value.is_array() && value.get_array().size() > limit)
            throw Error::invalid_value("\"" + path + "\" has " + std::to_string(value.get_array().size()) +
                                       " values; a request may give at most " + std::to_string(limit));
        json::array out;
        std::unordered_set<json::value> seen;  // repeated values count once, at the cost of one lookup each
        auto const add = [&](json::value const& item, std::string const& item_path) {
            if (item.is_array()) throw Error::invalid_value("\"" + item_path + "\" must not be an array");
            auto v = normalize_single(attr, item, item_path);
            if (v.is_null() || !seen.insert(v).second) return;
            out.push_back(std::move(v));
        };
        if (value.is_array()) {
            auto const& items = value.get_array();
            for (std::size_t i = 0; i < items.size(); ++i) add(items[i], path + "[" + std::to_string(i) + "]");
        } else {
            add(value, path);  // some clients send one value where the schema has a list
        }
        if (attr.type == AttributeType::complex) {
            auto const primaries = std::count_if(out.begin(), out.end(), [](json::value const& v) {
                auto const* p = v.get_object().if_contains("primary");
                return p && p->is_bool() && p->get_bool();
            });
            if (primaries > 1)
                throw Error::invalid_value("\"" + path + "\" has more than one value with \"primary\": true");
        }
        if (out.empty()) return nullptr;
        return out;
    }

    json::value normalize_single(Attribute const& attr, json::value const& value, std::string const& path) {
        if (value.is_null()) return nullptr;
        auto const wrong_type = [&] {
            return Error::invalid_value("\"" + path + "\" must be " + std::string(type_name(attr.type)) + ", not " +
                                        json::serialize(value));
        };
        switch (attr.type) {
            case AttributeType::complex: {
                if (value.is_string() && attr.find_sub("value"))  // e.g. "manager": "<id>"
                    return normalize_single(attr, json::object{{"value", value}}, path);
                if (!value.is_object()) throw wrong_type();
                json::object out;
                for (auto const& [name, inner] : value.get_object()) {
                    auto const* sub = attr.find_sub(name);
                    if (!sub) {
                        unknown(path + "." + std::string(name));
                        continue;
                    }
                    auto const sub_path = path + "." + sub->name;
                    if (sub->mutability == Mutability::read_only) continue;
                    if (out.contains(sub->name))
                        throw Error::invalid_syntax("attribute \"" + sub_path + "\" is given twice");
                    if (auto v = normalize(*sub, inner, sub_path); !v.is_null()) out[sub->name] = std::move(v);
                }
                for (auto const& sub : attr.sub_attributes)
                    if (sub.required && sub.mutability != Mutability::read_only && !out.contains(sub.name) &&
                        !out.empty())
                        throw Error::invalid_value("\"" + path + "." + sub.name + "\" is required");
                if (out.empty()) return nullptr;
                return out;
            }
            case AttributeType::boolean:
                if (value.is_bool()) return value;
                // Microsoft Entra ID sends booleans as the strings "True" and "False".
                if (value.is_string()) {
                    if (iequals(value.get_string(), "true")) return true;
                    if (iequals(value.get_string(), "false")) return false;
                }
                throw wrong_type();
            case AttributeType::integer:
                if (value.is_int64()) return value;
                if (value.is_uint64() && value.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
                    return static_cast<std::int64_t>(value.get_uint64());
                throw wrong_type();
            case AttributeType::decimal:
                if (value.is_number()) return value;
                throw wrong_type();
            case AttributeType::date_time:
                if (value.is_string() && is_date_time(value.get_string())) return value;
                throw wrong_type();
            case AttributeType::binary:
                if (value.is_string() && is_base64(value.get_string())) return value;
                throw wrong_type();
            case AttributeType::string:
            case AttributeType::reference: {
                if (!value.is_string()) throw wrong_type();
                std::string_view const text = value.get_string();
                if (attr.required && is_blank(text)) throw Error::invalid_value("\"" + path + "\" must not be empty");
                check_text(text, path);
                if (attr.canonical_values.empty()) return value;
                for (auto const& canonical : attr.canonical_values)
                    if (iequals(canonical, text)) return json::string(canonical);
                std::string allowed;
                for (auto const& canonical : attr.canonical_values)
                    allowed += (allowed.empty() ? "\"" : ", \"") + canonical + "\"";
                throw Error::invalid_value("\"" + path + "\" is \"" + std::string(text) + "\"; it must be one of " +
                                           allowed);
            }
        }
        throw wrong_type();
    }

    // PostgreSQL's text holds no NUL; an index entry must fit its page (the attributes with uniqueness or an index).
    void check_text(std::string_view text, std::string const& path) const {
        if (text.find('\0') != std::string_view::npos)
            throw Error::invalid_value("\"" + path + "\" contains a NUL character (\\u0000), which no text may hold");
        if (text.size() > max_indexed_bytes && is_indexed(path))
            throw Error::invalid_value("\"" + path + "\" is " + std::to_string(text.size()) + " bytes long; at most " +
                                       std::to_string(max_indexed_bytes) + " are accepted");
    }

    // The attributes stored in an index (storage/migrations), or compared with one, by path without value indexes.
    static bool is_indexed(std::string const& path) {
        auto const plain = without_indexes(path);
        for (std::string_view const name : {"userName", "externalId", "displayName", "emails.value", "name"})
            if (plain == name) return true;
        return plain.ends_with(":site") || plain.ends_with(":licenses");
    }

    void check_required() const {
        auto const check = [&](Schema const& schema, json::object const& attrs) {
            for (auto const& attr : schema.attributes)
                if (attr.required && attr.mutability != Mutability::read_only &&
                    (attr.mutability == Mutability::write_only ? !out_.password : !attrs.contains(attr.name)))
                    throw Error::invalid_value("\"" + attr.name + "\" is required for " + type_.name + " resources");
        };
        check(core(), out_.attributes);
        for (auto const& e : type_.extensions) {
            auto const* attrs = out_.attributes.if_contains(e.schema);
            if (e.required && !attrs)
                throw Error::invalid_value("the extension \"" + e.schema + "\" is required for " + type_.name +
                                           " resources");
            if (attrs) check(*registry_.schema(e.schema), attrs->get_object());
        }
    }

    ResourceType const& type_;
    SchemaRegistry const& registry_;
    ReadOptions const& options_;
    ResourceInput out_;
    IgnoredAttributes ignored_;
    std::set<std::string> seen_;
};

// Immutable attributes (RFC 7643 §2.2) may be set once; afterwards a replace must repeat the value or omit it.
void keep_immutable(Schema const& schema, json::object const& stored, json::object& replacement,
                    std::string_view prefix) {
    for (auto const& attr : schema.attributes) {
        if (attr.mutability != Mutability::immutable) continue;
        auto const* old_value = stored.if_contains(attr.name);
        if (!old_value) continue;
        auto const* new_value = replacement.if_contains(attr.name);
        if (!new_value) {
            replacement[attr.name] = *old_value;
        } else if (*new_value != *old_value) {
            throw Error::mutability("\"" + std::string(prefix) + attr.name + "\" is immutable and cannot change");
        }
    }
}

}  // namespace

json::object parse_json_object(std::string_view body) {
    json::parse_options options;
    options.max_depth = 64;
    json::parser parser(json::storage_ptr(), options);
    json::error_code ec;
    auto const consumed = parser.write(body.data(), body.size(), ec);
    if (ec) {
        throw Error::invalid_syntax("the request body is not valid JSON (" + ec.message() + " at byte " +
                                    std::to_string(consumed) + ")");
    }
    auto value = parser.release();
    if (!value.is_object()) throw Error::invalid_syntax("the request body must be a JSON object");
    return std::move(value.get_object());
}

ResourceInput read_resource(json::object const& body, ResourceType const& type, SchemaRegistry const& registry,
                            ReadOptions const& options) {
    return Reader(type, registry, options).read(body);
}

bool is_schema_uri(std::string_view key) noexcept {
    return istarts_with(key, "urn:") || istarts_with(key, "http://") || istarts_with(key, "https://");
}

json::object merge_for_replace(json::object const& stored, json::object replacement, ResourceType const& type,
                               SchemaRegistry const& registry) {
    keep_immutable(*registry.schema(type.schema), stored, replacement, "");
    for (auto const& e : type.extensions) {
        auto const* old_ext = stored.if_contains(e.schema);
        if (!old_ext || !old_ext->is_object()) continue;
        auto* new_ext = replacement.if_contains(e.schema);
        if (e.schema == urn::directory_user) {
            // The directory assignments are the admins': a replace that does not mention one keeps it.
            json::object merged = old_ext->get_object();
            if (new_ext && new_ext->is_object())
                for (auto const& [name, v] : new_ext->get_object()) merged[name] = v;
            replacement[e.schema] = std::move(merged);
            continue;
        }
        json::object empty;
        json::object& target = new_ext && new_ext->is_object() ? new_ext->get_object() : empty;
        keep_immutable(*registry.schema(e.schema), old_ext->get_object(), target, e.schema + ":");
        if (!target.empty() && !new_ext) replacement[e.schema] = std::move(target);
    }
    return replacement;
}

}  // namespace scim
