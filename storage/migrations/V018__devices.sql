-- Desk phones as SCIM Devices (RFC 9944): a phone is known by its MAC address (one phone, one device of one tenant:
-- the MAC is unique across tenants), or activated with a one-time code; it belongs to at most one user and to a
-- site. The columns are the truth; the SCIM document (data) is composed from them by a trigger, so that every
-- statement that changes a phone, a cascade from a renamed site included, leaves its document right.
ALTER TABLE tenants ADD COLUMN activation_code_days int NOT NULL DEFAULT 7 CHECK (activation_code_days BETWEEN 1 AND 365);

CREATE TABLE devices (
    tenant_id         uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id                uuid NOT NULL DEFAULT gen_random_uuid(),
    external_id       text,
    display_name      text,
    active            boolean NOT NULL,
    mud_url           text,
    mac_address       text CHECK (mac_address ~ '^[0-9A-F]{2}(:[0-9A-F]{2}){5}$'),
    model             text,
    assigned_user     uuid,
    site_name         text NOT NULL,
    activation_state  text NOT NULL CHECK (activation_state IN ('unassigned', 'pending', 'active', 'deactivated')),
    emergency_only    boolean NOT NULL DEFAULT false,  -- its user is deactivated: it stays active for emergency calls
    -- The outstanding activation code: a lookup part people type first (not secret), the SHA-256 of the whole code.
    code_lookup       text,
    code_hash         bytea,
    code_expires_at   timestamptz,
    code_failures     int NOT NULL DEFAULT 0,
    version           bigint NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL,
    modified_at       timestamptz NOT NULL,
    data              jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, assigned_user) REFERENCES users (tenant_id, id) ON DELETE SET NULL (assigned_user),
    FOREIGN KEY (tenant_id, site_name) REFERENCES sites (tenant_id, name) ON UPDATE CASCADE,
    CHECK ((code_lookup IS NULL) = (code_hash IS NULL) AND (code_hash IS NULL) = (code_expires_at IS NULL))
);
CREATE UNIQUE INDEX devices_mac_address_key ON devices (mac_address);
CREATE UNIQUE INDEX devices_code_lookup_key ON devices (tenant_id, code_lookup);
CREATE INDEX devices_created ON devices (tenant_id, created_at, id);
CREATE INDEX devices_assigned_user ON devices (tenant_id, assigned_user) WHERE assigned_user IS NOT NULL;
CREATE INDEX devices_external_id ON devices (tenant_id, external_id) WHERE external_id IS NOT NULL;

CREATE FUNCTION scimd_device_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.site_name IS DISTINCT FROM OLD.site_name AND NEW.version = OLD.version THEN
        NEW.version := OLD.version + 1;  -- a renamed site: the phone's document changes with it
    END IF;
    NEW.data := jsonb_strip_nulls(jsonb_build_object(
        'externalId', NEW.external_id,
        'displayName', NEW.display_name,
        'active', NEW.active,
        'mudUrl', NEW.mud_url,
        'urn:ietf:params:scim:schemas:extension:ethernet-mab:2.0:Device',
            CASE WHEN NEW.mac_address IS NOT NULL THEN jsonb_build_object('deviceMacAddress', NEW.mac_address) END,
        'urn:ietf:params:scim:schemas:extension:8x8:1.1:Device', jsonb_build_object(
            'model', NEW.model,
            'assignedUser', CASE WHEN NEW.assigned_user IS NOT NULL
                                 THEN jsonb_build_object('value', NEW.assigned_user::text) END,
            'site', NEW.site_name,
            'activationState', NEW.activation_state,
            'emergencyCallsOnly', CASE WHEN NEW.emergency_only THEN true END,
            'activationExpires', CASE WHEN NEW.activation_state = 'pending' THEN
                to_char(NEW.code_expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END)));
    RETURN NEW;
END $$;
CREATE TRIGGER devices_document BEFORE INSERT OR UPDATE ON devices FOR EACH ROW EXECUTE FUNCTION scimd_device_document();

CREATE TRIGGER devices_count_created AFTER INSERT ON devices REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION scimd_count_resources('Device');
CREATE TRIGGER devices_count_deleted AFTER DELETE ON devices REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION scimd_count_resources('Device');

ALTER TABLE changes DROP CONSTRAINT changes_resource_type_check;
ALTER TABLE changes ADD CONSTRAINT changes_resource_type_check CHECK (resource_type IN
    ('User', 'Group', 'Site', 'License', 'Number', 'Tenant', 'Token', 'EventStream', 'Client', 'Trust', 'Device'));

-- Devices' changes are provisioning events like users' and groups'.
CREATE OR REPLACE FUNCTION change_to_event_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    prov       text;               -- the provisioning event, without :notice or :full
    extra      text[] := '{}';     -- activate/deactivate and the directory events
    directory  text := 'urn:ietf:params:scim:schemas:extension:8x8:1.1:User';
    dir_event  text := 'urn:ietf:params:scim:schemas:extension:8x8:1.1:event:';
    external   text;
    is_active  boolean;
    attributes jsonb;              -- the user's directory attributes after the change
BEGIN
    IF NEW.resource_type NOT IN ('User', 'Group', 'Site', 'License', 'Number', 'Device')
       OR NOT EXISTS (SELECT 1 FROM event_streams WHERE tenant_id = NEW.tenant_id) THEN
        RETURN NULL;
    END IF;
    IF NEW.resource_type = 'Number' THEN
        IF NEW.operation NOT IN ('create', 'delete') THEN
            RETURN NULL;  -- given to a user or taken back: that user's didNumbers event says so
        END IF;
        prov := NULL;
        extra := ARRAY[dir_event || 'number:' ||
                       CASE WHEN NEW.operation = 'delete' THEN 'release' ELSE 'claim' END];
    ELSE
        prov := 'urn:ietf:params:scim:event:prov:' ||
                CASE NEW.operation WHEN 'create' THEN 'create' WHEN 'replace' THEN 'put' WHEN 'delete' THEN 'delete'
                                   ELSE 'patch' END;
    END IF;
    IF NEW.resource_type = 'User' THEN
        SELECT u.external_id, u.active, u.data -> directory INTO external, is_active, attributes
        FROM users u WHERE u.tenant_id = NEW.tenant_id AND u.id = NEW.resource_id::uuid;
        IF FOUND AND NEW.operation <> 'delete' THEN
            IF NEW.operation <> 'create' AND 'active' = ANY (NEW.attributes) THEN
                extra := extra || ('urn:ietf:params:scim:event:prov:' ||
                                   CASE WHEN is_active IS false THEN 'deactivate' ELSE 'activate' END);
            END IF;
            extra := extra || ARRAY(SELECT dir_event || a
                                    FROM unnest(ARRAY['site', 'licenses', 'extensionNumber', 'didNumbers']) a
                                    WHERE directory || ':' || a = ANY (NEW.attributes));
        END IF;
    ELSIF NEW.resource_type = 'Group' THEN
        SELECT g.external_id INTO external
        FROM groups g WHERE g.tenant_id = NEW.tenant_id AND g.id = NEW.resource_id::uuid;
    ELSIF NEW.resource_type = 'Device' THEN
        SELECT d.external_id, d.active INTO external, is_active
        FROM devices d WHERE d.tenant_id = NEW.tenant_id AND d.id = NEW.resource_id::uuid;
        IF FOUND AND NEW.operation NOT IN ('create', 'delete') AND 'active' = ANY (NEW.attributes) THEN
            extra := extra || ('urn:ietf:params:scim:event:prov:' ||
                               CASE WHEN is_active IS false THEN 'deactivate' ELSE 'activate' END);
        END IF;
    END IF;
    INSERT INTO event_outbox (stream_id, change_id, events, external_id, data, directory)
    SELECT s.id, NEW.id,
           CASE WHEN s.event_uris = '{}' THEN e.uris  -- a stream of some events gets only those
                ELSE ARRAY(SELECT u FROM unnest(e.uris) WITH ORDINALITY x (u, n) WHERE u = ANY (s.event_uris) ORDER BY n)
           END,
           external,
           CASE WHEN s.full_data AND NEW.operation <> 'delete' THEN
               CASE NEW.resource_type
                   WHEN 'User' THEN (SELECT u.data || jsonb_build_object('id', u.id, 'schemas',
                                            jsonb_build_array('urn:ietf:params:scim:schemas:core:2.0:User'))
                                     FROM users u WHERE u.tenant_id = NEW.tenant_id AND u.id = NEW.resource_id::uuid)
                   WHEN 'Group' THEN (SELECT g.data || jsonb_build_object('id', g.id, 'schemas',
                                             jsonb_build_array('urn:ietf:params:scim:schemas:core:2.0:Group'))
                                      FROM groups g WHERE g.tenant_id = NEW.tenant_id AND g.id = NEW.resource_id::uuid)
                   WHEN 'Device' THEN (SELECT d.data || jsonb_build_object('id', d.id, 'schemas',
                                              jsonb_build_array('urn:ietf:params:scim:schemas:core:2.0:Device'))
                                       FROM devices d WHERE d.tenant_id = NEW.tenant_id AND d.id = NEW.resource_id::uuid)
               END
           END,
           CASE WHEN cardinality(extra) > 0 THEN attributes END
    FROM event_streams s
    CROSS JOIN LATERAL (SELECT CASE WHEN prov IS NULL THEN '{}'::text[]
                                    WHEN NEW.operation = 'delete' THEN ARRAY[prov]
                                    ELSE ARRAY[prov || CASE WHEN s.full_data THEN ':full' ELSE ':notice' END] END
                               || extra AS uris) e
    WHERE s.tenant_id = NEW.tenant_id AND (s.event_uris = '{}' OR e.uris && s.event_uris)
    ORDER BY s.id;
    RETURN NULL;
END
$$;
