// Desk phones' activation, beyond the SCIM writes every resource has (service/writes.hpp): a phone with a known MAC
// address is activated at once; one without gets a one-time activation code that the device-provisioning service
// redeems with the MAC address of the phone it was typed on.
#pragma once

#include <optional>
#include <string_view>

#include "service/writes.hpp"
#include "storage/device_repository.hpp"

namespace service {

struct DeviceActivation {
    storage::StoredResource device;
    std::optional<storage::ActivationCode> code;  // shown once: only its hash is kept
};

/// @throws scim::Error 404, 412 on a version mismatch, 409 when the device is deactivated.
DeviceActivation activate_device(pqxx::transaction_base& tx, Caller const& caller, std::string_view id,
                                 std::string_view if_match);

/// The activated device, or nullopt for a wrong, expired or void code — commit, then answer
/// storage::wrong_activation_code(): a wrong try is counted against the device. @throws scim::Error 400 for a
/// malformed MAC address, 409 when another device has it.
std::optional<storage::StoredResource> redeem_activation_code(pqxx::transaction_base& tx, Caller const& caller,
                                                              std::string_view code, std::string_view mac_address);

/// The operator takes the phone with `mac_address` away from the tenant that has it active (a squatter, a company that
/// left), so that a tenant whose device waits for it can activate it: its device there loses the MAC address, with a
/// change record in that tenant made by the command line. @throws scim::Error 400 for a malformed MAC address.
storage::MacRelease release_mac_address(pqxx::transaction_base& tx, std::string_view mac_address);

}  // namespace service
