// The writes of users: the PUT merge (identity providers own a person's name and e-mail, admins its directory
// assignments), the PATCH engine, the directory rules, the tenant's delete mode, and what a user-bound token may do.
#include "service/detail/kinds.hpp"

#include "scim/directory_user.hpp"
#include "scim/error.hpp"
#include "scim/etag.hpp"
#include "scim/text.hpp"
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
// (site, licences, extension, numbers, visibility), active, roles and entitlements; nor the keys identity providers
// and HR systems match people on (userName, externalId, the enterprise employeeNumber and manager, the primary e-mail):
// an employee who took a future hire's userName would receive that hire's groups and licences at the next sync.
json::value const* member(json::object const& o, std::string_view key) { return o.if_contains(key); }

json::value const* enterprise_member(json::object const& o, std::string_view key) {
    auto const* ext = o.if_contains(scim::urn::enterprise_user);
    return ext && ext->is_object() ? ext->get_object().if_contains(key) : nullptr;
}

std::string primary_email(json::object const& o) {
    auto const* emails = o.if_contains("emails");
    if (!emails || !emails->is_array()) return {};
    for (auto const& e : emails->get_array()) {
        if (!e.is_object()) continue;
        auto const* primary = e.get_object().if_contains("primary");
        auto const* value = e.get_object().if_contains("value");
        if (primary && primary->is_bool() && primary->get_bool() && value && value->is_string())
            return scim::to_lower(value->get_string());
    }
    return {};
}

void refuse_self_service_change(std::string_view name) {
    throw scim::Error::forbidden("\"" + std::string(name) +
                                 "\" is set by the tenant's admins; a token bound to a user cannot change it");
}

// Checked on the request's outcome before any directory rule runs (no site is locked, no extension allocated for a
// request that is refused): the directory attributes a client writes, not those the rules derive from them.
void check_self_service(Caller const& caller, json::object const& before, json::object const& after) {
    if (caller.acting_user.empty()) return;
    auto const differ = [](json::value const* was, json::value const* is) {
        return (was == nullptr) != (is == nullptr) || (was && *was != *is);
    };
    if (scim::read_directory_fields(before) != scim::read_directory_fields(after))
        refuse_self_service_change(scim::urn::directory_user);
    for (std::string_view const key : {"userName", "externalId", "active", "roles", "entitlements"})
        if (differ(member(before, key), member(after, key))) refuse_self_service_change(key);
    for (std::string_view const key : {"employeeNumber", "manager"})
        if (differ(enterprise_member(before, key), enterprise_member(after, key)))
            refuse_self_service_change(std::string(scim::urn::enterprise_user) + ":" + std::string(key));
    if (primary_email(before) != primary_email(after)) refuse_self_service_change("emails[primary eq true].value");
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
    check_self_service(caller, current.attributes, merged);
    auto const user = users.directory().apply(std::move(merged), &current.attributes);
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
    check_self_service(caller, current.attributes, outcome.attributes);
    auto const user = users.directory().apply(std::move(outcome.attributes), &current.attributes);
    if (user.attributes == current.attributes && !outcome.password) return current;
    auto updated = users.update(id, user, outcome.password ? hash : std::nullopt, current.attributes,
                                storage::ChangeOperation::patch);
    return follow_activity(tx, caller, id, current.attributes, std::move(updated));
}

void delete_user(pqxx::transaction_base& tx, Caller const& caller, std::string_view id, std::string_view if_match) {
    storage::UserRepository users(tx, caller.change);
    auto const& tenant = users.directory().tenant();
    // Under the interoperability profile DELETE deletes: afterwards 404, its identifiers free (not a deactivation).
    if (tenant.delete_mode == storage::DeleteMode::deactivate && !tenant.strict_profile) {
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
