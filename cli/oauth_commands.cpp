// OAuth: scimd client create | list | revoke, scimd tenant trust | trusts | untrust, scimd oauth key rotate.
#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/json.hpp>

#include "cli/command.hpp"
#include "cli/support.hpp"
#include "server/crypto.hpp"
#include "server/jws.hpp"
#include "service/oauth.hpp"
#include "storage/database.hpp"
#include "storage/user_repository.hpp"

namespace cli {
namespace {

int client_create(ParsedOptions const& o) {
    storage::OAuthClient client;
    client.label = required(o, "label");
    client.scope = scope_option(o);
    client.client_id = "scimd-" + server::new_token().substr(6, 22);
    std::string secret;
    auto const& key_file = o.get("public-key");
    client.jwks_url = o.get("jwks-url");
    if (!key_file.empty() && !client.jwks_url.empty()) throw UsageError("give --public-key or --jwks-url, not both");
    if (!client.jwks_url.empty()) check_outbound_url(o, client.jwks_url, "--jwks-url");
    if (!key_file.empty()) {
        std::ifstream in(key_file);
        if (!in) throw UsageError("cannot read the public key file " + key_file);
        std::stringstream pem;
        pem << in.rdbuf();
        auto jwk = server::public_jwk_of_pem(pem.str());
        if (!jwk) throw UsageError(key_file + " is not a PEM public key of RSA (2048 bits or more) or P-256");
        client.public_jwk = *jwk;
    } else if (client.jwks_url.empty()) {
        secret = server::new_token().substr(6);  // 256 random bits, base64url
        client.secret_sha256 = server::sha256_hex(secret);
    }
    std::string tenant_name;
    auto const status =
        with_tenant(o, [&](pqxx::work& tx, storage::Tenant const& tenant, service::Caller const& caller) {
            tenant_name = tenant.name;
            if (auto const& user_name = o.get("user"); !user_name.empty()) {
                auto const id = storage::UserRepository(tx, caller.change).id_of(user_name);
                if (!id) throw scim::Error::not_found("tenant " + tenant.name + " has no user \"" + user_name + "\"");
                client.user_id = *id;
            }
            service::create_oauth_client(tx, caller, client);
            return 0;
        });
    std::cerr << "scimd: registered OAuth client \"" << client.label << "\" (" << o.get("scope") << ") for tenant "
              << tenant_name << "; it authenticates with "
              << (!secret.empty() ? "the secret below, shown only now" : "private_key_jwt") << "\n";
    std::cout << "client_id=" << client.client_id << "\n";
    if (!secret.empty()) std::cout << "client_secret=" << secret << "\n";
    return status;
}

int client_list(ParsedOptions const& o) {
    return reading_tenant(o, [](pqxx::transaction_base& tx, storage::Tenant const& tenant) {
        for (auto const& c : storage::OAuthRepository(tx).list_clients(tenant.id))
            std::cout << c.label << "\t" << c.client_id << "\t" << storage::scope_name(c.scope) << "\t"
                      << (!c.secret_sha256.empty() ? "client_secret"
                          : !c.jwks_url.empty()    ? "private_key_jwt " + c.jwks_url
                                                   : std::string("private_key_jwt"))
                      << "\t" << c.created_at << "\n";
        return 0;
    });
}

int client_revoke(ParsedOptions const& o) {
    auto const& label = required(o, "label");
    return with_tenant(o, [&](pqxx::work& tx, storage::Tenant const& tenant, service::Caller const& caller) {
        if (!service::revoke_oauth_client(tx, caller, label))
            throw scim::Error::not_found("tenant " + tenant.name + " has no active OAuth client labelled \"" + label +
                                         "\"");
        std::cerr << "scimd: revoked OAuth client \"" << label << "\" of tenant " << tenant.name
                  << "; its access tokens stop working within the servers' --token-cache-ms\n";
        return 0;
    });
}

// Microsoft Entra ID's keys, for its issuers, when --jwks-uri is not given.
std::string default_jwks_uri(std::string const& issuer) {
    if (issuer.rfind("https://sts.windows.net/", 0) == 0 || issuer.rfind("https://login.microsoftonline.com/", 0) == 0)
        return "https://login.microsoftonline.com/common/discovery/v2.0/keys";
    return {};
}

int tenant_trust(ParsedOptions const& o) {
    storage::Trust trust;
    trust.issuer = required(o, "issuer");
    trust.audience = required(o, "audience");
    trust.jwks_uri = o.get("jwks-uri").empty() ? default_jwks_uri(trust.issuer) : o.get("jwks-uri");
    if (trust.jwks_uri.empty()) throw UsageError("--jwks-uri is required for an issuer other than Microsoft Entra ID");
    check_outbound_url(o, trust.jwks_uri, "--jwks-uri");
    trust.scope = scope_option(o);
    boost::json::object claims;
    std::stringstream list(o.get("claim"));
    for (std::string item; std::getline(list, item, ',');) {
        auto const eq = item.find('=');
        if (eq == std::string::npos || eq == 0) throw UsageError("--claim takes name=value[,name=value...]");
        claims[item.substr(0, eq)] = item.substr(eq + 1);
    }
    trust.claims = boost::json::serialize(claims);
    return with_tenant(o, [&](pqxx::work& tx, storage::Tenant const& tenant, service::Caller const& caller) {
        service::add_trust(tx, caller, trust);
        std::cerr << "scimd: tenant " << tenant.name << " accepts JWTs of " << trust.issuer << " for " << trust.audience
                  << " (" << o.get("scope") << "), keys from " << trust.jwks_uri << "\n";
        return 0;
    });
}

int tenant_trusts(ParsedOptions const& o) {
    return reading_tenant(o, [](pqxx::transaction_base& tx, storage::Tenant const& tenant) {
        for (auto const& t : storage::OAuthRepository(tx).list_trusts(tenant.id))
            std::cout << t.issuer << "\t" << t.audience << "\t" << storage::scope_name(t.scope) << "\t" << t.jwks_uri
                      << "\t" << t.claims << "\n";
        return 0;
    });
}

int tenant_untrust(ParsedOptions const& o) {
    auto const& issuer = required(o, "issuer");
    return with_tenant(o, [&](pqxx::work& tx, storage::Tenant const& tenant, service::Caller const& caller) {
        if (!service::remove_trust(tx, caller, issuer))
            throw scim::Error::not_found("tenant " + tenant.name + " does not trust " + issuer);
        std::cerr << "scimd: tenant " << tenant.name << " no longer accepts JWTs of " << issuer << "\n";
        return 0;
    });
}

int oauth_key_rotate(ParsedOptions const& o) {
    auto const& algorithm = o.get("algorithm");
    if (algorithm != "ES256" && algorithm != "RS256") throw UsageError("--algorithm must be ES256 or RS256");
    auto const key = server::generate_signing_key(algorithm);
    auto connection = storage::connect(o.get("database-url"));
    pqxx::work tx(*connection);
    storage::OAuthRepository(tx).add_signing_key(key);
    tx.commit();
    std::cerr << "scimd: access tokens are now signed with " << algorithm << " key " << key.kid
              << " (within a minute on every server); tokens signed before keep working until they expire\n";
    std::cout << key.kid << "\n";
    return 0;
}

}  // namespace

std::vector<Command> oauth_commands() {
    return {
        {"OAuth",
         {"client create", "",
          "Registers an OAuth client of a tenant (client credentials grant at /oauth2/token) and prints its client_id "
          "and, for a secret client, its secret, shown only now.",
          with_egress_options(
              {tenant_option(),
               {"label", "LABEL", "a name for the client, unique among the tenant's active clients", ""},
               {"scope", "read|write|audit", "what its tokens may do (scim:read, scim:write, scim:audit)", "write"},
               {"public-key", "FILE", "private_key_jwt: the client's PEM public key (RSA or P-256)", ""},
               {"jwks-url", "URL", "private_key_jwt: where the client publishes its keys", ""},
               {"user", "USERNAME", "bind the client to this user of the tenant: /Me is that user (scim:me)", ""},
               database_url_option()}),
          0},
         client_create},
        {"OAuth",
         {"client list",
          "",
          "Lists a tenant's active OAuth clients: label, client_id, scope, how it authenticates, created.",
          {tenant_option(), database_url_option()},
          0},
         client_list},
        {"OAuth",
         {"client revoke",
          "",
          "Revokes a tenant's OAuth client by its label; its tokens stop working.",
          {tenant_option(), {"label", "LABEL", "the client's label", ""}, database_url_option()},
          0},
         client_revoke},
        {"OAuth",
         {"tenant trust", "", "Accepts the bearer JWTs of an external issuer (Microsoft Entra ID) for a tenant.",
          with_egress_options(
              {tenant_option(),
               {"issuer", "URL", "the exact iss of its tokens", ""},
               {"audience", "AUD", "the aud its tokens must carry", ""},
               {"jwks-uri", "URL", "where its keys are (default for Entra issuers: its common keys)", ""},
               {"claim", "NAME=VALUE,...", "claims its tokens must have, such as tid=<Entra tenant id>", ""},
               {"scope", "read|write|audit", "what its tokens may do", "write"},
               database_url_option()}),
          0},
         tenant_trust},
        {"OAuth",
         {"tenant trusts",
          "",
          "Lists the issuers a tenant trusts: issuer, audience, scope, JWKS URL, required claims.",
          {tenant_option(), database_url_option()},
          0},
         tenant_trusts},
        {"OAuth",
         {"tenant untrust",
          "",
          "Stops accepting an issuer's JWTs for a tenant.",
          {tenant_option(), {"issuer", "URL", "the issuer", ""}, database_url_option()},
          0},
         tenant_untrust},
        {"OAuth",
         {"oauth key rotate",
          "",
          "Makes a new key sign access tokens; the old one verifies until its tokens expire.",
          {{"algorithm", "ES256|RS256", "the new key's algorithm", "ES256"}, database_url_option()},
          0},
         oauth_key_rotate},
    };
}

}  // namespace cli
