// The writes of groups: their own attributes in the group's row, their members one row each, so that adding one
// member to a group of any size is one insert; a change of members alone is a new version of the group.
#include "service/detail/kinds.hpp"

#include "scim/error.hpp"
#include "scim/etag.hpp"
#include "scim/group_members.hpp"
#include "storage/group_repository.hpp"

namespace service::detail {
namespace {

scim::ResourceType const& group_type() { return *scim::SchemaRegistry::builtin().resource_type("Group"); }

scim::Error no_such_group(std::string_view id) {
    return scim::Error::not_found("no group with id \"" + std::string(id) + "\" in this tenant");
}

storage::StoredResource lock_for_change(storage::GroupRepository& groups, std::string_view id,
                                        std::string_view if_match) {
    auto current = groups.find(id, true);
    if (!current) throw no_such_group(id);
    scim::check_if_match(if_match, current->version);
    return std::move(*current);
}

std::vector<storage::MemberRef> refs(std::vector<scim::MemberValue> const& members) {
    std::vector<storage::MemberRef> out;
    out.reserve(members.size());
    for (auto const& m : members) out.push_back({m.value, m.type});
    return out;
}

// A group's own attributes and its members, taken apart: the members go to the membership table.
std::pair<boost::json::object, std::vector<scim::MemberValue>> split_members(boost::json::object attributes) {
    std::vector<scim::MemberValue> members;
    if (auto* m = attributes.if_contains("members")) {
        members = scim::member_values(*m);
        attributes.erase("members");
    }
    return {std::move(attributes), std::move(members)};
}

// Makes the members exactly `members`; returns whether any membership changed.
bool replace_members(storage::GroupRepository& groups, std::string_view id,
                     std::vector<scim::MemberValue> const& members) {
    auto const resolved = groups.resolve_members(id, refs(members));
    std::vector<std::string> keep;
    for (auto const& r : resolved) keep.push_back(r.id);
    auto const removed = groups.remove_members_except(id, keep);
    return groups.add_members(id, resolved) + removed > 0;
}

// The new version of a group whose attributes and members a request changed, or the current one when neither did.
storage::StoredResource changed(storage::GroupRepository& groups, storage::StoredResource current,
                                boost::json::object const& attributes, bool members_changed,
                                storage::ChangeOperation operation) {
    if (attributes != current.attributes)
        return groups.update(current.id, attributes, current.attributes, operation, members_changed);
    if (members_changed) return groups.touch(current.id, operation);
    return current;  // nothing changed: same version
}

}  // namespace

storage::StoredResource create_group(pqxx::transaction_base& tx, Caller const& caller,
                                     scim::ResourceInput const& input) {
    auto const [attributes, members] = split_members(input.attributes);
    storage::GroupRepository groups(tx, caller.change);
    auto created = groups.create(attributes, !members.empty());
    groups.add_members(created.id, groups.resolve_members(created.id, refs(members)));
    return created;
}

storage::StoredResource replace_group(pqxx::transaction_base& tx, Caller const& caller, std::string_view id,
                                      scim::ResourceInput const& input, std::string_view if_match) {
    auto const [attributes, members] = split_members(input.attributes);
    storage::GroupRepository groups(tx, caller.change);
    auto current = lock_for_change(groups, id, if_match);
    auto merged =
        scim::merge_for_replace(current.attributes, attributes, group_type(), scim::SchemaRegistry::builtin());
    bool const members_changed = replace_members(groups, id, members);  // PUT replaces the members
    return changed(groups, std::move(current), merged, members_changed, storage::ChangeOperation::replace);
}

storage::StoredResource patch_group(pqxx::transaction_base& tx, Caller const& caller, std::string_view id,
                                    scim::PatchRequest const& request, std::string_view if_match) {
    auto const& registry = scim::SchemaRegistry::builtin();
    auto const split = scim::split_group_patch(request, group_type(), registry);
    storage::GroupRepository groups(tx, caller.change);
    auto current = lock_for_change(groups, id, if_match);
    bool members_changed = false;
    for (auto const& m : split.members) {
        using Kind = scim::MemberChange::Kind;
        switch (m.kind) {
            case Kind::add:
                members_changed |= groups.add_members(id, groups.resolve_members(id, refs(m.members))) > 0;
                break;
            case Kind::remove: {
                std::vector<std::string> ids;
                for (auto const& v : m.members) ids.push_back(v.value);
                members_changed |= groups.remove_members(id, ids) > 0;
                break;
            }
            case Kind::remove_all:
                members_changed |= groups.remove_all_members(id) > 0;
                break;
            case Kind::replace:
                members_changed |= replace_members(groups, id, m.members);
                break;
        }
    }
    auto attributes = current.attributes;
    if (!split.attributes.operations.empty()) {
        auto outcome = scim::apply_patch(current.attributes, split.attributes, group_type(), registry, caller.read);
        if (outcome.changed) attributes = std::move(outcome.attributes);
    }
    return changed(groups, std::move(current), attributes, members_changed, storage::ChangeOperation::patch);
}

void delete_group(pqxx::transaction_base& tx, Caller const& caller, std::string_view id, std::string_view if_match) {
    storage::GroupRepository groups(tx, caller.change);
    if (!if_match.empty()) lock_for_change(groups, id, if_match);
    if (!groups.remove(id)) throw no_such_group(id);
}

}  // namespace service::detail
