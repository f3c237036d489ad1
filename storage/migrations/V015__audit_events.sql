-- /AuditEvents: the change records as a read-only SCIM resource, read with the same list code as users (a view with
-- the columns that code expects), kept for a tenant's retention time; and tokens of a third scope, audit, the only
-- ones that read them. They are counted when listed, not on every write: a counter trigger would tax every write.
ALTER TABLE tenants ADD COLUMN audit_retention_days integer NOT NULL DEFAULT 400
    CHECK (audit_retention_days BETWEEN 1 AND 36500);

ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_scope_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_scope_check CHECK (scope IN ('read', 'write', 'audit'));

CREATE VIEW audit_events AS
SELECT c.tenant_id,
       c.id::text AS id,
       jsonb_strip_nulls(jsonb_build_object(
           'resourceType', c.resource_type,
           'resourceId', c.resource_id,
           'operation', c.operation,
           'attributes', CASE WHEN cardinality(c.attributes) > 0 THEN to_jsonb(c.attributes) END,
           'actor', c.actor,
           'requestId', nullif(c.request_id, ''),
           'resourceVersion', c.version)) AS data,
       1::bigint AS version,
       c.occurred_at AS created_at,
       c.occurred_at AS modified_at,
       c.resource_type,
       c.resource_id,
       c.operation,
       c.actor,
       c.request_id,
       c.id AS record_number  -- the id as the primary key has it, for reads by id
FROM changes c;
