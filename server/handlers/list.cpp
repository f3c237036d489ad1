// Lists: filter, sort, index or cursor pagination, projection — for every resource type.
#include "server/handlers/handlers.hpp"

#include <algorithm>

#include <pqxx/transaction>

#include "scim/error.hpp"
#include "scim/filter_parser.hpp"
#include "scim/text.hpp"
#include "scim/urns.hpp"
#include "server/responses.hpp"

namespace server::handlers {
namespace {

bool descending(std::string const& sort_order) {
    if (sort_order.empty() || scim::iequals(sort_order, "ascending")) return false;
    if (scim::iequals(sort_order, "descending")) return true;
    throw scim::Error::invalid_value("sortOrder must be \"ascending\" or \"descending\", not \"" + sort_order + "\"");
}

}  // namespace

Reply list_resources(RequestContext& ctx, scim::ResourceType const& type, storage::ResourceTable const& table,
                     ListRequest const& request) {
    auto const& registry = ctx.app.registry;
    auto const& config = ctx.app.config;
    std::optional<scim::BoundFilter> filter;
    if (request.filter) filter = scim::bind_filter(scim::parse_filter(*request.filter), type, registry);

    storage::ListQuery query;
    query.filter = filter ? &*filter : nullptr;
    if (!request.sort_by.empty()) query.sort = storage::sort_key(scim::resolve_sort_path(request.sort_by, type, registry), table);
    query.descending = descending(request.sort_order);
    // RFC 7644 §3.4.2.4: a negative count means 0; more than the server's maximum means the maximum.
    query.count = std::clamp<std::int64_t>(request.count.value_or(config.default_page_size), 0, config.max_page_size);
    auto const selection = scim::parse_selection(request.attributes, request.excluded_attributes, type, registry);
    query.members = scim::stored_members(selection, type, registry);

    bool const cursor_mode = request.cursor.has_value();
    std::int64_t start_index = 1;
    std::string binding;
    if (cursor_mode) {
        if (request.start_index)
            throw scim::Error::invalid_value("use either cursor or startIndex to page, not both");
        binding = ctx.grant.tenant_id + "\n" + type.id + "\n" + request.filter.value_or("") + "\n" +
                  scim::to_lower(request.sort_by) + "\n" + (query.descending ? "d" : "a");
        if (!request.cursor->empty()) {
            auto const position = ctx.app.cursors.decode(*request.cursor, binding, ctx.now);
            (position.before ? query.before : query.after) = position.key;
        }
        query.count_total = false;  // a count would cost a scan of every match on every page
    } else {
        // RFC 7644 §3.4.2.4: a startIndex below 1 means 1.
        start_index = std::max<std::int64_t>(1, request.start_index.value_or(1));
        query.offset = start_index - 1;
    }

    auto const tenant = ctx.grant.tenant_id;
    auto const page = co_await ctx.app.db.run(
        [&](pqxx::work& tx) { return storage::list_resources(tx, table, tenant, query); });

    boost::json::array resources;
    resources.reserve(page.resources.size());
    for (auto const& stored : page.resources) resources.emplace_back(render(ctx, type, stored, selection));
    if (!cursor_mode)
        co_return json_response(200, list_response(std::move(resources), page.total.value_or(0), start_index));

    boost::json::object body;
    body["schemas"] = boost::json::array{scim::urn::list_response};
    body["itemsPerPage"] = static_cast<std::int64_t>(resources.size());
    if (page.more_after && !page.keys.empty())
        body["nextCursor"] = ctx.app.cursors.encode({page.keys.back(), false}, binding, ctx.now);
    if (page.more_before && !page.keys.empty())
        body["previousCursor"] = ctx.app.cursors.encode({page.keys.front(), true}, binding, ctx.now);
    body["Resources"] = std::move(resources);
    co_return json_response(200, body);
}

}  // namespace server::handlers
