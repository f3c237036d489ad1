// /Users: create, read, replace, delete, and an unfiltered list.
#include "server/handlers/handlers.hpp"

#include <charconv>

#include <pqxx/transaction>

#include "scim/error.hpp"
#include "scim/etag.hpp"
#include "scim/resource.hpp"
#include "server/crypto.hpp"
#include "scim/render.hpp"
#include "server/responses.hpp"
#include "storage/user_repository.hpp"

namespace server::handlers {
namespace {

constexpr std::int64_t default_page_size = 100;
constexpr std::int64_t max_page_size = 1000;

scim::ResourceType const& user_type(RequestContext const& ctx) { return *ctx.app.registry.resource_type("User"); }

scim::Error no_such_user(std::string_view id) {
    return scim::Error::not_found("no user with id \"" + std::string(id) + "\" in this tenant");
}

// RFC 7644 §3.14: a stale If-Match means the client would overwrite a change it has not seen.
void check_if_match(RequestContext const& ctx, std::int64_t version) {
    if (ctx.request.if_match.empty() || scim::etag_list_matches(ctx.request.if_match, version)) return;
    throw scim::Error::precondition_failed("If-Match " + ctx.request.if_match + " does not match the current version " +
                                           scim::weak_etag(version) + "; read the resource again and retry");
}

std::int64_t integer_param(RequestContext const& ctx, std::string_view name, std::int64_t fallback) {
    auto const text = ctx.query_param(name);
    if (text.empty()) return fallback;
    std::int64_t value = 0;
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc::result_out_of_range) return text.front() == '-' ? INT64_MIN : INT64_MAX;
    if (ec != std::errc() || end != text.data() + text.size())
        throw scim::Error::invalid_value("\"" + std::string(name) + "\" must be an integer, not \"" +
                                         std::string(text) + "\"");
    return value;
}

boost::asio::awaitable<std::optional<std::string>> password_hash(RequestContext& ctx,
                                                                 std::optional<std::string> const& password) {
    if (!password) co_return std::nullopt;
    auto hash = [&password] { return hash_password(*password); };
    co_return co_await run_on(ctx.app.cpu, hash);
}

}  // namespace

Reply create_user(RequestContext& ctx) {
    auto const& type = user_type(ctx);
    auto const input = scim::read_resource(scim::parse_json_object(ctx.request.body), type, ctx.app.registry);
    auto const selection = request_selection(ctx, type);
    auto const hash = co_await password_hash(ctx, input.password);
    auto const change = ctx.change();
    auto const stored = co_await ctx.app.db.run(
        [&](pqxx::work& tx) { return storage::UserRepository(tx, change).create(input.attributes, hash); });
    co_return resource_response(201, ctx, type, stored, selection);
}

Reply list_users(RequestContext& ctx) {
    for (auto const* unsupported : {"filter", "sortBy", "sortOrder", "cursor"})
        if (ctx.has_query_param(unsupported))
            throw scim::Error::not_implemented(std::string("\"") + unsupported +
                                               "\" is not supported by this server yet; see /ServiceProviderConfig");
    auto const& type = user_type(ctx);
    auto const selection = request_selection(ctx, type);
    // RFC 7644 §3.4.2.4: a startIndex below 1 means 1, a negative count means 0.
    auto const start_index = std::max<std::int64_t>(1, integer_param(ctx, "startIndex", 1));
    auto const count = std::clamp<std::int64_t>(integer_param(ctx, "count", default_page_size), 0, max_page_size);
    auto const change = ctx.change();
    auto const [total, page] = co_await ctx.app.db.run(
        [&](pqxx::work& tx) { return storage::UserRepository(tx, change).list(start_index - 1, count); });
    boost::json::array resources;
    resources.reserve(page.size());
    for (auto const& stored : page) {
        scim::ResourceMeta const meta{stored.id, stored.created, stored.last_modified,
                                      resource_location(ctx, type, stored.id), stored.version};
        resources.emplace_back(scim::render_resource(type, ctx.app.registry, stored.attributes, meta, selection));
    }
    co_return json_response(200, list_response(std::move(resources), total, start_index));
}

Reply get_user(RequestContext& ctx, std::string_view id) {
    auto const& type = user_type(ctx);
    auto const selection = request_selection(ctx, type);
    auto const change = ctx.change();
    auto const stored =
        co_await ctx.app.db.run([&](pqxx::work& tx) { return storage::UserRepository(tx, change).find(id); });
    if (!stored) throw no_such_user(id);
    if (!ctx.request.if_none_match.empty() && scim::etag_list_matches(ctx.request.if_none_match, stored->version)) {
        HttpResponse not_modified;
        not_modified.status = 304;
        not_modified.set_header("ETag", scim::weak_etag(stored->version));
        co_return not_modified;
    }
    co_return resource_response(200, ctx, type, *stored, selection);
}

Reply replace_user(RequestContext& ctx, std::string_view id) {
    auto const& type = user_type(ctx);
    auto const input = scim::read_resource(scim::parse_json_object(ctx.request.body), type, ctx.app.registry);
    auto const selection = request_selection(ctx, type);
    auto const hash = co_await password_hash(ctx, input.password);
    auto const change = ctx.change();
    auto const stored = co_await ctx.app.db.run([&](pqxx::work& tx) {
        storage::UserRepository users(tx, change);
        auto current = users.find(id, true);
        if (!current) throw no_such_user(id);
        check_if_match(ctx, current->version);
        auto merged = scim::merge_for_replace(current->attributes, input.attributes, type, ctx.app.registry);
        if (merged == current->attributes && !hash) return std::move(*current);  // nothing changes: same version
        return users.update(id, merged, hash);
    });
    co_return resource_response(200, ctx, type, stored, selection);
}

Reply delete_user(RequestContext& ctx, std::string_view id) {
    auto const change = ctx.change();
    co_await ctx.app.db.run([&](pqxx::work& tx) {
        storage::UserRepository users(tx, change);
        if (!ctx.request.if_match.empty()) {
            auto const current = users.find(id, true);
            if (!current) throw no_such_user(id);
            check_if_match(ctx, current->version);
        }
        if (!users.remove(id)) throw no_such_user(id);
    });
    HttpResponse res;
    res.status = 204;
    co_return res;
}

}  // namespace server::handlers
