-- Tenants, their API tokens, users and the audit log. Every table is keyed by tenant first.

CREATE TABLE tenants (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL,
    domain      text,
    settings    jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tenants_name_not_blank CHECK (btrim(name) <> '')
);
CREATE UNIQUE INDEX tenants_name_key ON tenants (lower(name));

-- Only the SHA-256 of a token is stored; the token itself is shown once, when issued.
CREATE TABLE api_tokens (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    token_sha256  text NOT NULL UNIQUE,
    label         text NOT NULL,
    scope         text NOT NULL CHECK (scope IN ('read', 'write')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz,
    last_used_at  timestamptz
);
CREATE UNIQUE INDEX api_tokens_active_label_key ON api_tokens (tenant_id, label) WHERE revoked_at IS NULL;

-- A user is its client-owned SCIM attributes in canonical form (data); the columns that are queried and
-- constrained are derived from it, so the two can never disagree.
CREATE TABLE users (
    tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id             uuid NOT NULL DEFAULT gen_random_uuid(),
    data           jsonb NOT NULL CHECK (jsonb_typeof(data) = 'object'),
    user_name      text GENERATED ALWAYS AS (data ->> 'userName') STORED NOT NULL,
    external_id    text GENERATED ALWAYS AS (data ->> 'externalId') STORED,
    display_name   text GENERATED ALWAYS AS (data ->> 'displayName') STORED,
    active         boolean GENERATED ALWAYS AS ((data -> 'active')::boolean) STORED,
    password_hash  text,
    version        bigint NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL,
    modified_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
-- userName is unique per tenant regardless of case (RFC 7643: caseExact false), stored as sent.
CREATE UNIQUE INDEX users_user_name_key ON users (tenant_id, lower(user_name));
CREATE INDEX users_created ON users (tenant_id, created_at, id);
CREATE INDEX users_external_id ON users (tenant_id, external_id) WHERE external_id IS NOT NULL;

CREATE TABLE audit_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    occurred_at     timestamptz NOT NULL,
    token_id        uuid,
    request_id      text,
    resource_type   text NOT NULL,
    resource_id     uuid NOT NULL,
    operation       text NOT NULL CHECK (operation IN ('create', 'replace', 'update', 'delete')),
    version_before  bigint,
    version_after   bigint
);
CREATE INDEX audit_log_resource ON audit_log (tenant_id, resource_id, occurred_at);
