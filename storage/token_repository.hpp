// API tokens: only their SHA-256 is stored; each belongs to one tenant and has scope read, write or audit.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <pqxx/transaction_base>

#include "scim/unknown_attributes.hpp"
#include "storage/change_log.hpp"

namespace storage {

enum class TokenScope { read, write, audit };  // audit: reads /AuditEvents, and only that

/// "read", "write", "audit", as stored.
char const* scope_name(TokenScope s);
/// The scope stored as `s`; read for anything unknown.
TokenScope scope_from(std::string const& s);

/// What a presented token grants.
struct TokenGrant {
    std::string token_id;
    std::string tenant_id;
    std::string tenant_name;
    TokenScope scope = TokenScope::read;
    bool used_recently = false;  // last_used_at within the last minute: no need to record the use again
    std::string user_id;         // the user /Me stands for; empty for a token not bound to a user
    std::string label;           // what change records name as the actor
    /// The tenant's policy, read with the token so that a request knows it before it parses its body.
    scim::UnknownAttributes unknown_attributes = scim::UnknownAttributes::ignore;
    bool strict_profile = false;  // the tenant follows the interoperability and IPSIE profiles in full
    /// Requests per second and burst: the tenant's (rate 0: unlimited) and the token's own (rate 0: none).
    double tenant_rate = 0, tenant_burst = 0;
    double token_rate = 0, token_burst = 0;
};

struct TokenInfo {
    std::string label;
    TokenScope scope = TokenScope::read;
    std::string created_at;
    std::string last_used_at;  // empty when never used
};

class TokenRepository {
public:
    /// Works in `tx`; issuing and revoking append change records in `context` (whose tenant is each token's own).
    explicit TokenRepository(pqxx::transaction_base& tx, ChangeContext context = {})
        : tx_(tx), context_(std::move(context)) {}

    /// Records a new token by its SHA-256 (hex). Labels are unique among a tenant's active tokens.
    /// @throws scim::Error conflict when the label is in use.
    void issue(std::string const& tenant_id, std::string const& sha256_hex, std::string const& label, TokenScope scope,
               std::string const& user_id = {}, double rate_limit = 0, double rate_burst = 0);
    /// Revokes the tenant's active token with that label; false when there is none.
    bool revoke(std::string const& tenant_id, std::string const& label);
    /// The grant of an active token, by SHA-256 (hex); nullopt when unknown or revoked.
    std::optional<TokenGrant> find_active(std::string const& sha256_hex);
    /// Records that the token was used now.
    void record_use(std::string const& token_id);
    std::vector<TokenInfo> list_active(std::string const& tenant_id);

private:
    pqxx::transaction_base& tx_;
    ChangeContext context_;
};

}  // namespace storage
