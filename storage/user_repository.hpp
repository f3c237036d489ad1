// Users of one tenant in PostgreSQL. Every statement is scoped by the tenant; uniqueness is the database's. Every
// write goes through the directory rules (storage/directory.hpp) in the same transaction.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/except>
#include <pqxx/transaction_base>

#include "scim/error.hpp"
#include "storage/directory.hpp"
#include "storage/stored_resource.hpp"

namespace storage {

class UserRepository {
public:
    /// Works in `tx` on the users of `context.tenant_id`; every write appends its change records.
    UserRepository(pqxx::transaction_base& tx, ChangeContext context)
        : tx_(tx), context_(std::move(context)), directory_(tx, context_) {}

    /// Stores a new user. @throws scim::Error uniqueness when its userName or extension is taken, and the
    /// directory rules' errors.
    StoredResource create(boost::json::object const& attributes, std::optional<std::string> const& password_hash);

    /// Stores many new users with one statement; the result has one entry per input, in order: the created user, or
    /// the error of that entry alone (a directory rule, or a userName taken already or by an earlier entry).
    /// For contacts only: an entry with licences must go through create(), which allocates its extension.
    struct NewUser {
        boost::json::object attributes;
        std::optional<std::string> password_hash;
    };
    struct Created {
        std::string id;
        std::int64_t version = 1;
    };
    struct CreateOutcome {
        std::optional<Created> created;
        std::optional<scim::Error> error;
    };
    std::vector<CreateOutcome> create_many(std::vector<NewUser> const& users);

    /// The 409 uniqueness error for a user whose userName is taken, naming the user who has it when known.
    static scim::Error name_taken(boost::json::object const& attributes, std::optional<std::string> const& holder);

    /// The user with that id, or nullopt (also for ids that are not UUIDs). `for_update` locks the row
    /// until the transaction ends, so a check of its version and the write that follows see the same row.
    std::optional<StoredResource> find(std::string_view id, bool for_update = false);
    /// The user with that id and its groups (user_groups set), in one statement; nullopt as find().
    std::optional<StoredResource> find_with_groups(std::string_view id);

    /// Replaces the stored attributes of an existing user (`previous`, as found) with `user`, which
    /// directory().apply() made of the new attributes, and bumps its version; `operation` is what the change record
    /// says it was. A password hash of nullopt keeps the stored one. @throws scim::Error uniqueness (userName or
    /// extension taken), not_found, and the directory rules' errors (a full pool, a number held by someone else).
    StoredResource update(std::string_view id, DirectoryUser const& user,
                          std::optional<std::string> const& password_hash, boost::json::object const& previous,
                          ChangeOperation operation);

    /// The userNames (lower case) of the tenant that are one of `stems` or start with a stem and a dot: what an
    /// invented name "<stem>.<n>" must avoid. One statement for all stems.
    std::vector<std::string> names_with_stems(std::vector<std::string> const& stems);

    /// The users that references name, by the key given: an id, else an externalId, else a userName (any case).
    struct Reference {
        std::string id;
        std::string display;  // displayName, else userName
    };
    std::map<std::string, Reference> resolve_references(std::vector<std::string> const& keys);

    /// The directory attributes (JSON text, empty when none) of each of these users that exists, by id.
    std::map<std::string, std::string> directory_attributes(std::vector<std::string> const& ids);

    /// The id of the user with that userName (in any case), or nullopt.
    std::optional<std::string> id_of(std::string_view user_name);

    /// Deletes the user; false when there was none. Its licence seats, extension and numbers are free again when
    /// the transaction commits.
    bool remove(std::string_view id);

    /// Deletes every user with active: false; returns how many.
    std::size_t remove_inactive();

    /// The directory rules this repository writes through (the tenant's settings, its sites).
    Directory& directory() { return directory_; }

private:
    std::optional<std::string> holder_of(boost::json::object const& attributes);
    std::size_t remove_where(std::string const& condition, std::string const& argument);
    /// The attribute names a change record lists for a write from `before` to `after`.
    static std::vector<std::string> changes_of(boost::json::object const& before, boost::json::object const& after,
                                               bool new_password);
    /// @throws scim::Error invalid_value when the enterprise manager.value (new or changed since `previous`) is not
    /// the id of another user of the tenant.
    void check_manager(boost::json::object const& attributes, boost::json::object const* previous,
                       std::string_view self);
    [[noreturn]] void unique_violation(pqxx::unique_violation const& e, boost::json::object const& attributes);

    pqxx::transaction_base& tx_;
    ChangeContext context_;
    Directory directory_;
};

}  // namespace storage
