// /Users/.import and /Users/.export: the admin console's user CSV over HTTP, for admins with a write token (import)
// or any token (export).
#include "server/handlers/handlers.hpp"

#include <boost/json/array.hpp>
#include <pqxx/transaction>

#include "scim/error.hpp"
#include "scim/filter_binding.hpp"
#include "scim/filter_parser.hpp"
#include "server/reads.hpp"
#include "server/responses.hpp"
#include "service/user_import.hpp"
#include "storage/user_csv_export.hpp"

namespace server::handlers {

Reply import_users_csv(RequestContext& ctx) {
    auto company = std::string(ctx.query_param("company"));
    if (company.empty()) company = ctx.grant.tenant_name;
    auto const caller = ctx.caller();
    // The transaction commits only when every line went in; otherwise the throw rolls it back.
    auto const result = co_await ctx.app.db.run([&](pqxx::work& tx) {
        auto imported = service::import_users_csv(tx, caller, ctx.request.body, company);
        if (!imported.problems.empty()) {
            auto const lines = imported.created.size() + imported.problems.size();
            throw scim::Error::invalid_value(service::import_problems_detail(imported.problems, lines));
        }
        return imported;
    });
    auto const& created = result.created;
    boost::json::array users;
    for (auto const& u : created)
        users.emplace_back(boost::json::object{{"line", u.line}, {"id", u.id}, {"userName", u.user_name}});
    boost::json::object body{{"imported", created.size()}, {"users", std::move(users)}};
    auto res = json_response(200, body);
    add_ignored_attributes(res, result.ignored);
    co_return res;
}

Reply export_users_csv(RequestContext& ctx) {
    auto const& type = *ctx.app.registry.resource_type("User");
    std::optional<scim::BoundFilter> filter;
    if (auto const text = ctx.query_param("filter"); !text.empty())
        filter = scim::bind_filter(scim::parse_filter(text), type, ctx.app.registry);
    auto const tenant = ctx.grant.tenant_id;
    auto const* bound = filter ? &*filter : nullptr;
    auto text = co_await read_only(ctx, ReadShape::transaction, [&](pqxx::transaction_base& tx) {
        std::string out;
        storage::export_user_csv(tx, tenant, bound, [&out](std::string const& chunk) { out += chunk; });
        return out;
    });
    HttpResponse res;
    res.body = std::move(text);
    res.set_header("Content-Type", "text/csv; charset=utf-8");
    res.set_header("Content-Disposition", "attachment; filename=\"users.csv\"");
    co_return res;
}

}  // namespace server::handlers
