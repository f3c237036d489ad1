// API token rows.
#include "storage/token_repository.hpp"

#include <algorithm>

#include <pqxx/pqxx>

#include "scim/error.hpp"
#include "storage/detail/rows.hpp"
#include "storage/detail/statements.hpp"
#include "storage/stored_resource.hpp"

namespace storage {
char const* scope_name(TokenScope s) {
    switch (s) {
        case TokenScope::write:
            return "write";
        case TokenScope::audit:
            return "audit";
        case TokenScope::read:
            break;
    }
    return "read";
}

TokenScope scope_from(std::string const& s) {
    if (s == "write") return TokenScope::write;
    if (s == "audit") return TokenScope::audit;
    return TokenScope::read;
}

void TokenRepository::issue(std::string const& tenant_id, std::string const& sha256_hex, std::string const& label,
                            TokenScope scope, std::string const& user_id, double rate_limit, double rate_burst) {
    try {
        auto context = context_;
        context.tenant_id = tenant_id;
        std::vector<std::string> names{"label", "scope"};
        if (!user_id.empty()) names.emplace_back("user");
        if (rate_limit > 0) names.insert(names.end(), {"rateBurst", "rateLimit"});
        detail::exec_sql(
            tx_,
            "WITH t AS (INSERT INTO api_tokens (tenant_id, token_sha256, label, scope, user_id, rate_limit, rate_burst)"
            "  VALUES ($1, $2, $3, $4, $5::uuid, nullif($6, 0), nullif($7, 0)) RETURNING id, NULL::bigint AS version),"
            " c AS (" +
                detail::change_insert("t", scim::ResourceKind::token, ChangeOperation::create, "$8") +
                ") "
                "SELECT 1",
            tenant_id, sha256_hex, label, scope_name(scope), user_id.empty() ? nullptr : user_id.c_str(), rate_limit,
            rate_limit > 0 ? std::max(rate_burst, 1.0) : 0.0, change_context_json(context, names));
    } catch (pqxx::unique_violation const&) {
        throw scim::Error::conflict("the tenant has an active token labelled \"" + label +
                                    "\" already; choose another label or revoke it first");
    }
}

bool TokenRepository::revoke(std::string const& tenant_id, std::string const& label) {
    auto context = context_;
    context.tenant_id = tenant_id;
    auto const r = detail::exec_sql(
        tx_,
        "WITH t AS (UPDATE api_tokens SET revoked_at = $3::timestamptz"
        "           WHERE tenant_id = $1 AND label = $2 AND revoked_at IS NULL RETURNING id, NULL::bigint AS version),"
        " c AS (" +
            detail::change_insert("t", scim::ResourceKind::token, ChangeOperation::remove, "$4") +
            ") "
            "SELECT count(*) FROM t",
        tenant_id, label, format_timestamp(context.now), change_context_json(context, {"revoked"}));
    return r[0][0].as<long>() > 0;
}

std::optional<TokenGrant> TokenRepository::find_active(std::string const& sha256_hex) {
    auto const r = detail::exec_sql(
        tx_,
        "SELECT t.id, t.tenant_id, n.name, t.scope, "
        "       coalesce(t.last_used_at > now() - interval '1 minute', false), coalesce(t.user_id::text, ''), "
        "       n.unknown_attributes, n.rate_limit, n.rate_burst, coalesce(t.rate_limit, 0), coalesce(t.rate_burst, "
        "0), "
        "       t.label, n.profile = 'strict' "
        "FROM api_tokens t JOIN tenants n ON n.id = t.tenant_id "
        "WHERE t.token_sha256 = $1 AND t.revoked_at IS NULL"
        // a token bound to a user works while that user is active: deactivating the user revokes it at once
        "  AND (t.user_id IS NULL OR EXISTS (SELECT 1 FROM users u"
        "       WHERE u.tenant_id = t.tenant_id AND u.id = t.user_id AND u.active IS NOT false))",
        sha256_hex);
    if (r.empty()) return std::nullopt;
    auto const& row = r[0];
    TokenGrant grant;
    grant.token_id = row[0].as<std::string>();
    grant.tenant_id = row[1].as<std::string>();
    grant.tenant_name = row[2].as<std::string>();
    grant.scope = scope_from(row[3].as<std::string>());
    grant.used_recently = row[4].as<bool>();
    grant.user_id = row[5].as<std::string>();
    grant.unknown_attributes =
        scim::unknown_attributes_from(row[6].as<std::string>()).value_or(scim::UnknownAttributes::reject);
    grant.tenant_rate = row[7].as<double>();
    grant.tenant_burst = row[8].as<double>();
    grant.token_rate = row[9].as<double>();
    grant.token_burst = row[10].as<double>();
    grant.label = row[11].as<std::string>();
    grant.strict_profile = row[12].as<bool>();
    return grant;
}

void TokenRepository::record_use(std::string const& token_id) {
    detail::exec_sql(tx_, "UPDATE api_tokens SET last_used_at = now() WHERE id = $1", token_id);
}

std::vector<TokenInfo> TokenRepository::list_active(std::string const& tenant_id) {
    std::vector<TokenInfo> out;
    auto const r =
        detail::exec_sql(tx_,
                         "SELECT label, scope, " + detail::rfc3339_sql("created_at") +
                             ", "
                             "       coalesce(" +
                             detail::rfc3339_sql("last_used_at") +
                             ", '') "
                             "FROM api_tokens WHERE tenant_id = $1 AND revoked_at IS NULL ORDER BY created_at",
                         tenant_id);
    for (auto const& row : r)
        out.push_back({row[0].as<std::string>(), scope_from(row[1].as<std::string>()), row[2].as<std::string>(),
                       row[3].as<std::string>()});
    return out;
}

}  // namespace storage
