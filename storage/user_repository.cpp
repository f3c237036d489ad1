// User rows: data jsonb plus derived columns; an audit row with every change.
#include "storage/user_repository.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <pqxx/pqxx>

#include "scim/changed_attributes.hpp"
#include "scim/directory_user.hpp"
#include "scim/error.hpp"
#include "scim/text.hpp"
#include "scim/urns.hpp"
#include "storage/change_log.hpp"
#include "storage/detail/rows.hpp"
#include "storage/detail/statements.hpp"
#include "storage/group_repository.hpp"

namespace storage {
namespace {

namespace json = boost::json;

using detail::or_null;
using detail::resource_from;

std::string const& select_columns = detail::resource_columns;

// libpqxx 6 does not expose a violated constraint's name apart from the message: the unique index of fully qualified
// extensions, as storage/migrations/V008__directory.sql creates it, is looked for there.
constexpr std::string_view fq_extension_key = "users_fq_extension_key";

// The enterprise manager.value of a user, if it has one.
std::optional<std::string> manager_of(json::object const& attributes) {
    auto const* ext = attributes.if_contains(scim::urn::enterprise_user);
    if (!ext || !ext->is_object()) return std::nullopt;
    auto const* manager = ext->get_object().if_contains("manager");
    if (!manager || !manager->is_object()) return std::nullopt;
    auto const* value = manager->get_object().if_contains("value");
    if (!value || !value->is_string()) return std::nullopt;
    return std::string(value->get_string());
}

scim::Error no_such_manager(std::string const& id) {
    return scim::Error::invalid_value("manager.value \"" + id + "\" is not the id of a user of this tenant");
}

}  // namespace

void UserRepository::check_manager(json::object const& attributes, json::object const* previous,
                                   std::string_view self) {
    auto const manager = manager_of(attributes);
    if (!manager || (previous && manager_of(*previous) == manager)) return;
    if (*manager == self) throw scim::Error::invalid_value("a user cannot be its own manager");
    // By default a reference to nobody of the tenant is kept as given (and linked once it can be); a tenant may ask
    // for the strict rule. Either way a reference is only ever looked up in the tenant's own users.
    if (!directory_.tenant().reject_unknown_managers) return;
    if (!is_uuid(*manager) ||
        detail::exec_sql(tx_, "SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2", context_.tenant_id, *manager)
            .empty())
        throw no_such_manager(*manager);
}

void UserRepository::unique_violation(pqxx::unique_violation const& e, json::object const& attributes) {
    if (std::string_view(e.what()).find(fq_extension_key) != std::string_view::npos)
        throw scim::Error::uniqueness(Directory::extension_taken_detail(attributes));
    throw name_taken(attributes, std::nullopt);
}

StoredResource UserRepository::create(json::object const& attributes, std::optional<std::string> const& password_hash) {
    check_manager(attributes, nullptr, {});
    auto const user = directory_.apply(attributes, nullptr);
    try {
        // A taken userName inserts nothing (instead of aborting the transaction), so the holder can be named.
        auto const r =
            detail::exec_sql(tx_,
                             "WITH u AS ("
                             "  INSERT INTO users (tenant_id, data, password_hash, created_at, modified_at, site_id)"
                             "  VALUES ($1, $2::jsonb, $3, $4::timestamptz, $4::timestamptz, $5)"
                             "  ON CONFLICT (tenant_id, lower(user_name)) DO NOTHING"
                             "  RETURNING id, data, version, created_at, modified_at),"
                             " c AS (" +
                                 detail::change_insert("u", scim::ResourceKind::user, ChangeOperation::create, "$6") +
                                 ") "
                                 "SELECT " +
                                 std::string(select_columns) + " FROM u",
                             context_.tenant_id, json::serialize(user.attributes), or_null(password_hash),
                             format_timestamp(context_.now), user.site_id,
                             change_context_json(context_, changes_of({}, user.attributes, password_hash.has_value())));
        if (r.empty()) throw name_taken(user.attributes, holder_of(user.attributes));
        auto stored = resource_from(r[0]);
        directory_.assign(stored.id, stored.attributes, nullptr);
        stored.user_groups = "[]";  // a user that did not exist a moment ago is in no group
        return stored;
    } catch (pqxx::unique_violation const& e) {
        unique_violation(e, user.attributes);
    }
}

scim::Error UserRepository::name_taken(json::object const& attributes, std::optional<std::string> const& holder) {
    auto const* name = attributes.if_contains("userName");
    return scim::Error::uniqueness("userName " + (name ? json::serialize(*name) : std::string("\"\"")) +
                                   " is already taken in this tenant" +
                                   (holder ? " by the user with id \"" + *holder + "\"" : std::string()) +
                                   " (userName is unique regardless of case)");
}

std::optional<std::string> UserRepository::holder_of(json::object const& attributes) {
    auto const* name = attributes.if_contains("userName");
    if (!name || !name->is_string()) return std::nullopt;
    return id_of(name->get_string());
}

std::vector<UserRepository::CreateOutcome> UserRepository::create_many(std::vector<NewUser> const& users) {
    std::vector<CreateOutcome> out(users.size());
    std::vector<json::object> applied(users.size());
    // The managers named, checked with one statement for all of them.
    json::array managers;
    for (auto const& u : users)
        if (auto const m = manager_of(u.attributes); m && is_uuid(*m)) managers.emplace_back(*m);
    std::unordered_set<std::string> known_managers;
    if (!managers.empty())
        for (auto const& row : detail::exec_sql(tx_,
                                                "SELECT id::text FROM users WHERE tenant_id = $1"
                                                " AND id IN (SELECT (jsonb_array_elements_text($2::jsonb))::uuid)",
                                                context_.tenant_id, json::serialize(managers)))
            known_managers.insert(row[0].as<std::string>());
    json::array batch;
    batch.reserve(users.size());
    for (std::size_t i = 0; i < users.size(); ++i) {
        auto const& u = users[i];
        DirectoryUser user;
        try {
            if (auto const m = manager_of(u.attributes); m && !known_managers.contains(*m)) throw no_such_manager(*m);
            user = directory_.apply(u.attributes, nullptr);
        } catch (scim::Error const& e) {
            out[i].error = e;
            continue;
        }
        if (!scim::read_directory_fields(user.attributes).licenses.empty())
            throw std::logic_error("create_many is for contacts; a licensed user needs create()");
        json::array names;
        for (auto const& name : changes_of({}, user.attributes, u.password_hash.has_value())) names.emplace_back(name);
        json::object entry{{"d", user.attributes}, {"s", user.site_id}, {"n", i + 1}, {"a", std::move(names)}};
        if (u.password_hash) entry["h"] = *u.password_hash;
        batch.emplace_back(std::move(entry));
        applied[i] = std::move(user.attributes);
    }
    // A taken userName skips its row (ON CONFLICT DO NOTHING) instead of failing the statement; each row that
    // went in is matched back to the first entry with its userName.
    auto const rows = detail::exec_sql(
        tx_,
        "WITH input AS ("
        "  SELECT e -> 'd' AS data, e ->> 'h' AS hash, (e ->> 's')::uuid AS site_id, (e ->> 'n')::bigint AS n,"
        "         ARRAY(SELECT jsonb_array_elements_text(e -> 'a')) AS attributes"
        "  FROM jsonb_array_elements($2::jsonb) AS t(e)),"
        " u AS ("
        "  INSERT INTO users (tenant_id, data, password_hash, created_at, modified_at, site_id)"
        "  SELECT $1, data, hash, $3::timestamptz, $3::timestamptz, site_id FROM input ORDER BY n"
        "  ON CONFLICT DO NOTHING"
        "  RETURNING id, version, user_name),"
        " firsts AS (SELECT lower(data ->> 'userName') AS key, min(n) AS n FROM input GROUP BY 1),"
        " made AS (SELECT u.id, u.version, f.n, i.attributes FROM u JOIN firsts f ON f.key = lower(u.user_name)"
        "          JOIN input i ON i.n = f.n),"
        " c AS (" +
            detail::change_insert("made", scim::ResourceKind::user, ChangeOperation::create, "$4", "s.id::text",
                                  "s.version", "s.attributes") +
            ") "
            "SELECT id, version, n FROM made",
        context_.tenant_id, json::serialize(batch), format_timestamp(context_.now), change_context_json(context_));
    for (auto const& row : rows) {
        auto const n = row[2].as<std::size_t>();
        if (n >= 1 && n <= out.size())
            out[n - 1].created = Created{row[0].as<std::string>(), row[1].as<std::int64_t>()};
    }
    // The holders of the names that were taken, with one more statement and only when some were.
    json::array taken;
    for (std::size_t i = 0; i < out.size(); ++i)
        if (!out[i].created && !out[i].error) taken.emplace_back(applied[i].at("userName"));
    std::unordered_map<std::string, std::string> holders;
    if (!taken.empty())
        for (auto const& row :
             detail::exec_sql(tx_,
                              "SELECT lower(user_name), id::text FROM users WHERE tenant_id = $1"
                              " AND lower(user_name) IN (SELECT lower(jsonb_array_elements_text($2::jsonb)))",
                              context_.tenant_id, json::serialize(taken)))
            holders.emplace(row[0].as<std::string>(), row[1].as<std::string>());
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (out[i].created || out[i].error) continue;
        auto const it = holders.find(scim::to_lower(applied[i].at("userName").as_string()));
        out[i].error = name_taken(applied[i], it == holders.end() ? std::nullopt : std::optional(it->second));
    }
    return out;
}

std::optional<StoredResource> UserRepository::find(std::string_view id, bool for_update) {
    if (!is_uuid(id)) return std::nullopt;
    auto const r =
        detail::exec_sql(tx_,
                         "SELECT " + std::string(select_columns) + " FROM users WHERE tenant_id = $1 AND id = $2" +
                             (for_update ? " FOR UPDATE" : ""),
                         context_.tenant_id, std::string(id));
    if (r.empty()) return std::nullopt;
    return resource_from(r[0]);
}

std::map<std::string, UserRepository::Reference> UserRepository::resolve_references(
    std::vector<std::string> const& keys) {
    std::map<std::string, Reference> out;
    if (keys.empty()) return out;
    // A key is a user's id, else its externalId, else its userName (in any case): what HR systems and identity
    // providers name managers by. One statement for all; never outside the tenant.
    for (auto const& row : detail::exec_sql(
             tx_,
             "SELECT k.key, u.id::text, coalesce(u.display_name, u.user_name)"
             " FROM (SELECT DISTINCT json_array_elements_text($2::json) AS key) k"
             " CROSS JOIN LATERAL (SELECT id, display_name, user_name FROM users u WHERE u.tenant_id = $1 AND"
             "   (u.id = CASE WHEN k.key ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'"
             "                THEN k.key::uuid END"
             "    OR u.external_id = k.key OR lower(u.user_name) = lower(k.key))"
             "   ORDER BY u.id::text = k.key DESC, u.external_id = k.key DESC NULLS LAST, u.id LIMIT 1) u",
             context_.tenant_id, detail::json_text_array(keys)))
        out[row[0].as<std::string>()] = {row[1].as<std::string>(), row[2].as<std::string>()};
    return out;
}

std::map<std::string, std::string> UserRepository::directory_attributes(std::vector<std::string> const& ids) {
    std::map<std::string, std::string> out;
    std::vector<std::string> uuids;
    for (auto const& id : ids)
        if (is_uuid(id)) uuids.push_back(id);
    if (uuids.empty()) return out;
    for (auto const& row :
         detail::exec_sql(tx_,
                          "SELECT id::text, coalesce((data -> $3)::text, '') FROM users"
                          " WHERE tenant_id = $1 AND id IN (SELECT json_array_elements_text($2::json)::uuid)",
                          context_.tenant_id, detail::json_text_array(uuids), std::string(scim::urn::directory_user)))
        out[row[0].as<std::string>()] = row[1].as<std::string>();
    return out;
}

std::optional<StoredResource> UserRepository::find_with_groups(std::string_view id) {
    if (!is_uuid(id)) return std::nullopt;
    auto const r = detail::exec_sql(tx_,
                                    "SELECT " + std::string(select_columns) + ", " +
                                        user_groups_sql("users.tenant_id", "users.id") +
                                        " FROM users WHERE tenant_id = $1 AND id = $2",
                                    context_.tenant_id, std::string(id));
    if (r.empty()) return std::nullopt;
    auto user = resource_from(r[0]);
    user.user_groups = r[0][5].as<std::string>();
    return user;
}

StoredResource UserRepository::update(std::string_view id, DirectoryUser const& user,
                                      std::optional<std::string> const& password_hash, json::object const& previous,
                                      ChangeOperation operation) {
    if (!is_uuid(id)) throw scim::Error::not_found("no user with id \"" + std::string(id) + "\"");
    check_manager(user.attributes, &previous, id);
    // A rename to a taken userName is refused naming the holder; the unique index still decides a race.
    auto const* old_name = previous.if_contains("userName");
    auto const* new_name = user.attributes.if_contains("userName");
    if (new_name && new_name->is_string() &&
        !(old_name && old_name->is_string() && scim::iequals(old_name->get_string(), new_name->get_string())))
        if (auto const holder = id_of(new_name->get_string()); holder && *holder != id)
            throw name_taken(user.attributes, holder);
    try {
        auto const r = detail::exec_sql(
            tx_,
            "WITH u AS ("
            "  UPDATE users SET data = $3::jsonb, password_hash = coalesce($4, password_hash), site_id = $6,"
            "                   version = version + 1, modified_at = $5::timestamptz"
            "  WHERE tenant_id = $1 AND id = $2"
            "  RETURNING id, data, version, created_at, modified_at),"
            " c AS (" +
                detail::change_insert("u", scim::ResourceKind::user, operation, "$7") +
                ") "
                "SELECT " +
                std::string(select_columns) + ", " + user_groups_sql("$1::uuid", "u.id") + " FROM u",
            context_.tenant_id, std::string(id), json::serialize(user.attributes), or_null(password_hash),
            format_timestamp(context_.now), user.site_id,
            change_context_json(context_, changes_of(previous, user.attributes, password_hash.has_value())));
        if (r.empty()) throw scim::Error::not_found("no user with id \"" + std::string(id) + "\"");
        auto stored = resource_from(r[0]);
        stored.user_groups = r[0][5].as<std::string>();  // read in the same statement, for the response
        directory_.assign(stored.id, stored.attributes, &previous);
        return stored;
    } catch (pqxx::unique_violation const& e) {
        unique_violation(e, user.attributes);
    }
}

std::optional<std::string> UserRepository::id_of(std::string_view user_name) {
    auto const r =
        detail::exec_sql(tx_, "SELECT id::text FROM users WHERE tenant_id = $1 AND lower(user_name) = lower($2)",
                         context_.tenant_id, std::string(user_name));
    if (r.empty()) return std::nullopt;
    return r[0][0].as<std::string>();
}

std::vector<std::string> UserRepository::names_with_stems(std::vector<std::string> const& stems) {
    std::vector<std::string> patterns, out;
    for (auto const& stem : stems) {
        patterns.push_back(detail::escape_like(scim::to_lower(stem)));
        patterns.push_back(detail::escape_like(scim::to_lower(stem)) + ".%");
    }
    if (patterns.empty()) return out;
    for (auto const& row :
         detail::exec_sql(tx_,
                          "SELECT lower(user_name) FROM users WHERE tenant_id = $1"
                          " AND lower(user_name) LIKE ANY (SELECT jsonb_array_elements_text($2::jsonb))",
                          context_.tenant_id, detail::json_text_array(patterns)))
        out.push_back(row[0].as<std::string>());
    return out;
}

bool UserRepository::remove(std::string_view id) {
    if (!is_uuid(id)) return false;
    return remove_where("u.id = $2::uuid", std::string(id)) > 0;
}

std::size_t UserRepository::remove_inactive() { return remove_where("u.active = false AND $2::uuid IS NULL", {}); }

// Deletes the tenant's users matching `condition` ($2 is `argument`) and records each, and what went with them:
// the licence seats they held (their pools' counts), the numbers they held, the groups they were members of.
std::size_t UserRepository::remove_where(std::string const& condition, std::string const& argument) {
    auto const r = detail::exec_sql(
        tx_,
        "WITH gone AS (SELECT u.id FROM users u WHERE u.tenant_id = $1 AND " + condition +
            "),"
            " pools AS (SELECT DISTINCT license_type FROM license_assignments"
            "           WHERE tenant_id = $1 AND user_id IN (SELECT id FROM gone)),"
            " numbers AS (SELECT number FROM phone_numbers WHERE tenant_id = $1 AND user_id IN (SELECT id FROM gone)),"
            " groups AS (SELECT DISTINCT group_id FROM group_members"
            "            WHERE tenant_id = $1 AND member_id IN (SELECT id FROM gone)),"
            " d AS (DELETE FROM users WHERE tenant_id = $1 AND id IN (SELECT id FROM gone) RETURNING id, NULL::bigint "
            "AS version),"
            " c AS (" +
            detail::change_insert("d", scim::ResourceKind::user, ChangeOperation::remove, "$3") +
            ") "
            "SELECT (SELECT count(*) FROM d),"
            "       (SELECT coalesce(json_agg(license_type), '[]') FROM pools)::text,"
            "       (SELECT coalesce(json_agg(number), '[]') FROM numbers)::text,"
            "       (SELECT coalesce(json_agg(group_id), '[]') FROM groups)::text",
        context_.tenant_id, argument.empty() ? nullptr : argument.c_str(), change_context_json(context_));
    auto const removed = r[0][0].as<std::size_t>();
    if (removed == 0) return 0;
    ChangeLog log(tx_, context_);
    log.record_pools(detail::strings_of_json_array(r[0][1].c_str()));
    for (auto const& number : detail::strings_of_json_array(r[0][2].c_str()))
        log.record(scim::ResourceKind::number, number, ChangeOperation::update, std::nullopt, {"holder"});
    log.record_groups(detail::strings_of_json_array(r[0][3].c_str()), {"members"});
    return removed;
}

std::vector<std::string> UserRepository::changes_of(json::object const& before, json::object const& after,
                                                    bool new_password) {
    auto names = scim::changed_attributes(before, after);
    if (new_password) names.insert(std::upper_bound(names.begin(), names.end(), "password"), "password");
    return names;
}

}  // namespace storage
