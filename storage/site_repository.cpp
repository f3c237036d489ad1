// Site rows, and the users that follow a site's name, code, locale and time zone.
#include "storage/site_repository.hpp"

#include <algorithm>
#include <cstdint>

#include <boost/json/serialize.hpp>
#include <pqxx/pqxx>

#include "scim/changed_attributes.hpp"
#include "scim/error.hpp"
#include "scim/resource.hpp"
#include "storage/detail/rows.hpp"
#include "storage/detail/statements.hpp"

namespace storage {
namespace {

namespace json = boost::json;

std::string const site_columns = site_columns_sql("");

Site site_from(pqxx::row const& row) { return site_from_row(row, 0); }

void check(Site const& site) {
    if (site.name.find_first_not_of(" \t") == std::string::npos)
        throw scim::Error::invalid_value("a site needs a name");
    // Whatever path it comes by (SCIM, the command line): its index entry must fit PostgreSQL's page.
    if (site.name.size() > scim::max_indexed_bytes)
        throw scim::Error::invalid_value("a site name is at most " + std::to_string(scim::max_indexed_bytes) +
                                         " bytes; this one has " + std::to_string(site.name.size()));
    if (site.site_code.empty() || site.site_code.size() > 8 ||
        site.site_code.find_first_not_of("0123456789") != std::string::npos)
        throw scim::Error::invalid_value("siteCode must be 1 to 8 digits, not \"" + site.site_code + "\"");
    if (site.extension_length < 2 || site.extension_length > 8)
        throw scim::Error::invalid_value("extensionLength must be 2 to 8, not " +
                                         std::to_string(site.extension_length));
    if (site.site_code.size() + static_cast<std::size_t>(site.extension_length) > 10)
        throw scim::Error::invalid_value("siteCode \"" + site.site_code + "\" and extensionLength " +
                                         std::to_string(site.extension_length) +
                                         " make extensions longer than 10 digits");
}

std::string const user_extension = "urn:ietf:params:scim:schemas:extension:8x8:1.1:User";

std::string string_attribute(json::object const& a, std::string_view key) {
    auto const* v = a.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

Site site_from_attributes(json::object const& a) {
    Site site;
    site.name = string_attribute(a, "name");
    site.site_code = string_attribute(a, "siteCode");
    auto const* length = a.if_contains("extensionLength");
    if (!length || !length->is_int64()) throw scim::Error::invalid_value("a site needs an integer extensionLength");
    site.extension_length = static_cast<int>(std::clamp<std::int64_t>(length->get_int64(), -1, 100));
    site.locale = string_attribute(a, "locale");
    site.timezone = string_attribute(a, "timezone");
    if (auto const* address = a.if_contains("emergencyAddress"); address && address->is_object())
        site.emergency_address = address->get_object();
    return site;
}

// libpqxx 6 does not expose a violated constraint's name apart from the message: the name, as created by
// storage/migrations/V007__sites.sql, is looked for there.
constexpr std::string_view sites_code_key = "sites_code_key";

[[noreturn]] void site_taken(pqxx::unique_violation const& e, Site const& site) {
    bool const code = std::string_view(e.what()).find(sites_code_key) != std::string_view::npos;
    throw scim::Error::uniqueness(code ? "siteCode \"" + site.site_code + "\" is used by another site of this tenant"
                                       : "a site named \"" + site.name + "\" exists in this tenant already");
}

char const* address_or_null(Site const& site, std::string& text) {
    if (site.emergency_address.empty()) return nullptr;
    text = json::serialize(site.emergency_address);
    return text.c_str();
}

}  // namespace

std::string site_columns_sql(std::string const& alias) {
    auto const a = alias.empty() ? std::string() : alias + ".";
    return a + "id::text, " + a + "name, " + a + "site_code, " + a + "extension_length, coalesce(" + a +
           "locale, ''), coalesce(" + a + "timezone, '')";
}

Site site_from_row(pqxx::row const& row, pqxx::row::size_type first) {
    return {row[first].as<std::string>(),
            row[first + 1].as<std::string>(),
            row[first + 2].as<std::string>(),
            row[first + 3].as<int>(),
            row[first + 4].as<std::string>(),
            row[first + 5].as<std::string>(),
            {}};
}

Site SiteRepository::create(Site const& site) {
    check(site);
    std::string address;
    try {
        // A create changes every attribute the new site has: the keys of its document.
        return site_from(detail::exec_sql1(
            tx_,
            "WITH s AS (INSERT INTO sites (tenant_id, name, site_code, extension_length, locale, timezone,"
            "                              emergency_address, created_at, modified_at)"
            "  VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::timestamptz, $8::timestamptz) RETURNING *),"
            " c AS (" +
                detail::change_insert("s", scim::ResourceKind::site, ChangeOperation::create, "$9", "s.id::text",
                                      "s.version", "ARRAY(SELECT jsonb_object_keys(s.data) ORDER BY 1)") +
                ") "
                "SELECT " +
                std::string(site_columns) + " FROM s",
            tenant_id_, site.name, site.site_code, site.extension_length, detail::or_null(site.locale),
            detail::or_null(site.timezone), address_or_null(site, address), format_timestamp(context_.now),
            change_context_json(context_)));
    } catch (pqxx::unique_violation const& e) {
        site_taken(e, site);
    }
}

std::optional<Site> SiteRepository::find_by_name(std::string const& name) {
    auto const r =
        detail::exec_sql(tx_, "SELECT " + std::string(site_columns) + " FROM sites WHERE tenant_id = $1 AND name = $2",
                         tenant_id_, name);
    if (r.empty()) return std::nullopt;
    return site_from(r[0]);
}

std::vector<Site> SiteRepository::list() {
    std::vector<Site> out;
    for (auto const& row : detail::exec_sql(
             tx_, "SELECT " + std::string(site_columns) + " FROM sites WHERE tenant_id = $1 ORDER BY name", tenant_id_))
        out.push_back(site_from(row));
    return out;
}

StoredResource SiteRepository::create_resource(json::object const& attributes) {
    auto const site = create(site_from_attributes(attributes));
    return *find_resource(site.id);
}

std::optional<StoredResource> SiteRepository::find_resource(std::string_view id, bool for_update) {
    if (!is_uuid(id)) return std::nullopt;
    auto const r =
        detail::exec_sql(tx_,
                         "SELECT " + std::string(detail::resource_columns) +
                             " FROM sites WHERE tenant_id = $1 AND id = $2" + (for_update ? " FOR UPDATE" : ""),
                         tenant_id_, std::string(id));
    if (r.empty()) return std::nullopt;
    return detail::resource_from(r[0]);
}

StoredResource SiteRepository::update_resource(std::string_view id, json::object const& attributes,
                                               ChangeOperation operation) {
    auto const current = find_resource(id, true);
    if (!current) throw scim::Error::not_found("no site with id \"" + std::string(id) + "\" in this tenant");
    auto const before = site_from_attributes(current->attributes);
    auto site = site_from_attributes(attributes);
    site.id = std::string(id);
    check(site);
    if (site.extension_length != before.extension_length) {
        auto const holders =
            detail::exec_sql1(
                tx_, "SELECT count(*) FROM users WHERE tenant_id = $1 AND site_id = $2 AND fq_extension IS NOT NULL",
                tenant_id_, site.id)[0]
                .as<long>();
        if (holders > 0)
            throw scim::Error::conflict("site \"" + before.name + "\" has " + std::to_string(holders) + " users with " +
                                        std::to_string(before.extension_length) +
                                        "-digit extensions; its "
                                        "extensionLength cannot change while they hold them");
    }
    std::string address;
    try {
        detail::exec_sql(
            tx_,
            "WITH s AS (UPDATE sites SET name = $3, site_code = $4, extension_length = $5, locale = $6, timezone = $7,"
            "  emergency_address = $8::jsonb, version = version + 1, modified_at = $9::timestamptz"
            "  WHERE tenant_id = $1 AND id = $2 RETURNING id, version),"
            " c AS (" +
                detail::change_insert("s", scim::ResourceKind::site, operation, "$10") +
                ") "
                "SELECT 1",
            tenant_id_, site.id, site.name, site.site_code, site.extension_length, detail::or_null(site.locale),
            detail::or_null(site.timezone), address_or_null(site, address), format_timestamp(context_.now),
            change_context_json(context_, scim::changed_attributes(current->attributes, attributes)));
    } catch (pqxx::unique_violation const& e) {
        site_taken(e, site);
    }
    if (site.name != before.name || site.site_code != before.site_code || site.locale != before.locale ||
        site.timezone != before.timezone) {
        // The site's users: its name and code written in, a locale or time zone that was the site's follows it.
        try {
            detail::exec_sql(
                tx_,
                "WITH named AS ("
                "  SELECT id, data AS old, jsonb_set(data, '{" +
                    user_extension +
                    ",site}', to_jsonb($3::text)) AS d"
                    "  FROM users WHERE tenant_id = $1 AND site_id = $2 FOR UPDATE),"
                    " coded AS ("
                    "  SELECT id, old, CASE WHEN d #> '{" +
                    user_extension +
                    ",fqExtensionNumber}' IS NULL THEN d"
                    "    ELSE jsonb_set(d, '{" +
                    user_extension +
                    ",fqExtensionNumber}',"
                    "                   to_jsonb($4::text || (d #>> '{" +
                    user_extension +
                    ",extensionNumber}'))) END AS d"
                    "  FROM named),"
                    " localized AS ("
                    "  SELECT id, old, CASE WHEN coalesce(d ->> 'locale', '') <> coalesce($5, '') THEN d"
                    "    WHEN $6::text IS NULL THEN d - 'locale' ELSE jsonb_set(d, '{locale}', to_jsonb($6::text)) END "
                    "AS d"
                    "  FROM coded),"
                    " zoned AS ("
                    "  SELECT id, old, CASE WHEN coalesce(d ->> 'timezone', '') <> coalesce($7, '') THEN d"
                    "    WHEN $8::text IS NULL THEN d - 'timezone' ELSE jsonb_set(d, '{timezone}', to_jsonb($8::text)) "
                    "END AS d"
                    "  FROM localized),"
                    " moved AS ("
                    "  UPDATE users u SET data = z.d, version = u.version + 1, modified_at = $9::timestamptz"
                    "  FROM zoned z WHERE u.tenant_id = $1 AND u.id = z.id AND u.data <> z.d"
                    "  RETURNING u.id, u.version, array_remove(ARRAY["
                    "    CASE WHEN z.old #> '{" +
                    user_extension + ",site}' IS DISTINCT FROM z.d #> '{" + user_extension +
                    ",site}'"
                    "      THEN '" +
                    user_extension +
                    ":site' END,"
                    "    CASE WHEN z.old #> '{" +
                    user_extension +
                    ",fqExtensionNumber}' IS DISTINCT FROM"
                    "              z.d #> '{" +
                    user_extension +
                    ",fqExtensionNumber}'"
                    "      THEN '" +
                    user_extension +
                    ":fqExtensionNumber' END,"
                    "    CASE WHEN z.old -> 'locale' IS DISTINCT FROM z.d -> 'locale' THEN 'locale' END,"
                    "    CASE WHEN z.old -> 'timezone' IS DISTINCT FROM z.d -> 'timezone' THEN 'timezone' END], NULL)"
                    "  AS attributes),"
                    " c AS (" +
                    detail::change_insert("moved", scim::ResourceKind::user, ChangeOperation::update, "$10",
                                          "s.id::text", "s.version", "s.attributes") +
                    ") "
                    "SELECT count(*) FROM moved",
                tenant_id_, site.id, site.name, site.site_code, detail::or_null(before.locale),
                detail::or_null(site.locale), detail::or_null(before.timezone), detail::or_null(site.timezone),
                format_timestamp(context_.now), change_context_json(context_));
        } catch (pqxx::unique_violation const&) {
            throw scim::Error::conflict("siteCode \"" + site.site_code +
                                        "\" would give two users the same fully "
                                        "qualified extension (site code + extension)");
        }
    }
    return *find_resource(id);
}

void SiteRepository::remove(std::string_view id) {
    auto const current = find_resource(id, true);
    if (!current) throw scim::Error::not_found("no site with id \"" + std::string(id) + "\" in this tenant");
    auto const name = string_attribute(current->attributes, "name");
    auto const users = detail::exec_sql1(tx_, "SELECT count(*) FROM users WHERE tenant_id = $1 AND site_id = $2",
                                         tenant_id_, std::string(id))[0]
                           .as<long>();
    auto const in_use = [&](long n) {
        return scim::Error::conflict("site \"" + name + "\" has " + std::to_string(n) +
                                     " user(s); move them to "
                                     "another site or delete them before deleting the site");
    };
    if (users > 0) throw in_use(users);
    try {
        detail::exec_sql(
            tx_,
            "WITH s AS (DELETE FROM sites WHERE tenant_id = $1 AND id = $2 RETURNING id, NULL::bigint AS version),"
            " c AS (" +
                detail::change_insert("s", scim::ResourceKind::site, ChangeOperation::remove, "$3") +
                ") "
                "SELECT 1",
            tenant_id_, std::string(id), change_context_json(context_));
    } catch (pqxx::foreign_key_violation const&) {  // a user arrived since the count
        throw in_use(1);
    }
}

}  // namespace storage
