// The writes on users and groups, each done inside a transaction the caller owns: a single request runs one in
// its own transaction, /Bulk runs many in one. Inputs are already parsed and passwords already hashed, so nothing
// slow happens while rows are locked.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <pqxx/transaction>

#include "scim/patch.hpp"
#include "scim/resource.hpp"
#include "server/request_context.hpp"
#include "storage/stored_resource.hpp"

namespace server::handlers {

/// A password hash when the input carries a password, computed beforehand off the I/O threads.
using PasswordHash = std::optional<std::string>;

// `if_match` is the client's If-Match (or a bulk operation's version); empty means unconditional.
// Each throws scim::Error (404 when the id names nothing, 412 on a version mismatch, 409 uniqueness, 400 ...).

storage::StoredResource create_user_in(pqxx::work& tx, RequestContext const& ctx, scim::ResourceInput const& input,
                                       PasswordHash const& hash);
storage::StoredResource replace_user_in(pqxx::work& tx, RequestContext const& ctx, std::string_view id,
                                        scim::ResourceInput const& input, PasswordHash const& hash,
                                        std::string_view if_match);
storage::StoredResource patch_user_in(pqxx::work& tx, RequestContext const& ctx, std::string_view id,
                                      scim::PatchRequest const& request, PasswordHash const& hash,
                                      std::string_view if_match);
void delete_user_in(pqxx::work& tx, RequestContext const& ctx, std::string_view id, std::string_view if_match);

storage::StoredResource create_group_in(pqxx::work& tx, RequestContext const& ctx, scim::ResourceInput const& input);
storage::StoredResource replace_group_in(pqxx::work& tx, RequestContext const& ctx, std::string_view id,
                                         scim::ResourceInput const& input, std::string_view if_match);
storage::StoredResource patch_group_in(pqxx::work& tx, RequestContext const& ctx, std::string_view id,
                                       scim::PatchRequest const& request, std::string_view if_match);
void delete_group_in(pqxx::work& tx, RequestContext const& ctx, std::string_view id, std::string_view if_match);

storage::StoredResource create_site_in(pqxx::work& tx, RequestContext const& ctx, scim::ResourceInput const& input);
storage::StoredResource replace_site_in(pqxx::work& tx, RequestContext const& ctx, std::string_view id,
                                        scim::ResourceInput const& input, std::string_view if_match);
storage::StoredResource patch_site_in(pqxx::work& tx, RequestContext const& ctx, std::string_view id,
                                      scim::PatchRequest const& request, std::string_view if_match);
void delete_site_in(pqxx::work& tx, RequestContext const& ctx, std::string_view id, std::string_view if_match);

}  // namespace server::handlers
