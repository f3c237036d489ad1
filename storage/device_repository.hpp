// Desk phones of one tenant (RFC 9944 Devices): by MAC address or by activation code, assigned to at most one user.
// A MAC address is unique within the tenant, and active in one tenant at most: a device whose MAC another tenant has
// active is pending until that one lets it go (its holder removes or deactivates it, or the operator releases it).
// Every statement is scoped by the tenant but that one question, which is answered yes or no.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>
#include <pqxx/transaction_base>

#include "scim/error.hpp"
#include "storage/stored_resource.hpp"

namespace storage {

/// An activation code handed out: shown once, stored as its SHA-256 only.
struct ActivationCode {
    std::string code;     // "ABCD-EFGHJ-KMNPQ": a lookup part and 50 random bits, in Crockford's base32
    std::string expires;  // RFC 3339
};

/// What a wrong, expired or void activation code gets: 400 invalidValue, saying what to do.
scim::Error wrong_activation_code();

class DeviceRepository {
public:
    /// Wrong codes a device takes before its outstanding code is void.
    static constexpr int max_code_failures = 5;

    /// Works in `tx` on the devices of `context.tenant_id`; every write appends its change records, and a write that
    /// changes a user's phones updates that user's read-only `devices` (with its own record).
    DeviceRepository(pqxx::transaction_base& tx, ChangeContext context)
        : tx_(tx), context_(std::move(context)), tenant_id_(context_.tenant_id) {}

    /// A device from its SCIM attributes (canonical form; read-only ones are ignored).
    /// @throws scim::Error 400 invalidValue (a malformed MAC address, an unknown user or site), 409 uniqueness (the
    /// MAC address belongs to another device of this tenant), 403 (the tenant's device quota is reached), 429 (its
    /// creations per minute are).
    StoredResource create_resource(boost::json::object const& attributes);
    /// nullopt also for ids that are not UUIDs; `for_update` locks the row until the transaction ends.
    std::optional<StoredResource> find_resource(std::string_view id, bool for_update = false);
    /// Replaces what a client writes of the device (`attributes`, canonical, after a PUT's merge or a PATCH) and
    /// works out its activation state again. @throws scim::Error as create_resource() does, 404.
    StoredResource update_resource(std::string_view id, boost::json::object const& attributes,
                                   ChangeOperation operation);
    /// @throws scim::Error 404.
    void remove(std::string_view id);

    /// Activates the device: at once when its MAC address is known (returns no code); else issues a new activation
    /// code, valid for the tenant's activation_code_days, and the device is pending until it is redeemed.
    /// @throws scim::Error 404, 409 when the device is deactivated (set active first).
    std::pair<StoredResource, std::optional<ActivationCode>> activate(std::string_view id);
    /// The device-provisioning service redeems a code with the MAC address of the phone it was typed on: the
    /// device becomes active with that MAC address. nullopt for an unknown, expired, void or wrong code: a wrong
    /// one counts against the device its lookup part names, and after max_code_failures voids its code — so commit
    /// the transaction before answering wrong_activation_code(). @throws scim::Error 400 invalidValue (a
    /// malformed MAC), 409 uniqueness (the MAC belongs to another device).
    std::optional<StoredResource> redeem(std::string_view code, std::string_view mac_address);

    /// The device no longer knows its phone's MAC address (released by the operator): unassigned. @throws 404.
    void forget_mac_address(std::string_view id);

    /// How many times this repository found a MAC address active in another tenant (for the metric).
    int mac_conflicts() const { return mac_conflicts_; }

    /// The user `user_id` was activated or deactivated: its phones stay active, flagged for emergency calls only
    /// while it is inactive.
    void user_activity_changed(std::string const& user_id, bool active);
    /// The user `user_id` is being deleted: its phones are deactivated and freed for another user.
    void user_deleted(std::string const& user_id);
    /// Every inactive user of the tenant is being deleted (a purge): their phones are deactivated and freed.
    void inactive_users_deleted();

private:
    struct Fields;
    Fields fields_of(boost::json::object const& attributes);
    void check_mac_free(std::string const& mac, std::string_view own_id);
    bool mac_active_elsewhere(std::string const& mac);
    void check_creation_allowed();
    /// Writes the `devices` of each user named (their phones now) into its document, with an `update` record.
    void refresh_users(std::vector<std::string> const& user_ids);
    /// Deactivates and frees the devices `condition` picks ($1 the tenant, $2 `argument`); returns how many.
    std::size_t free_devices(std::string const& condition, std::string const& argument);
    StoredResource record(StoredResource device, ChangeOperation operation, boost::json::object const& before);

    pqxx::transaction_base& tx_;
    ChangeContext context_;
    std::string tenant_id_;
    int mac_conflicts_ = 0;
};

/// What releasing a MAC address did: the tenant and device that held it active (empty when none did), and how many
/// devices of other tenants wait for it.
struct MacRelease {
    std::string tenant;
    std::string device_id;
    std::int64_t waiting = 0;
};

/// The operator takes a phone away from the tenant that has it active (a squatter, a company that left): its device
/// there loses the MAC address and is unassigned, with a change record in that tenant naming `actor`'s context.
/// Devices of other tenants waiting for it can then be activated. @throws scim::Error 400 for a malformed MAC.
MacRelease release_mac_address(pqxx::transaction_base& tx, std::string_view mac_address, ChangeContext context);

}  // namespace storage
