// The writes of each resource kind, behind service/writes.hpp's dispatch.
#pragma once

#include <string_view>

#include "service/writes.hpp"

namespace service::detail {

storage::StoredResource create_user(pqxx::transaction_base& tx, Caller const& caller, scim::ResourceInput const& input,
                                    PasswordHash const& hash);
storage::StoredResource replace_user(pqxx::transaction_base& tx, Caller const& caller, std::string_view id,
                                     scim::ResourceInput const& input, PasswordHash const& hash,
                                     std::string_view if_match);
storage::StoredResource patch_user(pqxx::transaction_base& tx, Caller const& caller, std::string_view id,
                                   scim::PatchRequest const& request, PasswordHash const& hash,
                                   std::string_view if_match);
void delete_user(pqxx::transaction_base& tx, Caller const& caller, std::string_view id, std::string_view if_match);

storage::StoredResource create_group(pqxx::transaction_base& tx, Caller const& caller,
                                     scim::ResourceInput const& input);
storage::StoredResource replace_group(pqxx::transaction_base& tx, Caller const& caller, std::string_view id,
                                      scim::ResourceInput const& input, std::string_view if_match);
storage::StoredResource patch_group(pqxx::transaction_base& tx, Caller const& caller, std::string_view id,
                                    scim::PatchRequest const& request, std::string_view if_match);
void delete_group(pqxx::transaction_base& tx, Caller const& caller, std::string_view id, std::string_view if_match);

storage::StoredResource create_site(pqxx::transaction_base& tx, Caller const& caller, scim::ResourceInput const& input);
storage::StoredResource replace_site(pqxx::transaction_base& tx, Caller const& caller, std::string_view id,
                                     scim::ResourceInput const& input, std::string_view if_match);
storage::StoredResource patch_site(pqxx::transaction_base& tx, Caller const& caller, std::string_view id,
                                   scim::PatchRequest const& request, std::string_view if_match);
void delete_site(pqxx::transaction_base& tx, Caller const& caller, std::string_view id, std::string_view if_match);

storage::StoredResource create_device(pqxx::transaction_base& tx, Caller const& caller,
                                      scim::ResourceInput const& input);
storage::StoredResource replace_device(pqxx::transaction_base& tx, Caller const& caller, std::string_view id,
                                       scim::ResourceInput const& input, std::string_view if_match);
storage::StoredResource patch_device(pqxx::transaction_base& tx, Caller const& caller, std::string_view id,
                                     scim::PatchRequest const& request, std::string_view if_match);
void delete_device(pqxx::transaction_base& tx, Caller const& caller, std::string_view id, std::string_view if_match);

}  // namespace service::detail
