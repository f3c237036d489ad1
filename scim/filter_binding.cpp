// Schema checks of filters and sort paths.
#include "scim/filter_binding.hpp"

#include <boost/json/serialize.hpp>

#include "scim/error.hpp"
#include "scim/mac_address.hpp"
#include "scim/text.hpp"
#include "scim/value_formats.hpp"

namespace scim {
namespace {

namespace json = boost::json;

Error filter_error(std::string detail) { return Error::invalid_filter(std::move(detail)); }
UnknownAttributeError unknown_attribute(std::string detail) { return UnknownAttributeError(std::move(detail)); }

bool is_string_like(AttributeType t) {
    return t == AttributeType::string || t == AttributeType::reference || t == AttributeType::binary;
}

// A multi-valued complex attribute named as a whole stands for its "value" sub-attribute (RFC 7644 §3.4.2.2).
void default_to_value(ResolvedPath& path) {
    if (path.sub_attribute || path.attribute->type != AttributeType::complex) return;
    if (auto const* value = path.attribute->find_sub("value"); value && path.attribute->multi_valued)
        path.sub_attribute = value;
}

json::value checked_value(ResolvedPath const& path, CompareOp op, json::value const& value) {
    auto const& attr = path.target();
    auto const name = path.to_string();
    if (attr.mutability == Mutability::write_only || attr.returned == Returned::never)
        throw filter_error("\"" + name + "\" cannot be used in a filter");
    if (op == CompareOp::pr) return nullptr;
    if (attr.type == AttributeType::complex)
        throw filter_error("\"" + name + "\" is complex: compare one of its sub-attributes, or use pr");
    bool const ordering = op == CompareOp::gt || op == CompareOp::ge || op == CompareOp::lt || op == CompareOp::le;
    bool const substring = op == CompareOp::co || op == CompareOp::sw || op == CompareOp::ew;
    if (value.is_null()) {
        if (op == CompareOp::eq || op == CompareOp::ne) return nullptr;
        throw filter_error("null can only be compared with eq or ne (\"" + name + "\")");
    }
    if (ordering && (attr.type == AttributeType::boolean || attr.type == AttributeType::binary))
        throw filter_error(std::string(to_string(op)) + " cannot compare \"" + name + "\", which is " +
                           (attr.type == AttributeType::boolean ? "a boolean" : "binary"));
    if (substring && !is_string_like(attr.type))
        throw filter_error(std::string(to_string(op)) + " needs a string attribute; \"" + name + "\" is not one");
    auto const wrong = [&](char const* expected) {
        return filter_error("\"" + name + "\" is compared with " + json::serialize(value) + "; it needs " + expected);
    };
    switch (attr.type) {
        case AttributeType::boolean:
            if (!value.is_bool()) throw wrong("true or false");
            break;
        case AttributeType::integer:
            if (!value.is_int64() && !value.is_uint64()) throw wrong("an integer");
            break;
        case AttributeType::decimal:
            if (!value.is_number()) throw wrong("a number");
            break;
        case AttributeType::date_time:
            if (!value.is_string() || !is_date_time(value.get_string()))
                throw wrong("a dateTime string such as \"2026-01-01T00:00:00Z\"");
            break;
        default:
            if (!value.is_string()) throw wrong("a string in double quotes");
    }
    return value;
}

BoundFilterPtr bind(Filter const& filter, ResourceType const& type, SchemaRegistry const& registry,
                    ResolvedPath const* parent);

BoundFilterPtr make(BoundFilter f) { return std::make_shared<BoundFilter const>(std::move(f)); }

BoundFilterPtr bind(Filter const& filter, ResourceType const& type, SchemaRegistry const& registry,
                    ResolvedPath const* parent) {
    struct Binder {
        ResourceType const& type;
        SchemaRegistry const& registry;
        ResolvedPath const* parent;

        ResolvedPath resolve(AttributePath const& path) const {
            return parent ? resolve_sub_path(*parent, path, unknown_attribute)
                          : resolve_attribute_path(path, type, registry, unknown_attribute);
        }
        BoundFilterPtr operator()(Comparison const& c) const {
            auto path = resolve(c.path);
            default_to_value(path);
            auto value = checked_value(path, c.op, c.value);
            if (holds_mac_address(path.target().name) && value.is_string() &&
                (c.op == CompareOp::eq || c.op == CompareOp::ne)) {
                auto mac = canonical_mac_address(value.get_string());
                if (!mac)
                    throw filter_error("\"" + path.to_string() + "\" is compared with \"" +
                                       std::string(value.get_string()) +
                                       "\", which is not a MAC address; write one as 2C:54:91:88:C9:E2");
                value = json::string(*mac);
            }
            return make(BoundFilter{BoundComparison{std::move(path), c.op, std::move(value)}});
        }
        BoundFilterPtr operator()(Logical const& l) const {
            return make(BoundFilter{
                BoundLogical{l.is_and, bind(*l.left, type, registry, parent), bind(*l.right, type, registry, parent)}});
        }
        BoundFilterPtr operator()(Negation const& n) const {
            return make(BoundFilter{BoundNegation{bind(*n.operand, type, registry, parent)}});
        }
        BoundFilterPtr operator()(ValuePath const& v) const {
            auto path = resolve_attribute_path(v.path, type, registry, unknown_attribute);
            if (path.sub_attribute || path.attribute->type != AttributeType::complex)
                throw filter_error("\"" + path.to_string() + "[...]\" needs a complex attribute such as emails");
            auto inner = bind(*v.filter, type, registry, &path);
            return make(BoundFilter{BoundValuePath{std::move(path), std::move(inner)}});
        }
    };
    return std::visit(Binder{type, registry, parent}, filter.node);
}

}  // namespace

BoundFilter bind_filter(Filter const& filter, ResourceType const& type, SchemaRegistry const& registry) {
    return *bind(filter, type, registry, nullptr);
}

BoundFilter bind_value_filter(Filter const& filter, ResolvedPath const& parent, ResourceType const& type,
                              SchemaRegistry const& registry) {
    return *bind(filter, type, registry, &parent);
}

ResolvedPath resolve_sort_path(std::string_view sort_by, ResourceType const& type, SchemaRegistry const& registry) {
    auto const invalid = [](std::string detail) { return Error::invalid_value("sortBy: " + detail); };
    AttributePath path;
    try {
        path = split_attribute_path(sort_by);
    } catch (Error const&) {
        throw invalid("\"" + std::string(sort_by) + "\" is not an attribute path");
    }
    auto resolved = resolve_attribute_path(path, type, registry, invalid);
    default_to_value(resolved);
    auto const& target = resolved.target();
    if (target.mutability == Mutability::write_only || target.returned == Returned::never)
        throw invalid("\"" + resolved.to_string() + "\" cannot be sorted by");
    if (target.type == AttributeType::complex)
        throw invalid("\"" + resolved.to_string() + "\" is complex: sort by one of its sub-attributes");
    return resolved;
}

}  // namespace scim
