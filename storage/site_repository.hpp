// Sites of one tenant: business locations with a dial plan and defaults for their users. Every statement is
// scoped by the tenant; uniqueness of names and site codes is the database's.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <pqxx/row>
#include <pqxx/transaction_base>

#include "storage/stored_resource.hpp"

namespace storage {

struct Site {
    std::string id;
    std::string name;
    std::string site_code;                  // digits, the prefix of the site's fully qualified extensions
    int extension_length = 4;               // digits of an extension at this site
    std::string locale;                     // empty: none
    std::string timezone;                   // empty: none
    boost::json::object emergency_address;  // empty: none
};

/// A site's columns in a query that names the sites table `alias`, and the site read from them starting at column
/// `first`: for statements that read a site along with something else.
std::string site_columns_sql(std::string const& alias);
Site site_from_row(pqxx::row const& row, pqxx::row::size_type first);

class SiteRepository {
public:
    /// Works in `tx` on the sites of `context.tenant_id`; every write appends its change records.
    SiteRepository(pqxx::transaction_base& tx, ChangeContext context)
        : tx_(tx), context_(std::move(context)), tenant_id_(context_.tenant_id) {}

    /// @throws scim::Error 409 uniqueness (name or site code taken), 400 invalidValue (a blank name, a site code
    /// that is not 1-8 digits, an extension length outside 2-8, or the two together longer than 10 digits).
    Site create(Site const& site);
    /// The site with exactly that name, or nullopt.
    std::optional<Site> find_by_name(std::string const& name);
    /// Every site of the tenant, by name.
    std::vector<Site> list();

    // The site as a SCIM resource: canonical attributes (name, siteCode, extensionLength, locale, timezone,
    // emergencyAddress), version and timestamps.

    /// @throws scim::Error as create(Site) does.
    StoredResource create_resource(boost::json::object const& attributes);
    /// nullopt also for ids that are not UUIDs; `for_update` locks the row until the transaction ends.
    std::optional<StoredResource> find_resource(std::string_view id, bool for_update = false);
    /// Replaces the site's attributes and bumps its version (`operation` is what its change record says). Its users
    /// follow: a new name or site code is written into them, and a locale or time zone they inherited becomes the
    /// new one; each user changed so gets an `update` record.
    /// @throws scim::Error 404, as create() does, and 409 when extensionLength would change under licensed users
    /// or a new siteCode would give two users the same fully qualified extension.
    StoredResource update_resource(std::string_view id, boost::json::object const& attributes,
                                   ChangeOperation operation);
    /// Deletes a site without users. @throws scim::Error 404, 409 when users are at the site.
    void remove(std::string_view id);

private:
    pqxx::transaction_base& tx_;
    ChangeContext context_;
    std::string tenant_id_;
};

}  // namespace storage
