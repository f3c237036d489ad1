// User rows: data jsonb plus derived columns; an audit row with every change.
#include "storage/user_repository.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <pqxx/pqxx>

#include "scim/error.hpp"
#include "storage/detail/statements.hpp"
#include "storage/detail/rows.hpp"

namespace storage {
namespace {

namespace json = boost::json;

using detail::or_null;
using detail::resource_from;

constexpr char const* select_columns = detail::resource_columns;

[[noreturn]] void user_name_taken(json::object const& attributes) { throw UserRepository::name_taken(attributes); }

}  // namespace

StoredResource UserRepository::create(json::object const& attributes, std::optional<std::string> const& password_hash) {
    try {
        auto const row = detail::exec_sql1(tx_,
            "WITH u AS ("
            "  INSERT INTO users (tenant_id, data, password_hash, created_at, modified_at)"
            "  VALUES ($1, $2::jsonb, $3, $4::timestamptz, $4::timestamptz)"
            "  RETURNING id, data, version, created_at, modified_at),"
            " a AS ("
            "  INSERT INTO audit_log (tenant_id, occurred_at, token_id, request_id, resource_type, resource_id,"
            "                         operation, version_after)"
            "  SELECT $1, $4::timestamptz, $5::uuid, $6, 'User', id, 'create', version FROM u) "
            "SELECT " + std::string(select_columns) + " FROM u",
            context_.tenant_id, json::serialize(attributes), or_null(password_hash), format_timestamp(context_.now),
            or_null(context_.token_id), or_null(context_.request_id));
        return resource_from(row);
    } catch (pqxx::unique_violation const&) {
        user_name_taken(attributes);
    }
}

scim::Error UserRepository::name_taken(json::object const& attributes) {
    auto const* name = attributes.if_contains("userName");
    return scim::Error::uniqueness("userName " + (name ? json::serialize(*name) : std::string("\"\"")) +
                                   " is already taken in this tenant (userName is unique regardless of case)");
}

std::vector<std::optional<UserRepository::Created>> UserRepository::create_many(std::vector<NewUser> const& users) {
    json::array batch;
    batch.reserve(users.size());
    for (auto const& u : users) {
        json::object entry{{"d", u.attributes}};
        if (u.password_hash) entry["h"] = *u.password_hash;
        batch.emplace_back(std::move(entry));
    }
    // A taken userName skips its row (ON CONFLICT DO NOTHING) instead of failing the statement; each row that
    // went in is matched back to the first entry with its userName.
    auto const rows = detail::exec_sql(tx_,
        "WITH input AS ("
        "  SELECT e -> 'd' AS data, e ->> 'h' AS hash, n FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(e, n)),"
        " u AS ("
        "  INSERT INTO users (tenant_id, data, password_hash, created_at, modified_at)"
        "  SELECT $1, data, hash, $3::timestamptz, $3::timestamptz FROM input ORDER BY n"
        "  ON CONFLICT DO NOTHING"
        "  RETURNING id, version, user_name),"
        " a AS (" + detail::audit_insert("u", "User", "create", "$3", "$4", "$5", "NULL", "version") + "),"
        " firsts AS (SELECT lower(data ->> 'userName') AS key, min(n) AS n FROM input GROUP BY 1) "
        "SELECT u.id, u.version, f.n FROM u JOIN firsts f ON f.key = lower(u.user_name)",
        context_.tenant_id, json::serialize(batch), format_timestamp(context_.now), or_null(context_.token_id),
        or_null(context_.request_id));
    std::vector<std::optional<Created>> out(users.size());
    for (auto const& row : rows) {
        auto const n = row[2].as<std::size_t>();
        if (n >= 1 && n <= out.size()) out[n - 1] = Created{row[0].as<std::string>(), row[1].as<std::int64_t>()};
    }
    return out;
}

std::optional<StoredResource> UserRepository::find(std::string_view id, bool for_update) {
    if (!is_uuid(id)) return std::nullopt;
    auto const r = detail::exec_sql(tx_, "SELECT " + std::string(select_columns) +
                                       " FROM users WHERE tenant_id = $1 AND id = $2" + (for_update ? " FOR UPDATE" : ""),
                                   context_.tenant_id, std::string(id));
    if (r.empty()) return std::nullopt;
    return resource_from(r[0]);
}

StoredResource UserRepository::update(std::string_view id, json::object const& attributes,
                                      std::optional<std::string> const& password_hash) {
    if (!is_uuid(id)) throw scim::Error::not_found("no user with id \"" + std::string(id) + "\"");
    try {
        auto const r = detail::exec_sql(tx_,
            "WITH u AS ("
            "  UPDATE users SET data = $3::jsonb, password_hash = coalesce($4, password_hash),"
            "                   version = version + 1, modified_at = $5::timestamptz"
            "  WHERE tenant_id = $1 AND id = $2"
            "  RETURNING id, data, version, created_at, modified_at),"
            " a AS ("
            "  INSERT INTO audit_log (tenant_id, occurred_at, token_id, request_id, resource_type, resource_id,"
            "                         operation, version_before, version_after)"
            "  SELECT $1, $5::timestamptz, $6::uuid, $7, 'User', id, 'replace', version - 1, version FROM u) "
            "SELECT " + std::string(select_columns) + " FROM u",
            context_.tenant_id, std::string(id), json::serialize(attributes), or_null(password_hash),
            format_timestamp(context_.now), or_null(context_.token_id), or_null(context_.request_id));
        if (r.empty()) throw scim::Error::not_found("no user with id \"" + std::string(id) + "\"");
        return resource_from(r[0]);
    } catch (pqxx::unique_violation const&) {
        user_name_taken(attributes);
    }
}

std::optional<std::string> UserRepository::id_of(std::string_view user_name) {
    auto const r = detail::exec_sql(tx_, "SELECT id::text FROM users WHERE tenant_id = $1 AND lower(user_name) = lower($2)",
                                   context_.tenant_id, std::string(user_name));
    if (r.empty()) return std::nullopt;
    return r[0][0].as<std::string>();
}

bool UserRepository::remove(std::string_view id) {
    if (!is_uuid(id)) return false;
    auto const r = detail::exec_sql(tx_,
        "WITH d AS (DELETE FROM users WHERE tenant_id = $1 AND id = $2 RETURNING id, version),"
        " a AS ("
        "  INSERT INTO audit_log (tenant_id, occurred_at, token_id, request_id, resource_type, resource_id,"
        "                         operation, version_before)"
        "  SELECT $1, $3::timestamptz, $4::uuid, $5, 'User', id, 'delete', version FROM d) "
        "SELECT count(*) FROM d",
        context_.tenant_id, std::string(id), format_timestamp(context_.now), or_null(context_.token_id),
        or_null(context_.request_id));
    return r[0][0].as<int>() > 0;
}

}  // namespace storage
