// What happened in a tenant, from its change records: scimd audit.
#include <iostream>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "cli/command.hpp"
#include "cli/support.hpp"
#include "storage/change_log.hpp"

namespace cli {
namespace {

int audit(ParsedOptions const& o) {
    storage::ChangeQuery const query{o.get("since"), o.get("resource")};
    bool const as_json = o.is_set("json");
    return reading_tenant(o, [&](pqxx::transaction_base& tx, storage::Tenant const& tenant) {
        storage::for_each_change(tx, tenant.id, query, [&](storage::ChangeRecord const& r) {
            if (as_json) {
                boost::json::array attributes;
                for (auto const& a : r.attributes) attributes.emplace_back(a);
                boost::json::object line{{"time", r.occurred_at}, {"resourceType", r.resource_type},
                                         {"id", r.resource_id},   {"operation", r.operation},
                                         {"actor", r.actor},      {"attributes", std::move(attributes)}};
                if (r.version) line["version"] = *r.version;
                if (!r.request_id.empty()) line["requestId"] = r.request_id;
                std::cout << boost::json::serialize(line) << "\n";
                return;
            }
            std::string attributes;
            for (auto const& a : r.attributes) attributes += (attributes.empty() ? "" : ",") + a;
            std::cout << r.occurred_at << "\t" << r.resource_type << "\t" << r.resource_id << "\t" << r.operation
                      << "\t" << (r.version ? std::to_string(*r.version) : "-") << "\t" << r.actor << "\t"
                      << (r.request_id.empty() ? "-" : r.request_id) << "\t" << attributes << "\n";
        });
        return 0;
    });
}

}  // namespace

std::vector<Command> audit_commands() {
    return {{"Audit",
             {"audit",
              "",
              "Prints a tenant's change records, oldest first: time, resource type, id, operation, version, actor "
              "(token label or cli), request id, and the names of the attributes changed.",
              {tenant_option(),
               {"since", "TIME", "only changes at or after this dateTime, e.g. 2026-11-24T09:00:00Z", ""},
               {"resource", "ID",
                "only the changes of this resource (a user's or group's id, a site's id, a number...)", ""},
               {"json", "", "one JSON object per line instead of tab-separated columns", ""},
               database_url_option()},
              0},
             audit}};
}

}  // namespace cli
