// Filter translation: comparisons become predicates on columns or on the jsonb document; multi-valued
// attributes become EXISTS over their elements.
#include "storage/filter_sql.hpp"

#include <boost/json/serialize.hpp>

#include "scim/error.hpp"
#include "scim/text.hpp"
#include "storage/detail/statements.hpp"
#include "storage/stored_resource.hpp"

namespace storage {
namespace {

namespace json = boost::json;
using scim::AttributeType;
using scim::CompareOp;

std::string sql_type(AttributeType t) {
    switch (t) {
        case AttributeType::boolean:
            return "boolean";
        case AttributeType::integer:
        case AttributeType::decimal:
            return "numeric";
        case AttributeType::date_time:
            return "timestamptz";
        default:
            return "text";
    }
}

// `text` (a text-valued SQL expression) converted to the attribute's type.
std::string typed(std::string const& text, scim::Attribute const& attr) {
    auto const type = sql_type(attr.type);
    return type == "text" ? text : "(" + text + ")::" + type;
}

bool case_insensitive(scim::Attribute const& attr) { return sql_type(attr.type) == "text" && !attr.case_exact; }

std::string value_text(json::value const& v) {
    if (v.is_string()) return std::string(v.get_string());
    return json::serialize(v);  // numbers and booleans in their JSON spelling, which PostgreSQL casts read
}

class Translator {
public:
    Translator(ResourceTable const& table, SqlParameters& parameters) : table_(table), params_(parameters) {}

    std::string translate(scim::BoundFilter const& f, std::string const* element = nullptr) {
        struct Visit {
            Translator& t;
            std::string const* element;
            std::string operator()(scim::BoundComparison const& c) { return t.comparison(c, element); }
            std::string operator()(scim::BoundLogical const& l) {
                auto const left = t.translate(*l.left, element);  // parameters are numbered left to right
                auto const right = t.translate(*l.right, element);
                return "(" + left + (l.is_and ? " AND " : " OR ") + right + ")";
            }
            std::string operator()(scim::BoundNegation const& n) {
                return "(NOT coalesce(" + t.translate(*n.operand, element) + ", false))";
            }
            std::string operator()(scim::BoundValuePath const& v) { return t.value_path(v); }
        };
        return std::visit(Visit{*this, element}, f.node);
    }

private:
    std::string document() const { return std::string(table_.alias) + ".data"; }

    ResourceTable::Column const* column(scim::ResolvedPath const& path) const {
        auto const name = path.to_string();
        for (auto const& c : table_.columns)
            if (c.path == name) return &c;
        return nullptr;
    }

    // The jsonb value of the path's top-level attribute.
    std::string attribute_json(scim::ResolvedPath const& path) const {
        auto base = document();
        if (path.in_extension) base += "->" + sql_key(path.schema);
        return base + "->" + sql_key(path.attribute->name);
    }

    std::string next_alias() { return "e" + std::to_string(++aliases_); }

    // Predicate `x op value`, where x is an expression of the attribute's SQL type.
    std::string compare(std::string const& x, scim::Attribute const& attr, CompareOp op, json::value const& value) {
        if (op == CompareOp::pr)
            return attr.type == AttributeType::string || attr.type == AttributeType::reference
                       ? "(" + x + " <> '')"
                       : "(" + x + " IS NOT NULL)";
        if (value.is_null()) {  // eq null: absent; ne null: present
            auto const present = compare(x, attr, CompareOp::pr, nullptr);
            return op == CompareOp::eq ? "(NOT coalesce(" + present + ", false))" : present;
        }
        if (op == CompareOp::ne) return "(NOT coalesce(" + compare(x, attr, CompareOp::eq, value) + ", false))";
        bool const fold = case_insensitive(attr);
        auto const lhs = fold ? "lower(" + x + ")" : x;
        auto param = [&](std::string v) {
            auto const p = params_.add(std::move(v));
            auto const type = sql_type(attr.type);
            auto cast = type == "text" ? p : p + "::" + type;
            return fold ? "lower(" + cast + ")" : cast;
        };
        switch (op) {
            case CompareOp::eq:
                return "(" + lhs + " = " + param(value_text(value)) + ")";
            case CompareOp::co:
                return "(" + lhs + " LIKE " + param("%" + detail::escape_like(value.get_string()) + "%") + ")";
            case CompareOp::sw:
                return "(" + lhs + " LIKE " + param(detail::escape_like(value.get_string()) + "%") + ")";
            case CompareOp::ew:
                return "(" + lhs + " LIKE " + param("%" + detail::escape_like(value.get_string())) + ")";
            default:
                break;
        }
        char const* symbol = op == CompareOp::gt   ? " > "
                             : op == CompareOp::ge ? " >= "
                             : op == CompareOp::lt ? " < "
                                                   : " <= ";
        auto const collate = sql_type(attr.type) == "text" ? std::string(" COLLATE \"C\"") : std::string();
        return "(" + lhs + collate + symbol + param(value_text(value)) + ")";
    }

    // members.value / members.type of a group, from the membership rows (primary key index).
    std::string members(scim::BoundComparison const& c) {
        auto const rows = "EXISTS (SELECT 1 FROM group_members m WHERE m.tenant_id = " + std::string(table_.alias) +
                          ".tenant_id AND m.group_id = " + std::string(table_.alias) + ".id";
        auto const sub = c.path.sub_attribute ? c.path.sub_attribute->name : std::string("value");
        if (c.op == CompareOp::pr) return rows + ")";
        if (c.op == CompareOp::eq || c.op == CompareOp::ne) {
            std::string predicate;
            if (c.value.is_null())
                predicate = "false";
            else if (sub == "value")
                predicate = is_uuid_text(c.value)
                                ? rows + " AND m.member_id = " + params_.add(value_text(c.value)) + "::uuid)"
                                : "false";
            else if (sub == "type")
                predicate = rows + " AND lower(m.member_type) = lower(" + params_.add(value_text(c.value)) + "))";
            if (!predicate.empty()) return c.op == CompareOp::eq ? "(" + predicate + ")" : "(NOT " + predicate + ")";
        }
        throw scim::Error::invalid_filter(
            "members can be filtered with members.value eq, members.type eq or members pr");
    }

    // groups.value of a user: the groups it is in, directly or through nested groups.
    std::string user_groups(scim::BoundComparison const& c) {
        auto const alias = std::string(table_.alias);
        auto const sub = c.path.sub_attribute ? c.path.sub_attribute->name : std::string("value");
        if (c.op == CompareOp::pr)
            return "EXISTS (SELECT 1 FROM group_members m WHERE m.tenant_id = " + alias +
                   ".tenant_id AND m.member_id = " + alias + ".id)";
        if ((c.op == CompareOp::eq || c.op == CompareOp::ne) && sub == "value" && !c.value.is_null()) {
            if (!is_uuid_text(c.value)) return c.op == CompareOp::eq ? "false" : "true";
            // The group and every group nested in it (UNION stops at cycles), then their user members.
            auto const in = alias + ".id IN (WITH RECURSIVE nested(id) AS (SELECT " + params_.add(value_text(c.value)) +
                            "::uuid UNION SELECT m.member_id FROM group_members m JOIN nested n ON m.group_id = n.id "
                            "WHERE m.member_type = 'Group') SELECT m.member_id FROM group_members m JOIN nested n ON "
                            "m.group_id = n.id WHERE m.member_type = 'User')";
            return c.op == CompareOp::eq ? "(" + in + ")" : "(NOT " + in + ")";
        }
        throw scim::Error::invalid_filter("groups can be filtered with groups.value eq \"<group id>\" or groups pr");
    }

    static bool is_uuid_text(json::value const& v) { return v.is_string() && storage::is_uuid(v.get_string()); }

    std::string comparison(scim::BoundComparison const& c, std::string const* element) {
        auto const& path = c.path;
        if (!element && !path.is_common() && !path.in_extension) {
            if (path.attribute->name == table_.members_attribute) return members(c);
            if (path.attribute->name == table_.groups_attribute) return user_groups(c);
        }
        if (element)
            return compare(typed(*element + "->>" + sql_key(path.target().name), path.target()), path.target(), c.op,
                           c.value);
        if (path.is_common() && path.attribute->name == "schemas") return schemas(c);
        if (path.is_common() && path.attribute->name == "meta" && path.sub_attribute &&
            path.sub_attribute->name == "resourceType")
            return compare(sql_key(table_.resource_type), path.target(), c.op, c.value);
        if (auto const* col = column(path)) return compare(std::string(col->sql), path.target(), c.op, c.value);
        if (path.is_common() && path.attribute->name == "meta")
            throw scim::Error::invalid_filter("\"" + path.to_string() + "\" cannot be used in a filter");
        auto const json = attribute_json(path);
        if (!path.attribute->multi_valued) {
            if (!path.sub_attribute) {
                if (c.op == CompareOp::pr && path.attribute->type == AttributeType::complex)
                    return "(" + json + " IS NOT NULL AND " + json + " <> '{}'::jsonb)";
                return compare(typed(document_text(path), path.target()), path.target(), c.op, c.value);
            }
            return compare(typed(json + "->>" + sql_key(path.sub_attribute->name), path.target()), path.target(), c.op,
                           c.value);
        }
        if (c.op == CompareOp::pr && !path.sub_attribute) return "(jsonb_array_length(" + json + ") > 0)";
        if (path.sub_attribute && c.op == CompareOp::eq && !c.value.is_null() && case_insensitive(path.target()) &&
            path.sub_attribute->name == "value" && indexed(path))
            return "(scimd_lower_values(" + json + ", 'value') @> ARRAY[lower(" + params_.add(value_text(c.value)) +
                   ")])";
        auto const e = next_alias();
        if (!path.sub_attribute) {  // a multi-valued simple attribute, such as licenses
            return "EXISTS (SELECT 1 FROM jsonb_array_elements_text(" + json + ") AS " + e + "(v) WHERE " +
                   compare(typed(e + ".v", path.target()), path.target(), c.op, c.value) + ")";
        }
        return "EXISTS (SELECT 1 FROM jsonb_array_elements(" + json + ") AS " + e + "(v) WHERE " +
               compare(typed(e + ".v->>" + sql_key(path.sub_attribute->name), path.target()), path.target(), c.op,
                       c.value) +
               ")";
    }

    // The text of a single-valued top-level attribute.
    std::string document_text(scim::ResolvedPath const& path) const {
        auto base = document();
        if (path.in_extension) base += "->" + sql_key(path.schema);
        return base + "->>" + sql_key(path.attribute->name);
    }

    bool indexed(scim::ResolvedPath const& path) const {
        if (path.in_extension) return false;
        for (auto const& name : table_.indexed_values)
            if (name == path.attribute->name) return true;
        return false;
    }

    // "schemas" lists the core schema and every extension the resource has.
    std::string schemas(scim::BoundComparison const& c) {
        if (c.op == CompareOp::pr) return "true";
        if (c.op != CompareOp::eq && c.op != CompareOp::ne)
            throw scim::Error::invalid_filter("\"schemas\" can only be compared with eq, ne or pr");
        if (c.value.is_null()) return c.op == CompareOp::eq ? "false" : "true";
        auto const p = params_.add(std::string(c.value.get_string()));
        auto const has = "(" + p + " = " + sql_key(table_.core_schema) + " OR " + document() + " ? " + p + ")";
        return c.op == CompareOp::eq ? has : "(NOT " + has + ")";
    }

    // A value filter on members (or a user's groups) names members by value: one comparison, or several joined by
    // "or". Each is the table's own membership lookup, as "members.value eq" is.
    static bool names_values(scim::BoundFilter const& f) {
        if (auto const* c = std::get_if<scim::BoundComparison>(&f.node))
            return c->path.sub_attribute && c->path.sub_attribute->name == "value";
        if (auto const* l = std::get_if<scim::BoundLogical>(&f.node))
            return !l->is_and && names_values(*l->left) && names_values(*l->right);
        return false;
    }

    std::string value_path(scim::BoundValuePath const& v) {
        if (!v.path.in_extension &&
            (v.path.attribute->name == table_.members_attribute || v.path.attribute->name == table_.groups_attribute)) {
            if (names_values(*v.filter)) return translate(*v.filter);
            throw scim::Error::invalid_filter("\"" + v.path.attribute->name + "[...]\" can name values only: use " +
                                              v.path.attribute->name + "[value eq \"<id>\"] (or several joined by or)");
        }
        auto const json = attribute_json(v.path);
        if (!v.path.attribute->multi_valued) return translate(*v.filter, &json);
        auto const e = next_alias();
        auto const element = e + ".v";
        return "EXISTS (SELECT 1 FROM jsonb_array_elements(" + json + ") AS " + e + "(v) WHERE " +
               translate(*v.filter, &element) + ")";
    }

    ResourceTable const& table_;
    SqlParameters& params_;
    int aliases_ = 0;
};

}  // namespace

std::string sql_key(std::string_view key) {
    // Keys come from the schema (attribute names, URNs), never from the request.
    for (char c : key)
        if (c == '\'' || c == '\\') throw std::logic_error("unexpected character in a schema name");
    return "'" + std::string(key) + "'";
}

std::string SqlParameters::add(std::string value) {
    values_.push_back(std::move(value));
    return "$" + std::to_string(first_ + values_.size());
}

ResourceTable const& users_table() {
    static ResourceTable const table{
        "User",
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "users",
        "r",
        {{"id", "r.id::text", false},
         {"externalId", "r.external_id"},
         {"userName", "r.user_name", false},
         {"displayName", "r.display_name"},
         {"active", "r.active"},
         {"meta.created", "r.created_at", false},
         {"meta.lastModified", "r.modified_at", false},
         {"meta.version", "('W/\"' || r.version || '\"')", false}},
        {"emails"},
        {},
        "groups",
    };
    return table;
}

ResourceTable const& groups_table() {
    static ResourceTable const table{
        "Group",
        "urn:ietf:params:scim:schemas:core:2.0:Group",
        "groups",
        "r",
        {{"id", "r.id::text", false},
         {"externalId", "r.external_id"},
         {"displayName", "r.display_name", false},
         {"meta.created", "r.created_at", false},
         {"meta.lastModified", "r.modified_at", false},
         {"meta.version", "('W/\"' || r.version || '\"')", false}},
        {},
        "members",
        {},
    };
    return table;
}

ResourceTable const& sites_table() {
    static ResourceTable const table{
        "Site",
        "urn:8x8:scim:schemas:1.1:Site",
        "sites",
        "r",
        {{"id", "r.id::text", false},
         {"name", "r.name", false},
         {"siteCode", "r.site_code", false},
         {"meta.created", "r.created_at", false},
         {"meta.lastModified", "r.modified_at", false},
         {"meta.version", "('W/\"' || r.version || '\"')", false}},
        {},
        {},
        {},
    };
    return table;
}

ResourceTable const& devices_table() {
    static ResourceTable const table{
        "Device",
        "urn:ietf:params:scim:schemas:core:2.0:Device",
        "devices",
        "r",
        {{"id", "r.id::text", false},
         {"externalId", "r.external_id"},
         {"displayName", "r.display_name"},
         {"active", "r.active", false},
         {"urn:ietf:params:scim:schemas:extension:ethernet-mab:2.0:Device:deviceMacAddress", "r.mac_address"},
         {"urn:ietf:params:scim:schemas:extension:8x8:1.1:Device:assignedUser.value", "r.assigned_user::text"},
         {"urn:ietf:params:scim:schemas:extension:8x8:1.1:Device:site", "r.site_name", false},
         {"urn:ietf:params:scim:schemas:extension:8x8:1.1:Device:activationState", "r.activation_state", false},
         {"meta.created", "r.created_at", false},
         {"meta.lastModified", "r.modified_at", false},
         {"meta.version", "('W/\"' || r.version || '\"')", false}},
        {},
        {},
        {},
    };
    return table;
}

ResourceTable const& licenses_table() {
    static ResourceTable const table{
        "License",
        "urn:8x8:scim:schemas:1.1:License",
        "license_pools",
        "r",
        {{"id", "r.id", false},
         {"licenseType", "r.license_type", false},
         {"meta.created", "r.created_at", false},
         {"meta.lastModified", "r.modified_at", false},
         {"meta.version", "('W/\"' || r.version || '\"')", false}},
        {},
        {},
        {},
        "text",  // the licence type
    };
    return table;
}

ResourceTable const& audit_events_table() {
    static ResourceTable const table{
        "AuditEvent",
        "urn:8x8:scim:schemas:1.1:AuditEvent",
        "audit_events",
        "r",
        {{"id", "r.id", false},
         {"resourceType", "r.resource_type", false},
         {"resourceId", "r.resource_id", false},
         {"operation", "r.operation", false},
         {"actor", "r.actor", false},
         {"requestId", "nullif(r.request_id, '')", true},
         {"meta.created", "r.created_at", false},
         {"meta.lastModified", "r.modified_at", false},
         {"meta.version", "('W/\"' || r.version || '\"')", false}},
        {},
        {},
        {},
        "text",  // the record's number as text
        false,   // counted when listed (an index-only scan), not on every write
    };
    return table;
}

std::string filter_sql(scim::BoundFilter const& filter, ResourceTable const& table, SqlParameters& parameters) {
    return Translator(table, parameters).translate(filter);
}

SortKey sort_key(scim::ResolvedPath const& path, ResourceTable const& table) {
    auto const& target = path.target();
    auto const fold_typed = [&](std::string x) { return case_insensitive(target) ? "lower(" + x + ")" : x; };
    auto const fold = [&](std::string text) { return fold_typed(typed(text, target)); };
    auto const name = path.to_string();
    for (auto const& c : table.columns)
        if (c.path == name) return {fold_typed(std::string(c.sql)), sql_type(target.type), c.nullable};
    if (!path.in_extension &&
        (path.attribute->name == table.members_attribute || path.attribute->name == table.groups_attribute))
        throw scim::Error::invalid_value("sortBy: \"" + name + "\" cannot be sorted by");
    if (path.is_common()) throw scim::Error::invalid_value("sortBy: \"" + name + "\" cannot be sorted by");
    auto base = std::string(table.alias) + ".data";
    if (path.in_extension) base += "->" + sql_key(path.schema);
    auto const json = base + "->" + sql_key(path.attribute->name);
    if (!path.attribute->multi_valued) {
        auto const text = path.sub_attribute ? json + "->>" + sql_key(path.sub_attribute->name)
                                             : base + "->>" + sql_key(path.attribute->name);
        return {fold(text), sql_type(target.type), true};
    }
    if (!path.sub_attribute) return {fold(json + "->>0"), sql_type(target.type), true};
    // The primary value, else the first.
    return {"(SELECT " + fold("s.v->>" + sql_key(path.sub_attribute->name)) + " FROM jsonb_array_elements(" + json +
                ") WITH ORDINALITY AS s(v, n) ORDER BY (s.v->'primary') = 'true'::jsonb DESC NULLS LAST, s.n LIMIT 1)",
            sql_type(target.type), true};
}

SortKey default_sort_key(ResourceTable const& table) {
    return {std::string(table.alias) + ".created_at", "timestamptz", false};
}

}  // namespace storage
