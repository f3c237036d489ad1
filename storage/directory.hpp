// The phone-system directory rules (DIRECTORY.md) applied to a user's attributes inside a write's transaction:
// its site must exist, locale and timezone follow the site unless set, a contact holds no extension or number,
// a licensed user gets the next free extension of its site, and licence seats and numbers follow the attributes.
// What concurrent writes could break is settled by PostgreSQL: a locked site while an extension is chosen, the
// unique fully qualified extension, the pool's seat counter and the number's single holder.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <pqxx/transaction_base>

#include "storage/change_log.hpp"
#include "storage/site_repository.hpp"
#include "storage/tenant_repository.hpp"

namespace storage {

/// A user's attributes with the rules applied: what is stored and returned.
struct DirectoryUser {
    boost::json::object attributes;
    std::string site_id;
};

class Directory {
public:
    /// The rules of `context.tenant_id`; the seats and numbers a write moves are recorded as changes in `context`.
    Directory(pqxx::transaction_base& tx, ChangeContext const& context)
        : tx_(tx), tenant_id_(context.tenant_id), changes_context_(context), changes_(tx, context) {}

    /// The tenant's settings, read once per Directory.
    Tenant const& tenant();

    /// Applies the rules to the attributes a write would store. `previous` is what is stored now (an update) or
    /// null (a create): attributes that are only carried over from it (an extension after the last licence is
    /// removed, a locale inherited from the old site) follow the new state instead of failing it.
    /// @throws scim::Error 400 invalidValue (no such site, no site and no default, a contact given an extension
    /// or a number, a malformed extension or number), 409 when the site has no free extension.
    DirectoryUser apply(boost::json::object attributes, boost::json::object const* previous);

    /// Makes the licence seats and numbers held by `user_id` those of `attributes` (after apply() and after the
    /// user's row is written). @throws scim::Error 400 invalidValue (no such pool, a number the tenant has not
    /// claimed), 409 (a pool is full, a number is held by someone else).
    void assign(std::string const& user_id, boost::json::object const& attributes, boost::json::object const* previous);

    /// The detail of a 409 for a fully qualified extension someone else holds, from the stored attributes.
    static std::string extension_taken_detail(boost::json::object const& attributes);

private:
    Site const& site_named(std::string const& name);
    void lock_site(Site const& site);
    std::string allocate_extension(Site const& site);
    void sync_licenses(std::string const& user_id, boost::json::object const& attributes,
                       std::vector<std::string> const& before);
    void sync_numbers(std::string const& user_id, boost::json::object const& attributes,
                      std::vector<std::string> const& before);

    pqxx::transaction_base& tx_;
    std::string tenant_id_;
    ChangeContext changes_context_;
    ChangeLog changes_;
    std::optional<Tenant> tenant_;
    std::map<std::string, Site> sites_;
};

}  // namespace storage
