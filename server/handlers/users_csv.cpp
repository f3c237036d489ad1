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

namespace {

// The export's pages, each read when the connection is ready for it: memory stays at one page whatever the
// tenant's size. Each page is a keyset seek of its own.
class ExportStream : public ResponseStream {
public:
    ExportStream(App& app, std::string tenant_id, std::string company, std::optional<scim::BoundFilter> filter,
                 scim::ContactFormat format)
        : app_(app),
          tenant_id_(std::move(tenant_id)),
          company_(std::move(company)),
          filter_(std::move(filter)),
          format_(format) {}

    boost::asio::awaitable<std::optional<std::string>> next() override {
        if (!header_sent_) {
            header_sent_ = true;
            co_return scim::contact_header(format_);
        }
        if (position_.done) co_return std::nullopt;
        auto const page = [this](pqxx::transaction_base& tx) {
            return storage::export_users_page(tx, tenant_id_, filter_ ? &*filter_ : nullptr, format_, company_,
                                              position_);
        };
        co_return co_await app_.db.run(page);  // a transaction: its pages walk the order's index (see storage)
    }

private:
    App& app_;
    std::string tenant_id_;
    std::string company_;
    std::optional<scim::BoundFilter> filter_;
    scim::ContactFormat format_;
    bool header_sent_ = false;
    storage::ExportPosition position_;
};

}  // namespace

Reply export_users_csv(RequestContext& ctx) {
    auto const& type = *ctx.app.registry.resource_type("User");
    auto const format_name = ctx.has_query_param("format") ? ctx.query_param("format") : std::string_view("csv");
    auto const format = scim::contact_format_named(format_name);
    if (!format)
        throw scim::Error::invalid_value("format \"" + std::string(format_name) +
                                         "\" is not one of csv, outlook, google, vcard");
    std::optional<scim::BoundFilter> filter;
    if (auto const text = ctx.query_param("filter"); !text.empty())
        filter = scim::bind_filter(scim::parse_filter(text), type, ctx.app.registry);
    HttpResponse res;
    res.stream =
        std::make_shared<ExportStream>(ctx.app, ctx.grant.tenant_id, ctx.grant.tenant_name, std::move(filter), *format);
    res.set_header("Content-Type", std::string(scim::contact_media_type(*format)));
    res.set_header("Content-Disposition",
                   "attachment; filename=\"" + std::string(scim::contact_file_name(*format)) + "\"");
    co_return res;
}

}  // namespace server::handlers
