// Lists: filter, sort, index or cursor pagination, projection — for every resource type.
#include "server/handlers/handlers.hpp"

#include <algorithm>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <pqxx/transaction>

#include "scim/error.hpp"
#include "scim/filter_parser.hpp"
#include "scim/text.hpp"
#include "scim/urns.hpp"
#include "server/error_response.hpp"
#include "server/handlers/views.hpp"
#include "server/page_positions.hpp"
#include "server/reads.hpp"
#include "server/responses.hpp"
#include "storage/user_repository.hpp"

namespace server::handlers {
namespace {

bool descending(std::string const& sort_order) {
    if (sort_order.empty() || scim::iequals(sort_order, "ascending")) return false;
    if (scim::iequals(sort_order, "descending")) return true;
    throw scim::Error::invalid_value("sortOrder must be \"ascending\" or \"descending\", not \"" + sort_order + "\"");
}

}  // namespace

namespace {

struct RenderedPage {
    storage::ListPage page;
    std::vector<std::string> texts;
};

// What a token bound to a user lists of the directory, as that person sees it (a filter): nobody hidden from the
// directory (displayInDirectory false), and an entry whose directoryScope is SITE only at its own site; the rule of
// scim::shown_in_directory.
std::string visible_to_viewer(DirectoryViewer const& viewer) {
    auto const directory = std::string(scim::urn::directory_user);
    // A SCIM filter's string is a JSON string: the site's name goes in serialized, whatever it holds.
    return directory + ":displayInDirectory eq true and not (" + directory + ":directoryScope eq \"SITE\" and not (" +
           directory + ":site eq " + boost::json::serialize(boost::json::string(viewer.site)) + "))";
}

// The filter of a list of `type`: the client's, narrowed to whom a user-bound token's person sees.
std::optional<scim::BoundFilter> list_filter(RequestContext const& ctx, std::optional<std::string> const& filter,
                                             scim::ResourceType const& type) {
    auto const& registry = ctx.app.registry;
    if (type.id == "User" && ctx.viewer) {
        auto const visible = visible_to_viewer(*ctx.viewer);
        return scim::bind_filter(scim::parse_filter(filter ? "(" + *filter + ") and " + visible : visible), type,
                                 registry);
    }
    if (filter) return scim::bind_filter(scim::parse_filter(*filter), type, registry);
    return std::nullopt;
}

HttpResponse list_reply(std::string body) {
    HttpResponse res;
    res.body = std::move(body);
    res.set_header("Content-Type", scim_content_type);
    return res;
}

}  // namespace

Reply list_resources(RequestContext& ctx, scim::ResourceType const& type, storage::ResourceTable const& table,
                     ListRequest const& request) {
    auto const& registry = ctx.app.registry;
    auto const& config = ctx.app.config;
    auto const filter = list_filter(ctx, request.filter, type);

    storage::ListQuery query;
    query.filter = filter ? &*filter : nullptr;
    if (!request.sort_by.empty())
        query.sort = storage::sort_key(scim::resolve_sort_path(request.sort_by, type, registry), table);
    query.descending = descending(request.sort_order);
    // RFC 7644 §3.4.2.4: a negative count means 0; more than the server's maximum means the maximum.
    query.count = std::clamp<std::int64_t>(request.count.value_or(config.default_page_size), 0, config.max_page_size);
    auto const selection = scim::parse_selection(request.attributes, request.excluded_attributes, type, registry);
    query.members = scim::stored_members(selection, type, registry);
    query.user_groups = wants_user_groups(ctx, type, selection);

    bool const cursor_mode = request.cursor.has_value();
    std::int64_t start_index = 1;
    // The query a cursor or a remembered page position belongs to.
    // A user-bound token's lists are its person's view: their positions are theirs.
    auto const binding = ctx.grant.tenant_id + "\n" + (ctx.viewer ? ctx.viewer->user_id : "") + "\n" + type.id + "\n" +
                         request.filter.value_or("") + "\n" + scim::to_lower(request.sort_by) + "\n" +
                         (query.descending ? "d" : "a");
    if (cursor_mode) {
        if (request.start_index) throw scim::Error::invalid_value("use either cursor or startIndex to page, not both");
        if (!request.cursor->empty()) {
            auto const position = ctx.app.cursors.decode(*request.cursor, binding, ctx.now);
            (position.before ? query.before : query.after) = position.key;
        }
        query.count_total = false;  // a count would cost a scan of every match on every page
    } else {
        // RFC 7644 §3.4.2.4: a startIndex below 1 means 1.
        start_index = std::max<std::int64_t>(1, request.start_index.value_or(1));
        query.offset = start_index - 1;
        if (auto const from = ctx.app.page_positions.start(binding, query.offset, PagePositions::Clock::now())) {
            query.after = from->after;
            query.offset = from->offset;
        }
    }

    auto const tenant = ctx.grant.tenant_id;
    auto const page_of = [&](pqxx::transaction_base& tx) {
        RenderedPage out{storage::list_resources(tx, table, tenant, query), {}};
        out.texts = render_resources(tx, ctx, type, out.page.resources, selection);
        return out;
    };
    // Groups' members are read through a cursor, which needs a transaction; so do some pages (see storage).
    RenderedPage result;
    auto const shape = type.id == "User" && !storage::list_needs_transaction(table, query) ? ReadShape::statements
                                                                                           : ReadShape::transaction;
    result = co_await read_only(ctx, shape, page_of);
    auto const& page = result.page;
    if (!cursor_mode && !page.keys.empty())
        ctx.app.page_positions.remember(binding, start_index - 1 + static_cast<std::int64_t>(page.keys.size()),
                                        page.keys.back(), PagePositions::Clock::now());
    if (!cursor_mode) co_return list_reply(list_response_text(result.texts, page.total.value_or(0), start_index));

    boost::json::object cursors;
    if (page.more_after && !page.keys.empty())
        cursors["nextCursor"] = ctx.app.cursors.encode({page.keys.back(), false}, binding, ctx.now);
    if (page.more_before && !page.keys.empty())
        cursors["previousCursor"] = ctx.app.cursors.encode({page.keys.front(), true}, binding, ctx.now);
    co_return list_reply(list_response_text(result.texts, std::nullopt, std::nullopt, std::move(cursors)));
}

Reply search_all(RequestContext& ctx, ListRequest const& request) {
    if (request.cursor)
        throw scim::Error::invalid_value("cursors page one resource type: use /Users/.search or /Groups/.search");
    auto const& registry = ctx.app.registry;
    auto const& config = ctx.app.config;
    struct Kind {
        scim::ResourceType const* type;
        storage::ResourceTable const* table;
        std::optional<scim::BoundFilter> filter;
        bool applies = true;
    };
    std::vector<Kind> kinds{{registry.resource_type("User"), &storage::users_table(), {}, true},
                            {registry.resource_type("Group"), &storage::groups_table(), {}, true}};
    // A filter naming an attribute one type does not have matches nothing of that type (RFC 7644 §3.4.3).
    std::optional<scim::Error> refused;
    for (auto& kind : kinds) {
        if (!request.filter) {
            kind.filter = list_filter(ctx, request.filter, *kind.type);
            continue;
        }
        try {
            kind.filter = list_filter(ctx, request.filter, *kind.type);
        } catch (scim::UnknownAttributeError const& e) {
            kind.applies = false;
            refused = e;
        }
    }
    if (std::none_of(kinds.begin(), kinds.end(), [](Kind const& k) { return k.applies; })) throw *refused;
    auto const count =
        std::clamp<std::int64_t>(request.count.value_or(config.default_page_size), 0, config.max_page_size);
    auto const start_index = std::max<std::int64_t>(1, request.start_index.value_or(1));
    auto const tenant = ctx.grant.tenant_id;
    // Users first, then groups: one order across both, paged by startIndex.
    auto const texts = co_await read_only(ctx, ReadShape::transaction, [&](pqxx::transaction_base& tx) {
        std::pair<std::int64_t, std::vector<std::string>> out{0, {}};
        auto skip = start_index - 1;
        for (auto const& kind : kinds) {
            if (!kind.applies) continue;
            auto const selection =
                scim::parse_selection(request.attributes, request.excluded_attributes, *kind.type, registry);
            storage::ListQuery query;
            query.filter = kind.filter ? &*kind.filter : nullptr;
            query.members = scim::stored_members(selection, *kind.type, registry);
            query.user_groups = wants_user_groups(ctx, *kind.type, selection);
            // Each type is sorted on its own; a type without the sortBy attribute keeps its default order.
            if (!request.sort_by.empty()) {
                try {
                    query.sort =
                        storage::sort_key(scim::resolve_sort_path(request.sort_by, *kind.type, registry), *kind.table);
                } catch (scim::Error const&) {
                }
            }
            query.descending = descending(request.sort_order);
            query.count = std::max<std::int64_t>(0, count - static_cast<std::int64_t>(out.second.size()));
            query.offset = skip;
            auto page = storage::list_resources(tx, *kind.table, tenant, query);
            out.first += page.total.value_or(0);
            skip = std::max<std::int64_t>(0, skip - page.total.value_or(0));
            for (auto& text : render_resources(tx, ctx, *kind.type, page.resources, selection))
                out.second.push_back(std::move(text));
        }
        return out;
    });
    co_return list_reply(list_response_text(texts.second, texts.first, start_index));
}

}  // namespace server::handlers
