// OAuth clients, the keys that sign access tokens, used client assertions and trusted issuers, in SQL.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <pqxx/transaction_base>

#include "storage/change_log.hpp"
#include "storage/event_repository.hpp"
#include "storage/token_repository.hpp"

namespace storage {

struct OAuthClient {
    std::string id;
    std::string tenant_id;
    std::string tenant_name;
    std::string client_id;
    std::string label;
    TokenScope scope = TokenScope::read;
    std::string secret_sha256;  // empty for a client that authenticates with a key
    std::string public_jwk;     // JSON, or empty
    std::string jwks_url;       // or empty
    std::string user_id;        // empty when not bound to a user
    std::string created_at;
    bool revoked = false;
};

struct Trust {
    std::string id;
    std::string tenant_id;
    std::string issuer;
    std::string audience;
    std::string jwks_uri;
    std::string claims;  // JSON object of required claim values
    TokenScope scope = TokenScope::read;
};

class OAuthRepository {
public:
    /// Works in `tx`; creating and revoking clients and trusts append change records in `context`.
    explicit OAuthRepository(pqxx::transaction_base& tx, ChangeContext context = {})
        : tx_(tx), context_(std::move(context)) {}

    /// @throws scim::Error 409 when the tenant has an active client with that label.
    OAuthClient create_client(OAuthClient const& client);
    /// The client (active or revoked) with that client_id, with its tenant's name.
    std::optional<OAuthClient> find_client(std::string const& client_id);
    std::vector<OAuthClient> list_clients(std::string const& tenant_id);
    /// false: the tenant has no active client with that label.
    bool revoke_client(std::string const& tenant_id, std::string const& label);

    /// Remembers an assertion's jti until `expires_at` (RFC 3339 or epoch seconds); false when it was seen before.
    bool use_assertion(std::string const& client_id, std::string const& jti, std::int64_t expires_epoch);

    void add_signing_key(SigningKey const& key);
    std::optional<SigningKey> current_signing_key();
    /// Every key still verifying: the current one and those retired less than `lifetime_seconds` ago.
    std::vector<SigningKey> verifying_keys(std::int64_t lifetime_seconds);

    /// @throws scim::Error 409 when the tenant trusts that issuer for that audience already.
    Trust add_trust(Trust const& trust);
    std::vector<Trust> trusts_of_issuer(std::string const& issuer);
    std::vector<Trust> list_trusts(std::string const& tenant_id);
    bool remove_trust(std::string const& tenant_id, std::string const& issuer);

    /// A grant carrying the tenant's name and settings (unknown attributes, rate limit), for a principal that is not
    /// an API token; the caller fills in who it is. nullopt when the tenant is gone.
    std::optional<TokenGrant> tenant_grant(std::string const& tenant_id);
    /// Whether the tenant has that user and it is active: tokens bound to a deactivated user stop working.
    bool user_active(std::string const& tenant_id, std::string const& user_id);

    /// Deletes remembered assertions that have expired; how many.
    long forget_expired_assertions();

private:
    pqxx::transaction_base& tx_;
    ChangeContext context_;
};

}  // namespace storage
