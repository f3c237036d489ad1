// Group members as changes to a membership table rather than an array: what a create, PUT or PATCH asks for.
#pragma once

#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "scim/patch.hpp"

namespace scim {

struct MemberValue {
    std::string value;  // the member's id
    std::string type;   // "User", "Group" or empty (looked up)
};

struct MemberChange {
    enum class Kind { add, remove, remove_all, replace };
    Kind kind = Kind::add;
    std::vector<MemberValue> members;
};

/// A Group PATCH split in two: operations on the group's own attributes, and membership changes in order.
struct GroupPatch {
    PatchRequest attributes;
    std::vector<MemberChange> members;
};

/// The members of a `members` value: an array (or one value) of {"value": id, "type": …} objects or bare ids;
/// `$ref` and `display` are ignored (a null `$ref`, as Entra sends, too).
/// @throws Error invalid_value when a member has no id.
std::vector<MemberValue> member_values(boost::json::value const& members);

/// Splits a Group PATCH: `add`/`replace`/`remove` of `members` (with a value list, without, or as
/// `members[value eq "id"]` joined by `or`), also inside a path-less value, become membership changes.
/// @throws Error invalid_path for member paths other than these, invalid_filter for other member filters.
GroupPatch split_group_patch(PatchRequest const& request, ResourceType const& group_type,
                             SchemaRegistry const& registry);

}  // namespace scim
