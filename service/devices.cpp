// The writes of devices (desk phones), and their activation.
#include "service/devices.hpp"

#include "scim/error.hpp"
#include "scim/etag.hpp"
#include "service/detail/kinds.hpp"

namespace service {
namespace detail {
namespace {

scim::ResourceType const& device_type() { return *scim::SchemaRegistry::builtin().resource_type("Device"); }

storage::StoredResource lock_for_change(storage::DeviceRepository& devices, std::string_view id,
                                        std::string_view if_match) {
    auto current = devices.find_resource(id, true);
    if (!current) throw scim::Error::not_found("no device with id \"" + std::string(id) + "\" in this tenant");
    scim::check_if_match(if_match, current->version);
    return std::move(*current);
}

}  // namespace

storage::StoredResource create_device(pqxx::transaction_base& tx, Caller const& caller,
                                      scim::ResourceInput const& input) {
    return storage::DeviceRepository(tx, caller.change).create_resource(input.attributes);
}

storage::StoredResource replace_device(pqxx::transaction_base& tx, Caller const& caller, std::string_view id,
                                       scim::ResourceInput const& input, std::string_view if_match) {
    storage::DeviceRepository devices(tx, caller.change);
    auto current = lock_for_change(devices, id, if_match);
    auto merged =
        scim::merge_for_replace(current.attributes, input.attributes, device_type(), scim::SchemaRegistry::builtin());
    return devices.update_resource(id, merged, storage::ChangeOperation::replace);
}

storage::StoredResource patch_device(pqxx::transaction_base& tx, Caller const& caller, std::string_view id,
                                     scim::PatchRequest const& request, std::string_view if_match) {
    storage::DeviceRepository devices(tx, caller.change);
    auto current = lock_for_change(devices, id, if_match);
    auto outcome =
        scim::apply_patch(current.attributes, request, device_type(), scim::SchemaRegistry::builtin(), caller.read);
    if (!outcome.changed) return current;
    return devices.update_resource(id, outcome.attributes, storage::ChangeOperation::patch);
}

void delete_device(pqxx::transaction_base& tx, Caller const& caller, std::string_view id, std::string_view if_match) {
    storage::DeviceRepository devices(tx, caller.change);
    if (!if_match.empty()) lock_for_change(devices, id, if_match);
    devices.remove(id);
}

}  // namespace detail

DeviceActivation activate_device(pqxx::transaction_base& tx, Caller const& caller, std::string_view id,
                                 std::string_view if_match) {
    storage::DeviceRepository devices(tx, caller.change);
    if (!if_match.empty()) detail::lock_for_change(devices, id, if_match);
    auto [device, code] = devices.activate(id);
    return {std::move(device), std::move(code)};
}

std::optional<storage::StoredResource> redeem_activation_code(pqxx::transaction_base& tx, Caller const& caller,
                                                              std::string_view code, std::string_view mac_address) {
    return storage::DeviceRepository(tx, caller.change).redeem(code, mac_address);
}

storage::MacRelease release_mac_address(pqxx::transaction_base& tx, std::string_view mac_address) {
    return storage::release_mac_address(tx, mac_address, storage::ChangeContext{});
}

}  // namespace service
