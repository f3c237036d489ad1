// One dispatch by resource kind for every SCIM write.
#include "service/writes.hpp"

#include "scim/error.hpp"
#include "service/detail/kinds.hpp"

namespace service {
namespace {

[[noreturn]] void no_writes(scim::ResourceKind kind) {
    throw scim::Error::not_found(std::string(scim::to_string(kind)) + " resources are not written over SCIM");
}

}  // namespace

storage::StoredResource create(pqxx::transaction_base& tx, Caller const& caller, scim::ResourceKind kind,
                               scim::ResourceInput const& input, PasswordHash const& hash) {
    switch (kind) {
        case scim::ResourceKind::user:
            return detail::create_user(tx, caller, input, hash);
        case scim::ResourceKind::group:
            return detail::create_group(tx, caller, input);
        case scim::ResourceKind::site:
            return detail::create_site(tx, caller, input);
        case scim::ResourceKind::device:
            return detail::create_device(tx, caller, input);
        default:
            no_writes(kind);
    }
}

storage::StoredResource replace(pqxx::transaction_base& tx, Caller const& caller, scim::ResourceKind kind,
                                std::string_view id, scim::ResourceInput const& input, PasswordHash const& hash,
                                std::string_view if_match) {
    switch (kind) {
        case scim::ResourceKind::user:
            return detail::replace_user(tx, caller, id, input, hash, if_match);
        case scim::ResourceKind::group:
            return detail::replace_group(tx, caller, id, input, if_match);
        case scim::ResourceKind::site:
            return detail::replace_site(tx, caller, id, input, if_match);
        case scim::ResourceKind::device:
            return detail::replace_device(tx, caller, id, input, if_match);
        default:
            no_writes(kind);
    }
}

storage::StoredResource patch(pqxx::transaction_base& tx, Caller const& caller, scim::ResourceKind kind,
                              std::string_view id, scim::PatchRequest const& request, PasswordHash const& hash,
                              std::string_view if_match) {
    switch (kind) {
        case scim::ResourceKind::user:
            return detail::patch_user(tx, caller, id, request, hash, if_match);
        case scim::ResourceKind::group:
            return detail::patch_group(tx, caller, id, request, if_match);
        case scim::ResourceKind::site:
            return detail::patch_site(tx, caller, id, request, if_match);
        case scim::ResourceKind::device:
            return detail::patch_device(tx, caller, id, request, if_match);
        default:
            no_writes(kind);
    }
}

void remove(pqxx::transaction_base& tx, Caller const& caller, scim::ResourceKind kind, std::string_view id,
            std::string_view if_match) {
    switch (kind) {
        case scim::ResourceKind::user:
            return detail::delete_user(tx, caller, id, if_match);
        case scim::ResourceKind::group:
            return detail::delete_group(tx, caller, id, if_match);
        case scim::ResourceKind::site:
            return detail::delete_site(tx, caller, id, if_match);
        case scim::ResourceKind::device:
            return detail::delete_device(tx, caller, id, if_match);
        default:
            no_writes(kind);
    }
}

}  // namespace service
