// Desk phones from the command line: scimd device list | activate | redeem.
#include <iostream>

#include <boost/json/value.hpp>

#include "cli/command.hpp"
#include "cli/support.hpp"
#include "scim/json_fields.hpp"
#include "scim/urns.hpp"
#include "service/devices.hpp"
#include "storage/filter_sql.hpp"
#include "storage/resource_query.hpp"

namespace cli {
namespace {

using scim::object_at;
using scim::text_at;

// One line per device: id, MAC address, model, activation state, assigned user, site, display name.
void print_device(storage::StoredResource const& d) {
    auto const& directory = object_at(d.attributes, scim::urn::directory_device);
    std::cout << d.id << "\t" << text_at(object_at(d.attributes, scim::urn::ethernet_mab_device), "deviceMacAddress")
              << "\t" << text_at(directory, "model") << "\t" << text_at(directory, "activationState") << "\t"
              << text_at(object_at(directory, "assignedUser"), "value") << "\t" << text_at(directory, "site") << "\t"
              << text_at(d.attributes, "displayName") << "\n";
}

int device_list(ParsedOptions const& o) {
    return reading_tenant(o, [](pqxx::transaction_base& tx, storage::Tenant const& tenant) {
        storage::ListQuery query;
        query.count = 1000;
        query.count_total = false;
        for (;;) {
            auto const page = storage::list_resources(tx, storage::devices_table(), tenant.id, query);
            for (auto const& d : page.resources) print_device(d);
            if (!page.more_after || page.keys.empty()) break;
            query.after = page.keys.back();
        }
        return 0;
    });
}

int device_activate(ParsedOptions const& o) {
    return with_tenant(o, [&](pqxx::work& tx, storage::Tenant const&, service::Caller const& caller) {
        auto const activation = service::activate_device(tx, caller, o.positional()[0], "");
        if (activation.code) {
            std::cout << activation.code->code << "\n";
            std::cerr << "scimd: activation code for device " << activation.device.id << ", valid until "
                      << activation.code->expires << "; it is shown only now\n";
        } else if (text_at(object_at(activation.device.attributes, scim::urn::directory_device), "activationState") ==
                   "active") {
            std::cerr << "scimd: device " << activation.device.id << " is active (its MAC address is known)\n";
        } else {
            std::cerr << "scimd: device " << activation.device.id
                      << " is pending: its phone is active in another organisation, and becomes active here when it "
                         "lets it go (or the operator runs 'scimd device release-mac')\n";
        }
        return 0;
    });
}

int device_redeem(ParsedOptions const& o) {
    auto const& mac = required(o, "mac");
    return with_tenant(o, [&](pqxx::work& tx, storage::Tenant const&, service::Caller const& caller) {
        auto const device = service::redeem_activation_code(tx, caller, o.positional()[0], mac);
        if (!device) {
            tx.commit();  // the wrong try counts against the device
            throw storage::wrong_activation_code();
        }
        std::cerr << "scimd: device " << device->id << " is "
                  << text_at(object_at(device->attributes, scim::urn::directory_device), "activationState") << "\n";
        print_device(*device);
        return 0;
    });
}

int device_release_mac(ParsedOptions const& o) {
    auto connection = storage::connect(o.get("database-url"));
    pqxx::work tx(*connection);
    auto const released = service::release_mac_address(tx, o.positional()[0]);
    tx.commit();
    if (released.tenant.empty())
        std::cerr << "scimd: no tenant has a phone with that MAC address active";
    else
        std::cerr << "scimd: released it from device " << released.device_id << " of tenant " << released.tenant;
    std::cerr << "; " << released.waiting << " device(s) of other tenants wait for it\n";
    return 0;
}

}  // namespace

std::vector<Command> device_commands() {
    auto const with_tenant_option = [](std::vector<OptionSpec> options) {
        options.insert(options.begin(), tenant_option());
        options.push_back(database_url_option());
        return options;
    };
    return {
        {"Desk phones",
         {"device list", "",
          "Lists a tenant's desk phones: id, MAC address, model, activation state, user, site, display name.",
          with_tenant_option({}), 0},
         device_list},
        {"Desk phones",
         {"device activate", "ID",
          "Activates a phone: at once when its MAC address is known, else prints a one-time activation code.",
          with_tenant_option({}), 1},
         device_activate},
        {"Desk phones",
         {"device redeem", "CODE",
          "Redeems an activation code for the phone it was typed on: the device becomes active with that MAC address.",
          with_tenant_option({{"mac", "MAC", "the MAC address of the phone, e.g. 00:04:F2:11:22:33", ""}}), 1},
         device_redeem},
        {"Desk phones",
         {"device release-mac",
          "MAC",
          "Operator: takes a phone away from the tenant that has it active (its device there forgets the MAC address), "
          "so that another tenant's device waiting for it can be activated.",
          {database_url_option()},
          1},
         device_release_mac},
    };
}

}  // namespace cli
