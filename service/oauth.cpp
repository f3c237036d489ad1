// OAuth clients and trusts: validation and storage.
#include "service/oauth.hpp"

#include "scim/error.hpp"

namespace service {

namespace {

bool is_https_url(std::string const& url, bool loopback_http_too) {
    if (url.rfind("https://", 0) == 0 && url.size() > 8) return true;
    return loopback_http_too && (url.rfind("http://127.0.0.1", 0) == 0 || url.rfind("http://localhost", 0) == 0 ||
                                 url.rfind("http://[::1]", 0) == 0);
}

}  // namespace

storage::OAuthClient create_oauth_client(pqxx::transaction_base& tx, Caller const& caller,
                                         storage::OAuthClient client) {
    if (client.label.empty() || client.label.size() > 128)
        throw scim::Error::invalid_value("a client label is 1 to 128 characters");
    if (!client.jwks_url.empty() && !is_https_url(client.jwks_url, true))
        throw scim::Error::invalid_value(
            "the client's JWKS URL must be https:// (http:// only on the loopback), not \"" + client.jwks_url + "\"");
    client.tenant_id = caller.change.tenant_id;
    return storage::OAuthRepository(tx, caller.change).create_client(client);
}

bool revoke_oauth_client(pqxx::transaction_base& tx, Caller const& caller, std::string const& label) {
    return storage::OAuthRepository(tx, caller.change).revoke_client(caller.change.tenant_id, label);
}

storage::Trust add_trust(pqxx::transaction_base& tx, Caller const& caller, storage::Trust trust) {
    if (trust.issuer.empty() || trust.issuer.size() > 512)
        throw scim::Error::invalid_value(
            "the issuer is the exact iss of its tokens, such as https://sts.windows.net/<tenant id>/");
    if (trust.audience.empty()) throw scim::Error::invalid_value("the audience (the aud its tokens carry) is required");
    if (!is_https_url(trust.jwks_uri, true))
        throw scim::Error::invalid_value(
            "the issuer's JWKS URL must be https:// (http:// only on the loopback), not \"" + trust.jwks_uri + "\"");
    trust.tenant_id = caller.change.tenant_id;
    return storage::OAuthRepository(tx, caller.change).add_trust(trust);
}

bool remove_trust(pqxx::transaction_base& tx, Caller const& caller, std::string const& issuer) {
    return storage::OAuthRepository(tx, caller.change).remove_trust(caller.change.tenant_id, issuer);
}

}  // namespace service
