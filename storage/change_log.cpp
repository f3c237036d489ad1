// Change record SQL.
#include "storage/change_log.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <pqxx/pqxx>

#include "scim/error.hpp"
#include "scim/value_formats.hpp"
#include "storage/detail/rows.hpp"
#include "storage/detail/statements.hpp"
#include "storage/stored_resource.hpp"

namespace storage {

std::string_view to_string(ChangeOperation operation) noexcept {
    switch (operation) {
        case ChangeOperation::create:
            return "create";
        case ChangeOperation::replace:
            return "replace";
        case ChangeOperation::patch:
            return "patch";
        case ChangeOperation::remove:
            return "delete";
        case ChangeOperation::update:
            return "update";
    }
    return "update";
}

std::string change_context_json(ChangeContext const& context, std::vector<std::string> const& attributes) {
    boost::json::array names;
    for (auto const& a : attributes) names.emplace_back(a);
    boost::json::object c{{"tenant", context.tenant_id},
                          {"at", format_timestamp(context.now)},
                          {"actor", context.actor},
                          {"attributes", std::move(names)}};
    if (!context.token_id.empty()) c["token"] = context.token_id;
    if (!context.request_id.empty()) c["request"] = context.request_id;
    return boost::json::serialize(c);
}

namespace detail {

std::string change_insert(std::string const& source, scim::ResourceKind kind, ChangeOperation operation,
                          std::string const& context, std::string const& id, std::string const& version,
                          std::string const& attributes) {
    auto const names = attributes.empty() ? "ARRAY(SELECT jsonb_array_elements_text(x.c -> 'attributes'))" : attributes;
    return "INSERT INTO changes (tenant_id, occurred_at, resource_type, resource_id, operation, version, actor, "
           "token_id, request_id, attributes) "
           "SELECT (x.c ->> 'tenant')::uuid, (x.c ->> 'at')::timestamptz, '" +
           std::string(scim::to_string(kind)) + "', " + id + ", '" + std::string(to_string(operation)) + "', " +
           version +
           ", x.c ->> 'actor', (x.c ->> 'token')::uuid, "
           "x.c ->> 'request', " +
           names + " FROM " + source + " AS s, (SELECT " + context + "::jsonb AS c) AS x";
}

}  // namespace detail

void for_each_change(pqxx::transaction_base& tx, std::string const& tenant_id, ChangeQuery const& query,
                     std::function<void(ChangeRecord const&)> const& each) {
    if (!query.since.empty() && !scim::is_date_time(query.since))
        throw scim::Error::invalid_value("--since must be a dateTime such as 2026-11-24T09:00:00Z, not \"" +
                                         query.since + "\"");
    constexpr int page = 1000;
    std::int64_t after = 0;
    for (;;) {
        auto const rows = detail::exec_sql(
            tx,
            "SELECT id, " + detail::rfc3339_sql("occurred_at") +
                ", resource_type,"
                " resource_id, operation, version, actor, coalesce(request_id, ''), array_to_json(attributes)::text"
                " FROM changes WHERE tenant_id = $1 AND id > $2"
                " AND ($3::timestamptz IS NULL OR occurred_at >= $3::timestamptz)"
                " AND ($4::text IS NULL OR resource_id = $4) ORDER BY id LIMIT " +
                std::to_string(page),
            tenant_id, after, detail::or_null(query.since), detail::or_null(query.resource_id));
        for (auto const& row : rows) {
            ChangeRecord r;
            r.id = row[0].as<std::int64_t>();
            r.occurred_at = row[1].as<std::string>();
            r.resource_type = row[2].as<std::string>();
            r.resource_id = row[3].as<std::string>();
            r.operation = row[4].as<std::string>();
            if (!row[5].is_null()) r.version = row[5].as<std::int64_t>();
            r.actor = row[6].as<std::string>();
            r.request_id = row[7].as<std::string>();
            r.attributes = detail::strings_of_json_array(row[8].c_str());
            after = r.id;
            each(r);
        }
        if (rows.size() < page) return;
    }
}

void ChangeLog::record(scim::ResourceKind kind, std::string const& id, ChangeOperation operation,
                       std::optional<std::int64_t> version, std::vector<std::string> const& attributes) {
    std::optional<std::string> const version_text = version ? std::optional(std::to_string(*version)) : std::nullopt;
    detail::exec_sql(tx_,
                     detail::change_insert("(SELECT $2::text AS id, $3::bigint AS version)", kind, operation, "$1"),
                     change_context_json(context_, attributes), id, detail::or_null(version_text));
}

void ChangeLog::record_pools(std::vector<std::string> const& types) {
    if (types.empty()) return;
    detail::exec_sql(tx_,
                     detail::change_insert("(SELECT license_type AS id, version FROM license_pools WHERE tenant_id = "
                                           "($1::jsonb ->> 'tenant')::uuid AND license_type IN "
                                           "(SELECT jsonb_array_elements_text($2::jsonb)))",
                                           scim::ResourceKind::license, ChangeOperation::update, "$1"),
                     change_context_json(context_, {"assigned", "available"}), detail::json_text_array(types));
}

void ChangeLog::record_groups(std::vector<std::string> const& ids, std::vector<std::string> const& attributes) {
    if (ids.empty()) return;
    detail::exec_sql(
        tx_,
        detail::change_insert("(SELECT id, version FROM groups WHERE tenant_id = ($1::jsonb ->> 'tenant')::uuid"
                              " AND id IN (SELECT (jsonb_array_elements_text($2::jsonb))::uuid))",
                              scim::ResourceKind::group, ChangeOperation::update, "$1"),
        change_context_json(context_, attributes), detail::json_text_array(ids));
}

}  // namespace storage
