-- Change events (RFC 9967 Security Event Tokens). A tenant's event streams, the signing keys, and the outbox: one
-- row per stream and change record, written by a trigger on the change records in the write's own transaction, so
-- an event exists exactly when its write committed, whatever path the write took. The outbox has no foreign keys:
-- their checks would double what a write pays for its event; deleting a stream or an expired change record deletes
-- its outbox rows explicitly.
CREATE TABLE event_streams (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name             text NOT NULL,
    delivery         text NOT NULL CHECK (delivery IN ('push', 'poll')),
    endpoint         text,                             -- push: the receiver's URL
    auth_header      text,                             -- push: the Authorization header the receiver expects
    event_uris       text[] NOT NULL DEFAULT '{}',     -- the events it carries; empty: all
    full_data        boolean NOT NULL DEFAULT false,   -- prov events as :full with the resource, else :notice
    state            text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'paused', 'failing')),
    retry_seconds    integer NOT NULL DEFAULT 259200,  -- how long a push is retried before the stream is failing
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    attempts         integer NOT NULL DEFAULT 0,       -- failed attempts in a row
    failing_since    timestamptz,                      -- the first failure of the current run of them
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, name)
);

CREATE TABLE event_outbox (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stream_id      uuid NOT NULL,                            -- event_streams (id)
    change_id      bigint NOT NULL,                          -- changes (id)
    jti            uuid NOT NULL DEFAULT gen_random_uuid(),  -- the same on every retry: receivers dedupe by it
    events         text[] NOT NULL,                          -- the event URIs of this SET
    external_id    text,                                     -- the resource's externalId when it changed
    data           jsonb,                                    -- full streams: the resource as the write left it
    handed_out_at  timestamptz                               -- poll: when it was last returned unacknowledged
);
CREATE INDEX event_outbox_by_stream ON event_outbox (stream_id, id);

CREATE TABLE event_signing_keys (
    kid              text PRIMARY KEY,
    algorithm        text NOT NULL CHECK (algorithm IN ('RS256', 'ES256')),
    private_key_pem  text NOT NULL,
    public_jwk       jsonb NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    retired_at       timestamptz                             -- still published (in the JWKS) until removed
);

-- The event URIs of one change record for one stream: the provisioning event of its operation, and activate or
-- deactivate when a user's "active" changed (its value is read in the same transaction, after the write). Users and
-- groups are found by their primary key: resource_id is text in the change records, a uuid in their tables.
CREATE FUNCTION scim_event_uris(c changes, full_data boolean) RETURNS text[] LANGUAGE sql STABLE AS $$
    SELECT CASE c.operation
               WHEN 'delete' THEN ARRAY['urn:ietf:params:scim:event:prov:delete']
               ELSE ARRAY['urn:ietf:params:scim:event:prov:' ||
                          CASE c.operation WHEN 'create' THEN 'create' WHEN 'replace' THEN 'put' ELSE 'patch' END ||
                          CASE WHEN full_data THEN ':full' ELSE ':notice' END]
           END ||
           CASE WHEN c.resource_type = 'User' AND c.operation IN ('replace', 'patch', 'update')
                     AND 'active' = ANY (c.attributes) THEN
               coalesce((SELECT ARRAY[CASE WHEN u.active IS false THEN 'urn:ietf:params:scim:event:prov:deactivate'
                                           ELSE 'urn:ietf:params:scim:event:prov:activate' END]
                         FROM users u WHERE u.tenant_id = c.tenant_id AND u.id = c.resource_id::uuid), '{}')
                ELSE '{}'::text[]
           END
$$;

-- A row trigger that returns at once for a tenant without streams: most writes are one row, and a statement trigger
-- with a transition table costs several times more for them.
CREATE FUNCTION change_to_event_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.resource_type NOT IN ('User', 'Group', 'Site', 'License')
       OR NOT EXISTS (SELECT 1 FROM event_streams WHERE tenant_id = NEW.tenant_id) THEN
        RETURN NULL;
    END IF;
    INSERT INTO event_outbox (stream_id, change_id, events, external_id, data)
    SELECT s.id, NEW.id, e.uris,
           CASE NEW.resource_type
               WHEN 'User' THEN (SELECT u.external_id FROM users u
                                 WHERE u.tenant_id = NEW.tenant_id AND u.id = NEW.resource_id::uuid)
               WHEN 'Group' THEN (SELECT g.external_id FROM groups g
                                  WHERE g.tenant_id = NEW.tenant_id AND g.id = NEW.resource_id::uuid)
           END,
           CASE WHEN s.full_data AND NEW.operation <> 'delete' THEN
               CASE NEW.resource_type
                   WHEN 'User' THEN (SELECT u.data || jsonb_build_object('id', u.id, 'schemas',
                                            jsonb_build_array('urn:ietf:params:scim:schemas:core:2.0:User'))
                                     FROM users u WHERE u.tenant_id = NEW.tenant_id AND u.id = NEW.resource_id::uuid)
                   WHEN 'Group' THEN (SELECT g.data || jsonb_build_object('id', g.id, 'schemas',
                                             jsonb_build_array('urn:ietf:params:scim:schemas:core:2.0:Group'))
                                      FROM groups g WHERE g.tenant_id = NEW.tenant_id AND g.id = NEW.resource_id::uuid)
               END
           END
    FROM event_streams s
    CROSS JOIN LATERAL (SELECT scim_event_uris(NEW, s.full_data) AS uris) e
    WHERE s.tenant_id = NEW.tenant_id AND (s.event_uris = '{}' OR e.uris && s.event_uris)
    ORDER BY s.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER change_publish_events AFTER INSERT ON changes FOR EACH ROW EXECUTE FUNCTION change_to_event_outbox();
