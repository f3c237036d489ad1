// Reading membership changes out of Group requests.
#include "scim/group_members.hpp"

#include "scim/error.hpp"
#include "scim/text.hpp"

namespace scim {
namespace {

namespace json = boost::json;

constexpr std::string_view members_name = "members";

// The ids of `value eq "id"` comparisons joined by `or`: members[value eq "a" or value eq "b"].
void ids_from_filter(BoundFilter const& filter, std::vector<MemberValue>& out) {
    struct Visit {
        std::vector<MemberValue>& out;
        void operator()(BoundComparison const& c) const {
            if (c.op != CompareOp::eq || c.path.target().name != "value" || !c.value.is_string())
                throw Error::invalid_filter("members can be selected only with value eq \"<id>\" (joined by or)");
            out.push_back({std::string(c.value.get_string()), {}});
        }
        void operator()(BoundLogical const& l) const {
            if (l.is_and)
                throw Error::invalid_filter("members can be selected only with value eq \"<id>\" (joined by or)");
            ids_from_filter(*l.left, out);
            ids_from_filter(*l.right, out);
        }
        void operator()(BoundNegation const&) const {
            throw Error::invalid_filter("members can be selected only with value eq \"<id>\" (joined by or)");
        }
        void operator()(BoundValuePath const&) const {
            throw Error::invalid_filter("members can be selected only with value eq \"<id>\" (joined by or)");
        }
    };
    std::visit(Visit{out}, filter.node);
}

MemberChange change_for(PatchOpKind op, json::value const& value) {
    switch (op) {
        case PatchOpKind::add:
            return {MemberChange::Kind::add, member_values(value)};
        case PatchOpKind::replace:
            return {MemberChange::Kind::replace, member_values(value)};
        case PatchOpKind::remove:
            // Entra removes members with a value list; without one, every member goes.
            if (value.is_null()) return {MemberChange::Kind::remove_all, {}};
            return {MemberChange::Kind::remove, member_values(value)};
    }
    return {};
}

}  // namespace

std::vector<MemberValue> member_values(json::value const& members) {
    std::vector<MemberValue> out;
    auto const read = [&](json::value const& m) {
        if (m.is_string()) {
            out.push_back({std::string(m.get_string()), {}});
            return;
        }
        if (!m.is_object()) throw Error::invalid_value("a member must be an object with a \"value\"");
        MemberValue member;
        for (auto const& [key, v] : m.get_object()) {
            if (iequals(key, "value") && v.is_string())
                member.value = std::string(v.get_string());
            else if (iequals(key, "type") && v.is_string())
                member.type = std::string(v.get_string());
        }
        if (member.value.empty()) throw Error::invalid_value("a member must have a \"value\" holding its id");
        if (!member.type.empty()) {
            if (iequals(member.type, "User"))
                member.type = "User";
            else if (iequals(member.type, "Group"))
                member.type = "Group";
            else
                throw Error::invalid_value("a member's type is \"User\" or \"Group\", not \"" + member.type + "\"");
        }
        out.push_back(std::move(member));
    };
    if (members.is_array())
        for (auto const& m : members.get_array()) read(m);
    else if (!members.is_null())
        read(members);
    return out;
}

GroupPatch split_group_patch(PatchRequest const& request, ResourceType const& group_type,
                             SchemaRegistry const& registry) {
    GroupPatch out;
    for (auto const& operation : request.operations) {
        if (!operation.path) {
            if (!operation.value.is_object()) {
                out.attributes.operations.push_back(operation);  // apply_patch explains what is wrong
                continue;
            }
            PatchOperation rest = operation;
            auto& object = rest.value.get_object();
            for (auto it = object.begin(); it != object.end();) {
                if (iequals(it->key(), members_name)) {
                    out.members.push_back(change_for(operation.op, it->value()));
                    it = object.erase(it);
                } else {
                    ++it;
                }
            }
            if (!object.empty()) out.attributes.operations.push_back(std::move(rest));
            continue;
        }
        auto const path = parse_patch_path(*operation.path, group_type, registry);
        if (path.target.attribute->name != members_name) {
            out.attributes.operations.push_back(operation);
            continue;
        }
        if (path.filter) {
            if (operation.op != PatchOpKind::remove || path.target.sub_attribute)
                throw Error::invalid_path("\"" + *operation.path + "\": a filter on members is only for remove");
            MemberChange change{MemberChange::Kind::remove, {}};
            ids_from_filter(*path.filter, change.members);
            out.members.push_back(std::move(change));
            continue;
        }
        if (path.target.sub_attribute)
            throw Error::invalid_path("\"" + *operation.path + "\": change members as a whole, e.g. path \"members\"");
        if (operation.op != PatchOpKind::remove && operation.value.is_null())
            throw Error::invalid_value("the operation on \"members\" needs a \"value\"");
        out.members.push_back(change_for(operation.op, operation.value));
    }
    return out;
}

}  // namespace scim
