// OAuth clients, signing keys, used assertions and trusts in SQL.
#include "storage/oauth_repository.hpp"

#include <pqxx/except>

#include "scim/error.hpp"
#include "storage/detail/rows.hpp"
#include "storage/detail/signing_keys.hpp"
#include "storage/detail/statements.hpp"

namespace storage {

namespace {

std::string const client_columns =
    "c.id, c.tenant_id, n.name, c.client_id, c.label, c.scope, coalesce(c.secret_sha256, ''),"
    " coalesce(c.public_jwk::text, ''), coalesce(c.jwks_url, ''), coalesce(c.user_id::text, ''), " +
    detail::rfc3339_sql("c.created_at") + ", c.revoked_at IS NOT NULL";

OAuthClient client_of(pqxx::row const& row) {
    OAuthClient c;
    c.id = row[0].as<std::string>();
    c.tenant_id = row[1].as<std::string>();
    c.tenant_name = row[2].as<std::string>();
    c.client_id = row[3].as<std::string>();
    c.label = row[4].as<std::string>();
    c.scope = scope_from(row[5].as<std::string>());
    c.secret_sha256 = row[6].as<std::string>();
    c.public_jwk = row[7].as<std::string>();
    c.jwks_url = row[8].as<std::string>();
    c.user_id = row[9].as<std::string>();
    c.created_at = row[10].as<std::string>();
    c.revoked = row[11].as<bool>();
    return c;
}

std::string const trust_columns = "id, tenant_id, issuer, audience, jwks_uri, claims::text, scope";

Trust trust_of(pqxx::row const& row) {
    return {row[0].as<std::string>(),
            row[1].as<std::string>(),
            row[2].as<std::string>(),
            row[3].as<std::string>(),
            row[4].as<std::string>(),
            row[5].as<std::string>(),
            scope_from(row[6].as<std::string>())};
}

SigningKey key_of(pqxx::row const& row) {
    return {row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(), row[3].as<std::string>()};
}

}  // namespace

OAuthClient OAuthRepository::create_client(OAuthClient const& c) {
    std::vector<std::string> names{"clientId", "label", "scope"};
    names.emplace_back(!c.secret_sha256.empty() ? "secret" : !c.public_jwk.empty() ? "publicKey" : "jwksUrl");
    if (!c.user_id.empty()) names.emplace_back("user");
    try {
        auto const row = detail::exec_sql1(
            tx_,
            "WITH s AS (INSERT INTO oauth_clients (tenant_id, client_id, label, scope, secret_sha256, public_jwk,"
            " jwks_url, user_id) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8::uuid)"
            " RETURNING id, label, NULL::bigint AS version),"
            " c AS (" +
                detail::change_insert("s", scim::ResourceKind::client, ChangeOperation::create, "$9", "s.label") +
                ") SELECT id FROM s",
            c.tenant_id, c.client_id, c.label, scope_name(c.scope), detail::or_null(c.secret_sha256),
            detail::or_null(c.public_jwk), detail::or_null(c.jwks_url), detail::or_null(c.user_id),
            change_context_json(context_, names));
        auto out = c;
        out.id = row[0].as<std::string>();
        return out;
    } catch (pqxx::unique_violation const&) {
        throw scim::Error::conflict("the tenant has an active OAuth client labelled \"" + c.label +
                                    "\" already; choose another label or revoke it first");
    }
}

std::optional<OAuthClient> OAuthRepository::find_client(std::string const& client_id) {
    auto const rows = detail::exec_sql(tx_,
                                       "SELECT " + client_columns +
                                           " FROM oauth_clients c JOIN tenants n ON n.id = c.tenant_id"
                                           " WHERE c.client_id = $1",
                                       client_id);
    if (rows.empty()) return std::nullopt;
    return client_of(rows[0]);
}

std::vector<OAuthClient> OAuthRepository::list_clients(std::string const& tenant_id) {
    std::vector<OAuthClient> out;
    for (auto const& row :
         detail::exec_sql(tx_,
                          "SELECT " + client_columns +
                              " FROM oauth_clients c JOIN tenants n ON n.id = c.tenant_id"
                              " WHERE c.tenant_id = $1 AND c.revoked_at IS NULL ORDER BY c.created_at",
                          tenant_id))
        out.push_back(client_of(row));
    return out;
}

bool OAuthRepository::revoke_client(std::string const& tenant_id, std::string const& label) {
    return detail::exec_sql1(
               tx_,
               "WITH s AS (UPDATE oauth_clients SET revoked_at = now()"
               "           WHERE tenant_id = $1 AND label = $2 AND revoked_at IS NULL"
               "           RETURNING id, label, NULL::bigint AS version),"
               " c AS (" +
                   detail::change_insert("s", scim::ResourceKind::client, ChangeOperation::remove, "$3", "s.label") +
                   ") SELECT count(*) FROM s",
               tenant_id, label, change_context_json(context_, {"revoked"}))[0]
               .as<long>() > 0;
}

bool OAuthRepository::use_assertion(std::string const& client_id, std::string const& jti, std::int64_t expires_epoch) {
    return !detail::exec_sql(tx_,
                             "INSERT INTO oauth_used_assertions (client_id, jti, expires_at)"
                             " VALUES ($1, $2, to_timestamp($3)) ON CONFLICT DO NOTHING RETURNING 1",
                             client_id, jti, expires_epoch)
                .empty();
}

long OAuthRepository::forget_expired_assertions() {
    return static_cast<long>(
        detail::exec_sql(tx_, "DELETE FROM oauth_used_assertions WHERE expires_at < now() RETURNING 1").size());
}

void OAuthRepository::add_signing_key(SigningKey const& key) {
    detail::add_signing_key(tx_, "oauth_signing_keys", key);
}

std::optional<SigningKey> OAuthRepository::current_signing_key() {
    return detail::current_signing_key(tx_, "oauth_signing_keys");
}

std::vector<SigningKey> OAuthRepository::verifying_keys(std::int64_t lifetime_seconds) {
    std::vector<SigningKey> out;
    for (auto const& row : detail::exec_sql(
             tx_,
             "SELECT kid, algorithm, '', public_jwk::text FROM oauth_signing_keys"
             " WHERE retired_at IS NULL OR retired_at > now() - make_interval(secs => $1::double precision)"
             " ORDER BY retired_at IS NOT NULL, created_at DESC",
             lifetime_seconds))
        out.push_back(key_of(row));
    return out;
}

Trust OAuthRepository::add_trust(Trust const& t) {
    try {
        auto const row = detail::exec_sql1(
            tx_,
            "WITH s AS (INSERT INTO tenant_trusts (tenant_id, issuer, audience, jwks_uri, claims, scope)"
            " VALUES ($1, $2, $3, $4, $5::jsonb, $6) RETURNING id, issuer, NULL::bigint AS version),"
            " c AS (" +
                detail::change_insert("s", scim::ResourceKind::trust, ChangeOperation::create, "$7", "s.issuer") +
                ") SELECT id FROM s",
            t.tenant_id, t.issuer, t.audience, t.jwks_uri, t.claims.empty() ? "{}" : t.claims, scope_name(t.scope),
            change_context_json(context_, {"audience", "claims", "issuer", "jwksUri", "scope"}));
        auto out = t;
        out.id = row[0].as<std::string>();
        return out;
    } catch (pqxx::unique_violation const&) {
        throw scim::Error::conflict("the tenant trusts " + t.issuer + " for the audience " + t.audience +
                                    " already; remove that trust first to change it");
    }
}

std::vector<Trust> OAuthRepository::trusts_of_issuer(std::string const& issuer) {
    std::vector<Trust> out;
    for (auto const& row :
         detail::exec_sql(tx_, "SELECT " + trust_columns + " FROM tenant_trusts WHERE issuer = $1", issuer))
        out.push_back(trust_of(row));
    return out;
}

std::vector<Trust> OAuthRepository::list_trusts(std::string const& tenant_id) {
    std::vector<Trust> out;
    for (auto const& row : detail::exec_sql(
             tx_, "SELECT " + trust_columns + " FROM tenant_trusts WHERE tenant_id = $1 ORDER BY issuer", tenant_id))
        out.push_back(trust_of(row));
    return out;
}

bool OAuthRepository::remove_trust(std::string const& tenant_id, std::string const& issuer) {
    return detail::exec_sql1(
               tx_,
               "WITH s AS (DELETE FROM tenant_trusts WHERE tenant_id = $1 AND issuer = $2"
               "           RETURNING id, issuer, NULL::bigint AS version),"
               " c AS (" +
                   detail::change_insert("s", scim::ResourceKind::trust, ChangeOperation::remove, "$3", "s.issuer") +
                   ") SELECT count(*) FROM s",
               tenant_id, issuer, change_context_json(context_))[0]
               .as<long>() > 0;
}

std::optional<TokenGrant> OAuthRepository::tenant_grant(std::string const& tenant_id) {
    auto const rows = detail::exec_sql(
        tx_, "SELECT name, unknown_attributes, rate_limit, rate_burst, profile = 'strict' FROM tenants WHERE id = $1",
        tenant_id);
    if (rows.empty()) return std::nullopt;
    TokenGrant grant;
    grant.tenant_id = tenant_id;
    grant.tenant_name = rows[0][0].as<std::string>();
    grant.unknown_attributes =
        scim::unknown_attributes_from(rows[0][1].as<std::string>()).value_or(scim::UnknownAttributes::reject);
    grant.tenant_rate = rows[0][2].as<double>();
    grant.tenant_burst = rows[0][3].as<double>();
    grant.strict_profile = rows[0][4].as<bool>();
    grant.used_recently = true;  // nothing to record: the principal has no last_used_at
    return grant;
}

bool OAuthRepository::user_active(std::string const& tenant_id, std::string const& user_id) {
    return !detail::exec_sql(tx_, "SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2::uuid AND active IS NOT false",
                             tenant_id, user_id)
                .empty();
}

}  // namespace storage
