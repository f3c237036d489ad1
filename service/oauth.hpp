// OAuth administration: a tenant's clients and the issuers it trusts. Each write takes the caller's transaction and
// leaves its change record there.
#pragma once

#include <string>

#include <pqxx/transaction_base>

#include "service/writes.hpp"
#include "storage/oauth_repository.hpp"

namespace service {

/// Registers a client of the caller's tenant. Exactly one of secret_sha256, public_jwk and jwks_url is set.
/// @throws scim::Error 400 for a label or URL that is not one, 409 when the label is in use.
storage::OAuthClient create_oauth_client(pqxx::transaction_base& tx, Caller const& caller, storage::OAuthClient client);
/// false when the tenant has no active client with that label.
bool revoke_oauth_client(pqxx::transaction_base& tx, Caller const& caller, std::string const& label);

/// @throws scim::Error 400 for an issuer, audience or JWKS URL that is not one, 409 when it is trusted already.
storage::Trust add_trust(pqxx::transaction_base& tx, Caller const& caller, storage::Trust trust);
bool remove_trust(pqxx::transaction_base& tx, Caller const& caller, std::string const& issuer);

}  // namespace service
