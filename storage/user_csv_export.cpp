// Writing a tenant's users as the admin console's CSV, a page at a time.
#include "storage/user_csv_export.hpp"

#include "scim/user_csv.hpp"
#include "storage/resource_query.hpp"

namespace storage {

std::size_t export_user_csv(pqxx::transaction_base& tx, std::string const& tenant_id, scim::BoundFilter const* filter,
                            std::function<void(std::string const&)> const& write) {
    write(scim::user_csv_header());
    ListQuery query;
    query.filter = filter;
    query.count = 1000;
    query.count_total = false;
    std::size_t written = 0;
    for (;;) {
        auto const page = list_resources(tx, users_table(), tenant_id, query);
        std::string chunk;
        for (auto const& r : page.resources) chunk += scim::user_csv_line(r.attributes);
        written += page.resources.size();
        if (!chunk.empty()) write(chunk);
        if (!page.more_after || page.keys.empty()) return written;
        query.after = page.keys.back();
    }
}

}  // namespace storage
