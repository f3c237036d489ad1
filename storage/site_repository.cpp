#include "storage/site_repository.hpp"

#include <pqxx/pqxx>

#include "scim/error.hpp"
#include "storage/detail/rows.hpp"
#include "storage/detail/statements.hpp"

namespace storage {
namespace {

constexpr char const* site_columns = "id::text, name, site_code, extension_length, coalesce(locale, ''), "
                                     "coalesce(timezone, '')";

Site site_from(pqxx::row const& row) {
    return {row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(), row[3].as<int>(),
            row[4].as<std::string>(), row[5].as<std::string>()};
}

void check(Site const& site) {
    if (site.name.find_first_not_of(" \t") == std::string::npos) throw scim::Error::invalid_value("a site needs a name");
    if (site.site_code.empty() || site.site_code.size() > 8 ||
        site.site_code.find_first_not_of("0123456789") != std::string::npos)
        throw scim::Error::invalid_value("siteCode must be 1 to 8 digits, not \"" + site.site_code + "\"");
    if (site.extension_length < 2 || site.extension_length > 8)
        throw scim::Error::invalid_value("extensionLength must be 2 to 8, not " + std::to_string(site.extension_length));
    if (site.site_code.size() + static_cast<std::size_t>(site.extension_length) > 10)
        throw scim::Error::invalid_value("siteCode \"" + site.site_code + "\" and extensionLength " +
                                         std::to_string(site.extension_length) +
                                         " make extensions longer than 10 digits");
}

}  // namespace

Site SiteRepository::create(Site const& site) {
    check(site);
    try {
        return site_from(detail::exec_sql1(
            tx_,
            "INSERT INTO sites (tenant_id, name, site_code, extension_length, locale, timezone) "
            "VALUES ($1, $2, $3, $4, $5, $6) RETURNING " + std::string(site_columns),
            tenant_id_, site.name, site.site_code, site.extension_length, detail::or_null(site.locale),
            detail::or_null(site.timezone)));
    } catch (pqxx::unique_violation const& e) {
        bool const code = std::string_view(e.what()).find("sites_code_key") != std::string_view::npos;
        throw scim::Error::uniqueness(code ? "siteCode \"" + site.site_code + "\" is used by another site of this tenant"
                                           : "a site named \"" + site.name + "\" exists in this tenant already");
    }
}

std::optional<Site> SiteRepository::find_by_name(std::string const& name) {
    auto const r = detail::exec_sql(tx_, "SELECT " + std::string(site_columns) + " FROM sites WHERE tenant_id = $1 AND name = $2",
                                    tenant_id_, name);
    if (r.empty()) return std::nullopt;
    return site_from(r[0]);
}

std::vector<Site> SiteRepository::list() {
    std::vector<Site> out;
    for (auto const& row : detail::exec_sql(tx_, "SELECT " + std::string(site_columns) +
                                                     " FROM sites WHERE tenant_id = $1 ORDER BY name",
                                            tenant_id_))
        out.push_back(site_from(row));
    return out;
}

}  // namespace storage
