// The writes of sites: a site's users follow its name, code, locale and time zone, and a site with users stays.
#include "service/detail/kinds.hpp"

#include "scim/error.hpp"
#include "scim/etag.hpp"
#include "storage/site_repository.hpp"

namespace service::detail {
namespace {

scim::ResourceType const& site_type() { return *scim::SchemaRegistry::builtin().resource_type("Site"); }

storage::StoredResource lock_for_change(storage::SiteRepository& sites, std::string_view id,
                                        std::string_view if_match) {
    auto current = sites.find_resource(id, true);
    if (!current) throw scim::Error::not_found("no site with id \"" + std::string(id) + "\" in this tenant");
    scim::check_if_match(if_match, current->version);
    return std::move(*current);
}

}  // namespace

storage::StoredResource create_site(pqxx::transaction_base& tx, Caller const& caller,
                                    scim::ResourceInput const& input) {
    return storage::SiteRepository(tx, caller.change).create_resource(input.attributes);
}

storage::StoredResource replace_site(pqxx::transaction_base& tx, Caller const& caller, std::string_view id,
                                     scim::ResourceInput const& input, std::string_view if_match) {
    storage::SiteRepository sites(tx, caller.change);
    auto current = lock_for_change(sites, id, if_match);
    auto merged =
        scim::merge_for_replace(current.attributes, input.attributes, site_type(), scim::SchemaRegistry::builtin());
    if (merged == current.attributes) return current;
    return sites.update_resource(id, merged, storage::ChangeOperation::replace);
}

storage::StoredResource patch_site(pqxx::transaction_base& tx, Caller const& caller, std::string_view id,
                                   scim::PatchRequest const& request, std::string_view if_match) {
    storage::SiteRepository sites(tx, caller.change);
    auto current = lock_for_change(sites, id, if_match);
    auto outcome =
        scim::apply_patch(current.attributes, request, site_type(), scim::SchemaRegistry::builtin(), caller.read);
    if (!outcome.changed) return current;
    return sites.update_resource(id, outcome.attributes, storage::ChangeOperation::patch);
}

void delete_site(pqxx::transaction_base& tx, Caller const& caller, std::string_view id, std::string_view if_match) {
    storage::SiteRepository sites(tx, caller.change);
    lock_for_change(sites, id, if_match);
    sites.remove(id);
}

}  // namespace service::detail
