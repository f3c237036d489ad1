-- One change record for every write of every resource, in the write's own transaction: what the audit command
-- reads and what change events are published from. It takes over the audit log of users and groups.
CREATE TABLE changes (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    occurred_at    timestamptz NOT NULL,   -- the request's clock, the same for every record of one request
    resource_type  text NOT NULL CHECK (resource_type IN ('User', 'Group', 'Site', 'License', 'Number', 'Tenant', 'Token')),
    resource_id    text NOT NULL,
    operation      text NOT NULL CHECK (operation IN ('create', 'replace', 'patch', 'delete', 'update')),
    version        bigint,                 -- the resource's version after the change; NULL when it has none or is gone
    actor          text NOT NULL,          -- the token's label, or "cli"
    token_id       uuid,
    request_id     text,
    attributes     text[] NOT NULL DEFAULT '{}'  -- the names of what changed, never values
);
CREATE INDEX changes_by_time ON changes (tenant_id, occurred_at, id);
CREATE INDEX changes_by_resource ON changes (tenant_id, resource_id, id);

INSERT INTO changes (tenant_id, occurred_at, resource_type, resource_id, operation, version, actor, token_id, request_id)
SELECT a.tenant_id, a.occurred_at, a.resource_type, a.resource_id::text, a.operation, a.version_after,
       coalesce(t.label, 'cli'), a.token_id, a.request_id
FROM audit_log a LEFT JOIN api_tokens t ON t.id = a.token_id
ORDER BY a.id;
DROP TABLE audit_log;
