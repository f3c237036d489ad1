// PATCH operations on the canonical stored form of a resource.
#include "scim/patch.hpp"

#include <algorithm>
#include <unordered_set>

#include <boost/json/serialize.hpp>

#include "scim/error.hpp"
#include "scim/filter_eval.hpp"
#include "scim/filter_parser.hpp"
#include "scim/resource.hpp"
#include "scim/text.hpp"
#include "scim/urns.hpp"

namespace scim {
namespace {

namespace json = boost::json;

Error path_error(std::string detail) { return Error::invalid_path(std::move(detail)); }

// The index just past the ']' that closes the '[' at `open`, skipping quoted strings.
std::size_t closing_bracket(std::string_view text, std::size_t open) {
    bool quoted = false;
    for (std::size_t i = open + 1; i < text.size(); ++i) {
        char const c = text[i];
        if (quoted) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                quoted = false;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ']') {
            return i;
        }
    }
    throw path_error("\"" + std::string(text) + "\": the value filter has no closing ']'");
}

bool is_true(json::value const* v) { return v && v->is_bool() && v->get_bool(); }

// The equality conditions of a filter made only of `sub eq value` joined by `and`: the element a client means
// when it adds to emails[type eq "work"] and there is none yet. nullopt for any other filter.
std::optional<json::object> element_from_filter(BoundFilter const& filter) {
    struct Visit {
        std::optional<json::object> operator()(BoundComparison const& c) const {
            if (c.op != CompareOp::eq || c.value.is_null()) return std::nullopt;
            return json::object{{c.path.target().name, c.value}};
        }
        std::optional<json::object> operator()(BoundLogical const& l) const {
            if (!l.is_and) return std::nullopt;
            auto left = element_from_filter(*l.left), right = element_from_filter(*l.right);
            if (!left || !right) return std::nullopt;
            for (auto const& [k, v] : *right) (*left)[k] = v;
            return left;
        }
        std::optional<json::object> operator()(BoundNegation const&) const { return std::nullopt; }
        std::optional<json::object> operator()(BoundValuePath const&) const { return std::nullopt; }
    };
    return std::visit(Visit{}, filter.node);
}

// Thrown by resolve_known when a path names nothing, to tell "unknown" apart from "malformed".
struct UnknownName {
    std::string detail;
};

std::optional<ResolvedPath> resolve_known(AttributePath const& path, ResourceType const& type,
                                          SchemaRegistry const& registry) {
    try {
        return resolve_attribute_path(path, type, registry,
                                      [](std::string detail) { return UnknownName{std::move(detail)}; });
    } catch (UnknownName const&) {
        return std::nullopt;
    }
}

// Drops what PATCH values name that the schema does not have (see drop_unknown_attributes).
class UnknownDropper {
public:
    UnknownDropper(ResourceType const& type, SchemaRegistry const& registry, UnknownAttributes unknown)
        : type_(type), registry_(registry), unknown_(unknown) {}

    // Whether the operation still has something to do.
    bool clean(PatchOperation& operation) {
        if (operation.path) return clean_path(*operation.path, operation.value);
        if (operation.value.is_object()) clean_pathless(operation.value.get_object());
        return true;
    }

    IgnoredAttributes take() { return std::move(ignored_); }

private:
    // Records `name` as ignored when the policy (or an unknown schema) allows; false when it must be refused later.
    bool drop(std::string_view name, bool unknown_schema) {
        if (!unknown_schema && unknown_ == UnknownAttributes::reject) return false;
        ignored_.add(name);
        return true;
    }

    bool known_schema(std::string_view uri) const { return !registry_.canonical_urn(uri).empty(); }

    // A path under a schema URI that the server does not know at all.
    bool unknown_schema(std::string_view text) const {
        if (!is_schema_uri(text) || known_schema(text)) return false;
        auto const colon = text.rfind(':');
        return colon == std::string_view::npos || !known_schema(text.substr(0, colon));
    }

    bool clean_path(std::string_view text, json::value& value) {
        auto const bracket = text.find('[');
        AttributePath path;
        try {
            path = split_attribute_path(text.substr(0, bracket));
        } catch (Error const&) {
            return !unknown_schema(text) || !drop(text, true);  // malformed: apply_patch says why
        }
        auto resolved = resolve_known(path, type_, registry_);
        if (!resolved) return !drop(text, unknown_schema(text.substr(0, bracket)));
        if (bracket != std::string_view::npos) {
            // "emails[type eq \"work\"].display": the sub-attribute after the filter must exist too.
            auto const close = text.rfind(']');
            if (close != std::string_view::npos && close + 1 < text.size() && text[close + 1] == '.' &&
                !resolved->attribute->find_sub(text.substr(close + 2)))
                return !drop(text, false);
            if (close != std::string_view::npos && close + 1 == text.size())
                clean_value(*resolved->attribute, value, resolved->attribute->name, true);
            return true;
        }
        if (!resolved->sub_attribute) clean_value(*resolved->attribute, value, resolved->to_string(), false);
        return true;
    }

    void clean_pathless(json::object& values) {
        for (auto it = values.begin(); it != values.end();) {
            std::string_view const key = it->key();
            if (iequals(key, "schemas")) {
                ++it;
                continue;
            }
            auto const urn = registry_.canonical_urn(key);
            bool const extension =
                !urn.empty() && std::any_of(type_.extensions.begin(), type_.extensions.end(),
                                            [&](SchemaExtension const& e) { return e.schema == urn; });
            if (extension && it->value().is_object()) {
                auto const& schema = *registry_.schema(urn);
                auto& inner = it->value().get_object();
                for (auto in = inner.begin(); in != inner.end();) {
                    auto const* attr = schema.find(in->key());
                    if (!attr && drop(std::string(urn) + ":" + std::string(in->key()), false)) {
                        in = inner.erase(in);
                        continue;
                    }
                    if (attr) clean_value(*attr, in->value(), std::string(urn) + ":" + attr->name, false);
                    ++in;
                }
                ++it;
                continue;
            }
            if (!clean_path(key, it->value())) {
                it = values.erase(it);
                continue;
            }
            ++it;
        }
    }

    // Sub-attributes a complex value names that its attribute does not have.
    void clean_value(Attribute const& attr, json::value& value, std::string const& name, bool element) {
        if (attr.type != AttributeType::complex || unknown_ == UnknownAttributes::reject) return;
        if (value.is_array() && attr.multi_valued && !element) {
            for (auto& item : value.get_array()) clean_value(attr, item, name, true);
            return;
        }
        if (!value.is_object()) return;
        auto& object = value.get_object();
        for (auto it = object.begin(); it != object.end();) {
            if (attr.find_sub(it->key())) {
                ++it;
                continue;
            }
            drop(name + "." + std::string(it->key()), false);
            it = object.erase(it);
        }
    }

    ResourceType const& type_;
    SchemaRegistry const& registry_;
    UnknownAttributes unknown_;
    IgnoredAttributes ignored_;
};

class Patcher {
public:
    Patcher(json::object const& stored, ResourceType const& type, SchemaRegistry const& registry)
        : doc_(stored), type_(type), registry_(registry) {}

    void apply(PatchOperation const& operation) {
        if (operation.path)
            return apply_at(operation.op, parse_patch_path(*operation.path, type_, registry_), operation.value);
        if (operation.op == PatchOpKind::remove) throw Error::no_target("a remove operation needs a \"path\"");
        if (!operation.value.is_object())
            throw Error::invalid_value("an " + std::string(operation.op == PatchOpKind::add ? "add" : "replace") +
                                       " without \"path\" needs an object \"value\" of attributes");
        // Entra and Okta send path-less values keyed by plain, dotted or URN-qualified attribute names.
        for (auto const& [key, value] : operation.value.get_object()) {
            if (iequals(key, "schemas")) continue;
            auto const urn = registry_.canonical_urn(key);
            bool const extension = std::any_of(type_.extensions.begin(), type_.extensions.end(),
                                               [&](SchemaExtension const& e) { return e.schema == urn; });
            if (extension && value.is_object()) {
                for (auto const& [name, inner] : value.get_object())
                    apply_at(operation.op,
                             parse_patch_path(std::string(urn) + ":" + std::string(name), type_, registry_), inner);
                continue;
            }
            auto const path = parse_patch_path(key, type_, registry_);
            // Okta repeats "id" in path-less values; read-only attributes there are ignored, as on create.
            if (path.target.attribute->mutability == Mutability::read_only) continue;
            apply_at(operation.op, path, value);
        }
    }

    json::object const& document() const { return doc_; }
    std::optional<std::string> const& password() const { return password_; }

private:
    // The object holding the path's attribute: the document, or its extension's object (made on demand).
    json::object* container(ResolvedPath const& path, bool create) {
        if (!path.in_extension) return &doc_;
        auto* ext = doc_.if_contains(path.schema);
        if (!ext || !ext->is_object()) {
            if (!create) return nullptr;
            doc_[path.schema] = json::object{};
            ext = doc_.if_contains(path.schema);
        }
        return &ext->get_object();
    }

    void drop_if_empty(ResolvedPath const& path) {
        if (!path.in_extension) return;
        if (auto* ext = doc_.if_contains(path.schema); ext && ext->is_object() && ext->get_object().empty())
            doc_.erase(path.schema);
    }

    // The value as the attribute stores it: canonical sub-attribute names, a bare string for a complex attribute
    // with a `value` (manager, members) wrapped as {"value": …}. Types are checked when the result is validated.
    json::value shaped(Attribute const& attr, json::value const& value, bool element) const {
        if (attr.multi_valued && !element) {
            json::array out;
            if (value.is_array())
                for (auto const& item : value.get_array()) out.push_back(shaped(attr, item, true));
            else if (!value.is_null())
                out.push_back(shaped(attr, value, true));
            return out;
        }
        if (attr.type != AttributeType::complex) return value;
        if (value.is_string() && attr.find_sub("value")) return json::object{{"value", value}};
        if (!value.is_object()) return value;
        json::object out;
        for (auto const& [key, v] : value.get_object()) {
            auto const* sub = attr.find_sub(key);
            out[sub ? sub->name : std::string(key)] = v;
        }
        return out;
    }

    void apply_at(PatchOpKind op, PatchPath const& path, json::value const& value) {
        auto const& attr = *path.target.attribute;
        auto const& target = path.target.target();
        auto const name = path.target.to_string();
        if (attr.mutability == Mutability::read_only || target.mutability == Mutability::read_only)
            throw Error::mutability("\"" + name + "\" is read-only");
        if (op != PatchOpKind::remove && value.is_null() && !path.filter)
            throw Error::invalid_value("the " + std::string(op == PatchOpKind::add ? "add" : "replace") + " of \"" +
                                       name + "\" needs a \"value\"");
        if (attr.mutability == Mutability::write_only) {
            if (op == PatchOpKind::remove) throw Error::mutability("\"" + name + "\" cannot be removed");
            if (!value.is_string()) throw Error::invalid_value("\"" + name + "\" must be a string");
            password_ = std::string(value.get_string());
            return;
        }
        if (path.filter) return apply_filtered(op, path, value);
        auto* holder = container(path.target, op != PatchOpKind::remove);
        if (!holder) return;  // removing from an extension the resource does not have: nothing to do
        if (path.target.sub_attribute)
            apply_sub(op, path.target, *holder, value);
        else
            apply_whole(op, path.target, *holder, value);
        drop_if_empty(path.target);
    }

    void apply_whole(PatchOpKind op, ResolvedPath const& path, json::object& holder, json::value const& value) {
        auto const& attr = *path.attribute;
        if (op == PatchOpKind::remove) {
            if (!value.is_null() && attr.multi_valued) return remove_values(attr, holder, value);
            if (attr.required)
                throw Error::mutability("\"" + path.to_string() + "\" is required and cannot be removed");
            holder.erase(attr.name);
            return;
        }
        auto incoming = shaped(attr, value, false);
        if (attr.multi_valued && attr.type == AttributeType::complex) {
            auto const& items = incoming.get_array();
            auto const primaries = std::count_if(items.begin(), items.end(), [](json::value const& v) {
                return v.is_object() && is_true(v.get_object().if_contains("primary"));
            });
            if (primaries > 1)
                throw Error::invalid_value("\"" + path.to_string() +
                                           "\" gets more than one value with \"primary\": true");
        }
        if (attr.multi_valued) {
            if (op == PatchOpKind::replace || !holder.contains(attr.name) || !holder.at(attr.name).is_array()) {
                holder[attr.name] = std::move(incoming);
                return;
            }
            auto& list = holder.at(attr.name).get_array();
            std::unordered_set<json::value> present(list.begin(), list.end());
            for (auto& item : incoming.get_array()) {
                if (!present.insert(item).second) continue;  // add never duplicates
                if (attr.type == AttributeType::complex && item.is_object() &&
                    is_true(item.get_object().if_contains("primary")))
                    clear_primary(list);
                list.push_back(std::move(item));
            }
            return;
        }
        // A complex single value keeps the sub-attributes the request does not name (RFC 7644 §3.5.2.1, .3).
        if (attr.type == AttributeType::complex && incoming.is_object()) {
            auto* current = holder.if_contains(attr.name);
            if (current && current->is_object()) {
                for (auto const& [k, v] : incoming.get_object()) current->get_object()[k] = v;
                return;
            }
        }
        holder[attr.name] = std::move(incoming);  // add on a single value replaces it
    }

    // remove with a value list: only the listed values go (Entra's member removal shape).
    void remove_values(Attribute const& attr, json::object& holder, json::value const& value) {
        auto* current = holder.if_contains(attr.name);
        if (!current || !current->is_array()) return;
        auto const listed = shaped(attr, value, false).get_array();
        auto const key = [&](json::value const& v) -> json::value {
            if (attr.type == AttributeType::complex && v.is_object())
                if (auto const* inner = v.get_object().if_contains("value")) return *inner;
            return v;
        };
        auto& list = current->get_array();
        std::unordered_set<json::value> keys;
        for (auto const& l : listed) keys.insert(key(l));
        auto const gone =
            std::remove_if(list.begin(), list.end(), [&](json::value const& item) { return keys.contains(key(item)); });
        list.erase(gone, list.end());
        if (list.empty()) holder.erase(attr.name);
    }

    void clear_primary(json::array& list) {
        for (auto& item : list)
            if (item.is_object()) item.get_object().erase("primary");
    }

    void apply_sub(PatchOpKind op, ResolvedPath const& path, json::object& holder, json::value const& value) {
        auto const& attr = *path.attribute;
        auto const& sub = *path.sub_attribute;
        if (op == PatchOpKind::remove && sub.required)
            throw Error::mutability("\"" + path.to_string() + "\" is required and cannot be removed");
        auto const v = shaped(sub, value, false);
        auto* current = holder.if_contains(attr.name);
        if (attr.multi_valued) {  // "emails.type": every value's sub-attribute
            if (!current || !current->is_array()) {
                if (op == PatchOpKind::remove) return;
                holder[attr.name] = json::array{json::object{{sub.name, v}}};
                return;
            }
            for (auto& item : current->get_array()) {
                if (!item.is_object()) continue;
                if (op == PatchOpKind::remove)
                    item.get_object().erase(sub.name);
                else
                    item.get_object()[sub.name] = v;
            }
            return;
        }
        if (!current || !current->is_object()) {
            if (op == PatchOpKind::remove) return;
            holder[attr.name] = json::object{};
            current = holder.if_contains(attr.name);
        }
        if (op == PatchOpKind::remove) {
            current->get_object().erase(sub.name);
            if (current->get_object().empty()) holder.erase(attr.name);
        } else {
            current->get_object()[sub.name] = v;
        }
    }

    void apply_filtered(PatchOpKind op, PatchPath const& path, json::value const& value) {
        auto const& attr = *path.target.attribute;
        auto const* sub = path.target.sub_attribute;
        auto const name = path.target.to_string();
        if (op != PatchOpKind::remove && value.is_null())
            throw Error::invalid_value("the operation on \"" + name + "\" needs a \"value\"");
        auto* holder = container(path.target, op != PatchOpKind::remove);
        json::value* current = holder ? holder->if_contains(attr.name) : nullptr;
        std::vector<std::size_t> hits;
        if (current && current->is_array()) {
            auto const& list = current->get_array();
            for (std::size_t i = 0; i < list.size(); ++i)
                if (matches_element(*path.filter, list[i])) hits.push_back(i);
        } else if (current && current->is_object() && matches_element(*path.filter, *current)) {
            hits.push_back(0);
        }
        if (op == PatchOpKind::remove) {
            if (hits.empty())
                throw Error::no_target("no value of \"" + attr.name + "\" matches the filter of \"" + name + "\"");
            if (!current->is_array()) {
                if (sub)
                    current->get_object().erase(sub->name);
                else
                    holder->erase(attr.name);
            } else {
                auto& list = current->get_array();
                for (auto it = hits.rbegin(); it != hits.rend(); ++it) {
                    if (sub)
                        list[*it].get_object().erase(sub->name);
                    else
                        list.erase(list.begin() + static_cast<std::ptrdiff_t>(*it));
                }
                if (list.empty()) holder->erase(attr.name);
            }
            drop_if_empty(path.target);
            return;
        }
        if (hits.empty()) {
            // Entra: replace on emails[type eq "work"].value when there is no work email yet creates it.
            auto element = element_from_filter(*path.filter);
            if (!element || !attr.multi_valued)
                throw Error::no_target("no value of \"" + attr.name + "\" matches the filter of \"" + name + "\"");
            if (sub) {
                (*element)[sub->name] = shaped(*sub, value, false);
            } else {
                auto const incoming = shaped(attr, value, true);
                if (!incoming.is_object()) throw Error::invalid_value("\"" + name + "\" needs an object value");
                for (auto const& [k, v] : incoming.get_object()) (*element)[k] = v;
            }
            if (!current || !current->is_array()) {
                (*holder)[attr.name] = json::array{};
                current = holder->if_contains(attr.name);
            }
            if (is_true(element->if_contains("primary"))) clear_primary(current->get_array());
            current->get_array().push_back(std::move(*element));
            return;
        }
        for (auto const i : hits) {
            auto& element = current->is_array() ? current->get_array()[i] : *current;
            if (sub) {
                element.get_object()[sub->name] = shaped(*sub, value, false);
                continue;
            }
            auto incoming = shaped(attr, value, true);
            if (!incoming.is_object()) throw Error::invalid_value("\"" + name + "\" needs an object value");
            if (op == PatchOpKind::replace) {
                element = std::move(incoming);  // the matching values are replaced (RFC 7644 §3.5.2.3)
            } else {
                for (auto const& [k, v] : incoming.get_object()) element.get_object()[k] = v;
            }
        }
    }

    json::object doc_;
    ResourceType const& type_;
    SchemaRegistry const& registry_;
    std::optional<std::string> password_;
};

void check_immutable(json::object const& before, json::object const& after, ResourceType const& type,
                     SchemaRegistry const& registry) {
    auto const check = [&](Schema const& schema, json::object const* old_attrs, json::object const* new_attrs,
                           std::string const& prefix) {
        if (!old_attrs) return;
        for (auto const& attr : schema.attributes) {
            if (attr.mutability != Mutability::immutable) continue;
            auto const* was = old_attrs->if_contains(attr.name);
            auto const* is = new_attrs ? new_attrs->if_contains(attr.name) : nullptr;
            if (was && (!is || *is != *was))
                throw Error::mutability("\"" + prefix + attr.name + "\" is immutable and cannot change");
        }
    };
    check(*registry.schema(type.schema), &before, &after, "");
    for (auto const& e : type.extensions) {
        auto const* old_ext = before.if_contains(e.schema);
        auto const* new_ext = after.if_contains(e.schema);
        check(*registry.schema(e.schema), old_ext && old_ext->is_object() ? &old_ext->get_object() : nullptr,
              new_ext && new_ext->is_object() ? &new_ext->get_object() : nullptr, e.schema + ":");
    }
}

}  // namespace

PatchRequest parse_patch_request(json::object const& body) {
    json::value const* schemas = nullptr;
    json::value const* operations = nullptr;
    for (auto const& [key, value] : body) {
        if (iequals(key, "schemas"))
            schemas = &value;
        else if (iequals(key, "Operations"))
            operations = &value;
        else
            throw Error::invalid_syntax("unknown member \"" + std::string(key) + "\" in a PatchOp request");
    }
    bool declared = false;
    if (schemas && schemas->is_array())
        for (auto const& urn : schemas->get_array())
            declared = declared || (urn.is_string() && iequals(urn.get_string(), urn::patch_op));
    if (!declared) throw Error::invalid_syntax("\"schemas\" must list \"" + std::string(urn::patch_op) + "\"");
    if (!operations || !operations->is_array() || operations->get_array().empty())
        throw Error::invalid_syntax("\"Operations\" must be a non-empty array");
    PatchRequest request;
    auto const& list = operations->get_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
        auto const where = "Operations[" + std::to_string(i) + "]";
        if (!list[i].is_object()) throw Error::invalid_syntax(where + " must be an object");
        PatchOperation operation;
        bool has_op = false;
        for (auto const& [key, value] : list[i].get_object()) {
            if (iequals(key, "op")) {
                // Microsoft Entra ID sends "Add", "Replace" and "Remove".
                if (!value.is_string()) throw Error::invalid_syntax(where + ".op must be a string");
                std::string_view const op = value.get_string();
                if (iequals(op, "add"))
                    operation.op = PatchOpKind::add;
                else if (iequals(op, "replace"))
                    operation.op = PatchOpKind::replace;
                else if (iequals(op, "remove"))
                    operation.op = PatchOpKind::remove;
                else
                    throw Error::invalid_syntax(where + ".op is \"" + std::string(op) +
                                                "\"; it must be add, replace or remove");
                has_op = true;
            } else if (iequals(key, "path")) {
                if (!value.is_string()) throw Error::invalid_path(where + ".path must be a string");
                if (!value.get_string().empty()) operation.path = std::string(value.get_string());
            } else if (iequals(key, "value")) {
                operation.value = value;
            } else {
                throw Error::invalid_syntax("unknown member \"" + std::string(key) + "\" in " + where);
            }
        }
        if (!has_op) throw Error::invalid_syntax(where + " has no \"op\"");
        request.operations.push_back(std::move(operation));
    }
    return request;
}

std::optional<std::string> patch_password(PatchRequest const& request) {
    std::optional<std::string> password;
    for (auto const& operation : request.operations) {
        if (operation.op == PatchOpKind::remove) continue;
        json::value const* value = nullptr;
        if (operation.path) {
            if (iequals(*operation.path, "password") || iequals(*operation.path, std::string(urn::user) + ":password"))
                value = &operation.value;
        } else if (operation.value.is_object()) {
            for (auto const& [key, v] : operation.value.get_object())
                if (iequals(key, "password")) value = &v;
        }
        if (value && value->is_string()) password = std::string(value->get_string());
    }
    return password;
}

IgnoredAttributes drop_unknown_attributes(PatchRequest& request, ResourceType const& type,
                                          SchemaRegistry const& registry, UnknownAttributes unknown) {
    UnknownDropper dropper(type, registry, unknown);
    std::vector<PatchOperation> kept;
    kept.reserve(request.operations.size());
    for (auto& operation : request.operations)
        if (dropper.clean(operation)) kept.push_back(std::move(operation));
    request.operations = std::move(kept);
    return dropper.take();
}

PatchPath parse_patch_path(std::string_view text, ResourceType const& type, SchemaRegistry const& registry) {
    PatchPath out;
    auto const bracket = text.find('[');
    auto const head = text.substr(0, bracket);
    AttributePath path;
    try {
        path = split_attribute_path(head);
    } catch (Error const&) {
        throw path_error("\"" + std::string(text) + "\" is not an attribute path");
    }
    if (bracket == std::string_view::npos) {
        out.target = resolve_attribute_path(path, type, registry, path_error);
        return out;
    }
    if (!path.sub_attribute.empty())
        throw path_error("\"" + std::string(text) + "\": a value filter follows an attribute, not a sub-attribute");
    out.target = resolve_attribute_path(path, type, registry, path_error);
    if (out.target.attribute->type != AttributeType::complex)
        throw path_error("\"" + std::string(text) + "\": only complex attributes such as emails take a value filter");
    auto const close = closing_bracket(text, bracket);
    out.filter =
        bind_value_filter(parse_filter(text.substr(bracket + 1, close - bracket - 1)), out.target, type, registry);
    auto const rest = text.substr(close + 1);
    if (!rest.empty()) {
        if (rest.front() != '.' || rest.size() < 2)
            throw path_error("\"" + std::string(text) + "\": expected \".subAttribute\" after ']'");
        out.target.sub_attribute = out.target.attribute->find_sub(rest.substr(1));
        if (!out.target.sub_attribute)
            throw path_error("\"" + out.target.attribute->name + "\" has no sub-attribute \"" +
                             std::string(rest.substr(1)) + "\"");
    }
    return out;
}

PatchOutcome apply_patch(json::object const& stored, PatchRequest const& request, ResourceType const& type,
                         SchemaRegistry const& registry, ReadOptions const& options) {
    Patcher patcher(stored, type, registry);
    for (auto const& operation : request.operations) {
        if (options.interop_profile && !operation.path)
            throw Error::invalid_syntax(
                "every PATCH operation must name its path: this tenant follows the SCIM "
                "interoperability profile, which refuses operations without one");
        patcher.apply(operation);
    }
    if (options.interop_profile && patcher.password())
        throw Error::invalid_syntax(
            "\"password\" is not supported: this tenant follows the OpenID IPSIE SCIM "
            "profile, under which passwords are not provisioned");
    // The result must be a valid resource, as if it had been created so; this also coerces "True"/"False".
    json::object body = patcher.document();
    json::array schemas{json::string(type.schema)};
    for (auto const& e : type.extensions)
        if (body.contains(e.schema)) schemas.emplace_back(e.schema);
    body["schemas"] = std::move(schemas);
    ReadOptions strict = options;  // drop_unknown_attributes took out what may be ignored; the rest is an error
    strict.unknown = UnknownAttributes::reject;
    auto validated = read_resource(body, type, registry, strict);
    check_immutable(stored, validated.attributes, type, registry);
    PatchOutcome outcome;
    outcome.changed = validated.attributes != stored || patcher.password().has_value();
    outcome.attributes = std::move(validated.attributes);
    outcome.password = patcher.password();
    return outcome;
}

}  // namespace scim
