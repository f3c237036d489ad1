// Sites of one tenant: business locations with a dial plan and defaults for their users. Every statement is
// scoped by the tenant; uniqueness of names and site codes is the database's.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <pqxx/transaction_base>

namespace storage {

struct Site {
    std::string id;
    std::string name;
    std::string site_code;      // digits, the prefix of the site's fully qualified extensions
    int extension_length = 4;   // digits of an extension at this site
    std::string locale;         // empty: none
    std::string timezone;       // empty: none
};

class SiteRepository {
public:
    SiteRepository(pqxx::transaction_base& tx, std::string tenant_id) : tx_(tx), tenant_id_(std::move(tenant_id)) {}

    /// @throws scim::Error 409 uniqueness (name or site code taken), 400 invalidValue (a blank name, a site code
    /// that is not 1-8 digits, an extension length outside 2-8, or the two together longer than 10 digits).
    Site create(Site const& site);
    /// The site with exactly that name, or nullopt.
    std::optional<Site> find_by_name(std::string const& name);
    /// Every site of the tenant, by name.
    std::vector<Site> list();

private:
    pqxx::transaction_base& tx_;
    std::string tenant_id_;
};

}  // namespace storage
