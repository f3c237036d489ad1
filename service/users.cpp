// The writes of users: the PUT merge (identity providers own a person's name and e-mail, admins its directory
// assignments), the PATCH engine, the directory rules, the tenant's delete mode, and what a user-bound token may do.
#include "service/detail/kinds.hpp"

#include "scim/error.hpp"
#include "scim/etag.hpp"
#include "scim/urns.hpp"
#include "storage/device_repository.hpp"
#include "storage/tenant_repository.hpp"
#include "storage/user_repository.hpp"

namespace service::detail {
namespace {

namespace json = boost::json;

scim::ResourceType const& user_type() { return *scim::SchemaRegistry::builtin().resource_type("User"); }

scim::Error no_such_user(std::string_view id) {
    return scim::Error::not_found("no user with id \"" + std::string(id) + "\" in this tenant");
}

// The user, locked until the transaction ends, once If-Match has been checked against it.
storage::StoredResource lock_for_change(storage::UserRepository& users, std::string_view id,
                                        std::string_view if_match) {
    auto current = users.find(id, true);
    if (!current) throw no_such_user(id);
    scim::check_if_match(if_match, current->version);
    return std::move(*current);
}

// A token bound to a user changes that person's own details, not what admins assign: the directory extension
// (site, licences, extension, numbers, visibility), active, roles and entitlements.
void check_self_service(Caller const& caller, json::object const& before, json::object const& after) {
    if (caller.acting_user.empty()) return;
    for (std::string_view const key : {scim::urn::directory_user, std::string_view("active"), std::string_view("roles"),
                                       std::string_view("entitlements")}) {
        auto const* was = before.if_contains(key);
        auto const* is = after.if_contains(key);
        if ((was == nullptr) != (is == nullptr) || (was && *was != *is))
            throw scim::Error::forbidden("\"" + std::string(key) +
                                         "\" is set by the tenant's admins; a token bound to a "
                                         "user cannot change it");
    }
}

bool is_active(json::object const& user) {
    auto const* active = user.if_contains("active");
    return !(active && active->is_bool() && !active->get_bool());
}

// A user deactivated or activated again: its phones stay active, for emergency calls only while it is inactive.
storage::StoredResource follow_activity(pqxx::transaction_base& tx, Caller const& caller, std::string_view id,
                                        json::object const& before, storage::StoredResource updated) {
    if (is_active(before) != is_active(updated.attributes))
        storage::DeviceRepository(tx, caller.change)
            .user_activity_changed(std::string(id), is_active(updated.attributes));
    return updated;
}

}  // namespace

storage::StoredResource create_user(pqxx::transaction_base& tx, Caller const& caller, scim::ResourceInput const& input,
                                    PasswordHash const& hash) {
    return storage::UserRepository(tx, caller.change).create(input.attributes, input.password ? hash : std::nullopt);
}

storage::StoredResource replace_user(pqxx::transaction_base& tx, Caller const& caller, std::string_view id,
                                     scim::ResourceInput const& input, PasswordHash const& hash,
                                     std::string_view if_match) {
    storage::UserRepository users(tx, caller.change);
    auto current = lock_for_change(users, id, if_match);
    auto merged =
        scim::merge_for_replace(current.attributes, input.attributes, user_type(), scim::SchemaRegistry::builtin());
    auto const user = users.directory().apply(std::move(merged), &current.attributes);
    check_self_service(caller, current.attributes, user.attributes);
    bool const new_password = input.password && hash;
    if (user.attributes == current.attributes && !new_password) return current;  // nothing changes: same version
    auto updated = users.update(id, user, new_password ? hash : std::nullopt, current.attributes,
                                storage::ChangeOperation::replace);
    return follow_activity(tx, caller, id, current.attributes, std::move(updated));
}

storage::StoredResource patch_user(pqxx::transaction_base& tx, Caller const& caller, std::string_view id,
                                   scim::PatchRequest const& request, PasswordHash const& hash,
                                   std::string_view if_match) {
    storage::UserRepository users(tx, caller.change);
    auto current = lock_for_change(users, id, if_match);
    auto outcome =
        scim::apply_patch(current.attributes, request, user_type(), scim::SchemaRegistry::builtin(), caller.read);
    if (!outcome.changed) return current;  // same version
    auto const user = users.directory().apply(std::move(outcome.attributes), &current.attributes);
    check_self_service(caller, current.attributes, user.attributes);
    if (user.attributes == current.attributes && !outcome.password) return current;
    auto updated = users.update(id, user, outcome.password ? hash : std::nullopt, current.attributes,
                                storage::ChangeOperation::patch);
    return follow_activity(tx, caller, id, current.attributes, std::move(updated));
}

void delete_user(pqxx::transaction_base& tx, Caller const& caller, std::string_view id, std::string_view if_match) {
    storage::UserRepository users(tx, caller.change);
    if (users.directory().tenant().delete_mode == storage::DeleteMode::deactivate) {
        // The tenant keeps people on delete, as the phone system does: DELETE deactivates, a purge removes.
        auto current = lock_for_change(users, id, if_match);
        auto attributes = current.attributes;
        attributes["active"] = false;
        if (attributes != current.attributes)
            users.update(id, users.directory().apply(std::move(attributes), &current.attributes), std::nullopt,
                         current.attributes, storage::ChangeOperation::remove);
        // Deleting a user deactivates its phones and frees them, whichever way the tenant deletes.
        storage::DeviceRepository(tx, caller.change).user_deleted(std::string(id));
        return;
    }
    if (!if_match.empty()) lock_for_change(users, id, if_match);
    if (storage::is_uuid(id)) storage::DeviceRepository(tx, caller.change).user_deleted(std::string(id));
    if (!users.remove(id)) throw no_such_user(id);
}

}  // namespace service::detail

namespace service {

std::vector<storage::UserRepository::CreateOutcome> create_contacts(
    pqxx::transaction_base& tx, Caller const& caller, std::vector<storage::UserRepository::NewUser> const& users) {
    return storage::UserRepository(tx, caller.change).create_many(users);
}

void purge_user(pqxx::transaction_base& tx, Caller const& caller, std::string_view user_name) {
    storage::UserRepository users(tx, caller.change);
    auto const id = users.id_of(user_name);
    if (id) storage::DeviceRepository(tx, caller.change).user_deleted(*id);
    if (!id || !users.remove(*id))
        throw scim::Error::not_found("no user \"" + std::string(user_name) + "\" in this tenant");
}

std::size_t purge_inactive_users(pqxx::transaction_base& tx, Caller const& caller) {
    storage::DeviceRepository(tx, caller.change).inactive_users_deleted();
    return storage::UserRepository(tx, caller.change).remove_inactive();
}

}  // namespace service
