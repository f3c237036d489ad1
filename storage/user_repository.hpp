// Users of one tenant in PostgreSQL. Every statement is scoped by the tenant; uniqueness is the database's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/transaction_base>

#include "scim/error.hpp"
#include "storage/stored_resource.hpp"

namespace storage {

class UserRepository {
public:
    /// Works in `tx` on the users of `context.tenant_id`.
    UserRepository(pqxx::transaction_base& tx, ChangeContext const& context) : tx_(tx), context_(context) {}

    /// Stores a new user. @throws scim::Error uniqueness when its userName is taken, in any case.
    StoredResource create(boost::json::object const& attributes, std::optional<std::string> const& password_hash);

    /// Stores many new users with one statement; the result has one entry per input, in order, nullopt where the
    /// userName was taken (already, or by an earlier entry of the same batch). Nothing else can fail one entry.
    struct NewUser {
        boost::json::object attributes;
        std::optional<std::string> password_hash;
    };
    struct Created {
        std::string id;
        std::int64_t version = 1;
    };
    std::vector<std::optional<Created>> create_many(std::vector<NewUser> const& users);

    /// The 409 uniqueness error for a user whose userName is taken.
    static scim::Error name_taken(boost::json::object const& attributes);

    /// The user with that id, or nullopt (also for ids that are not UUIDs). `for_update` locks the row
    /// until the transaction ends, so a check of its version and the write that follows see the same row.
    std::optional<StoredResource> find(std::string_view id, bool for_update = false);

    /// Replaces the stored attributes of an existing user and bumps its version. A password hash of nullopt
    /// keeps the stored one. @throws scim::Error uniqueness (userName taken), not_found.
    StoredResource update(std::string_view id, boost::json::object const& attributes,
                          std::optional<std::string> const& password_hash);

    /// The id of the user with that userName (in any case), or nullopt.
    std::optional<std::string> id_of(std::string_view user_name);

    /// Deletes the user; false when there was none.
    bool remove(std::string_view id);

private:
    pqxx::transaction_base& tx_;
    ChangeContext const& context_;
};

}  // namespace storage
