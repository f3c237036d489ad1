-- OAuth 2.0 for provisioning clients. A tenant's clients get short-lived access tokens from the token endpoint by
-- the client credentials grant, authenticating with a secret (only its SHA-256 is kept) or with a JWT signed by
-- their own key (RFC 7523: a registered public key, or the client's JWKS URL). The installation's keys sign the
-- access tokens. Assertions already used are remembered until they expire (replay protection). A tenant may also
-- trust an external issuer (Microsoft Entra ID) whose own JWTs are then accepted.
CREATE TABLE oauth_clients (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    client_id      text NOT NULL UNIQUE,             -- random: names the tenant too, installation-wide
    label          text NOT NULL,                    -- what change records name as the actor
    scope          text NOT NULL CHECK (scope IN ('read', 'write', 'audit')),
    secret_sha256  text,                             -- client_secret_basic and client_secret_post
    public_jwk     jsonb,                            -- private_key_jwt with a registered key
    jwks_url       text,                             -- private_key_jwt with the client's JWKS
    user_id        uuid,                             -- the user /Me stands for (scope scim:me)
    created_at     timestamptz NOT NULL DEFAULT now(),
    revoked_at     timestamptz,
    CHECK (num_nonnulls(secret_sha256, public_jwk, jwks_url) = 1)
);
CREATE UNIQUE INDEX oauth_clients_label ON oauth_clients (tenant_id, label) WHERE revoked_at IS NULL;

CREATE TABLE oauth_signing_keys (
    kid              text PRIMARY KEY,
    algorithm        text NOT NULL CHECK (algorithm IN ('RS256', 'ES256')),
    private_key_pem  text NOT NULL,
    public_jwk       jsonb NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    retired_at       timestamptz    -- verifies (and stays in the JWKS) until the tokens it signed have expired
);

CREATE TABLE oauth_used_assertions (
    client_id   text NOT NULL,
    jti         text NOT NULL,
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (client_id, jti)
);

CREATE TABLE tenant_trusts (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    issuer      text NOT NULL,                   -- iss, exactly
    audience    text NOT NULL,                   -- aud must name it
    jwks_uri    text NOT NULL,                   -- https: where the issuer's keys are
    claims      jsonb NOT NULL DEFAULT '{}',     -- claims that must have these values ({"tid": "..."})
    scope       text NOT NULL CHECK (scope IN ('read', 'write', 'audit')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, issuer, audience)
);

ALTER TABLE changes DROP CONSTRAINT changes_resource_type_check;
ALTER TABLE changes ADD CONSTRAINT changes_resource_type_check CHECK (resource_type IN
    ('User', 'Group', 'Site', 'License', 'Number', 'Tenant', 'Token', 'EventStream', 'Client', 'Trust'));
