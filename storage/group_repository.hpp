// Groups of one tenant and their memberships (one row per membership). Every statement is scoped by the tenant.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/transaction_base>

#include "storage/stored_resource.hpp"

namespace storage {

/// A member as the client names it; the type is looked up when the client does not say.
struct MemberRef {
    std::string id;
    std::string type;  // "User", "Group" or empty
};

/// A member as stored, with what responses show of it.
struct Member {
    std::string id;
    std::string type;       // "User" or "Group"
    std::string display;    // the user's displayName (else userName), or the group's displayName
    std::string directory;  // a user's directory attributes as JSON text, when asked for; else empty
};

/// The SQL of one text column: the groups of the user whose id is `user_id` (an SQL expression) in tenant `tenant_id`
/// (another), direct and indirect, as a JSON array of [id, displayName, direct] ordered by displayName. Every
/// step is an index lookup by (tenant, member): the plan needs no statistics, and a cycle of nested groups ends.
std::string user_groups_sql(std::string const& tenant_id, std::string const& user_id);

class GroupRepository {
public:
    /// Works in `tx` on the groups of `context.tenant_id`; every write appends its change records.
    GroupRepository(pqxx::transaction_base& tx, ChangeContext context) : tx_(tx), context_(std::move(context)) {}

    /// Stores a new group (displayName, externalId; members go through add_members, and `with_members` says the
    /// change record should name them). @throws scim::Error uniqueness when the displayName is taken, in any case.
    StoredResource create(boost::json::object const& attributes, bool with_members);
    /// The id of the group with that displayName (in any case), or nullopt.
    std::optional<std::string> id_of(std::string_view display_name);

    std::optional<StoredResource> find(std::string_view id, bool for_update = false);
    /// Replaces the stored attributes (`previous`, as found) and bumps the version; `members_changed` adds
    /// "members" to the change record. @throws scim::Error uniqueness, not_found.
    StoredResource update(std::string_view id, boost::json::object const& attributes,
                          boost::json::object const& previous, ChangeOperation operation, bool members_changed);
    /// Bumps the version after a change of members only.
    StoredResource touch(std::string_view id, ChangeOperation operation);
    /// Deletes the group; the groups it was a member of are recorded as changed too.
    bool remove(std::string_view id);

    /// The members as stored, with their types; unknown ids, ids of another tenant and the group itself are refused.
    /// @throws scim::Error invalid_value naming every id that is not a user or group of this tenant.
    std::vector<MemberRef> resolve_members(std::string_view group_id, std::vector<MemberRef> const& members);
    /// Inserts memberships (existing ones are kept); returns how many were new. One statement, whatever the size.
    std::int64_t add_members(std::string_view group_id, std::vector<MemberRef> const& members);
    /// Deletes the listed memberships; returns how many there were.
    std::int64_t remove_members(std::string_view group_id, std::vector<std::string> const& member_ids);
    std::int64_t remove_all_members(std::string_view group_id);
    /// Deletes every membership but those of `keep_ids`; returns how many went.
    std::int64_t remove_members_except(std::string_view group_id, std::vector<std::string> const& keep_ids);
    std::int64_t count_members(std::string_view group_id);
    /// Sets the user_groups of each of `users` that was read without them, in one statement.
    void add_user_groups(std::vector<StoredResource>& users);
    /// Calls `each` for every member, in id order, without holding them all.
    /// `with_directory`: each user member comes with its directory attributes (for who may see it).
    void for_each_member(std::string_view group_id, std::function<void(Member const&)> const& each,
                         bool with_directory = false);

private:
    pqxx::transaction_base& tx_;
    ChangeContext context_;
};

}  // namespace storage
