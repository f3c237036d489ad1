// Writing a tenant's users as contacts, a page at a time.
#include "storage/user_csv_export.hpp"

namespace storage {
namespace {

constexpr std::int64_t page_size = 1000;

}  // namespace

std::string export_users_page(pqxx::transaction_base& tx, std::string const& tenant_id, scim::BoundFilter const* filter,
                              scim::ContactFormat format, std::string const& company, ExportPosition& position) {
    if (position.done) return {};
    ListQuery query;
    query.filter = filter;
    query.count = page_size;
    query.count_total = false;
    query.after = position.after;
    auto const page = list_resources(tx, users_table(), tenant_id, query);
    std::string chunk;
    for (auto const& r : page.resources) chunk += scim::contact_record(format, r.attributes, company);
    position.users += page.resources.size();
    position.done = !page.more_after || page.keys.empty();
    if (!page.keys.empty()) position.after = page.keys.back();
    return chunk;
}

std::size_t export_users(pqxx::transaction_base& tx, std::string const& tenant_id, scim::BoundFilter const* filter,
                         scim::ContactFormat format, std::string const& company,
                         std::function<void(std::string const&)> const& write) {
    if (auto const header = scim::contact_header(format); !header.empty()) write(header);
    ExportPosition position;
    while (!position.done)
        if (auto const chunk = export_users_page(tx, tenant_id, filter, format, company, position); !chunk.empty())
            write(chunk);
    return position.users;
}

}  // namespace storage
