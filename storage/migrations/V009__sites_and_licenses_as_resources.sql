-- Sites and licence pools served as SCIM resources: each gets the canonical document (data), version and
-- timestamps that the list machinery reads, and per-tenant counts for an unfiltered list's totalResults.
-- jsonb_build_object is only STABLE (it takes "any"); with these fixed argument types it is a pure function.
CREATE FUNCTION scimd_site_document(name text, site_code text, extension_length int, locale text, timezone text,
                                    emergency_address jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN jsonb_strip_nulls(jsonb_build_object('name', name, 'siteCode', site_code, 'extensionLength', extension_length,
                                                'locale', locale, 'timezone', timezone,
                                                'emergencyAddress', emergency_address));
CREATE FUNCTION scimd_license_document(license_type text, capacity int, used int) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN jsonb_build_object('licenseType', license_type, 'capacity', capacity, 'assigned', used,
                              'available', capacity - used);

ALTER TABLE sites ADD COLUMN data jsonb GENERATED ALWAYS AS (
    scimd_site_document(name, site_code, extension_length, locale, timezone, emergency_address)) STORED;
CREATE INDEX sites_created ON sites (tenant_id, created_at, id);

ALTER TABLE license_pools
    ADD COLUMN id text GENERATED ALWAYS AS (license_type) STORED,
    ADD COLUMN version bigint NOT NULL DEFAULT 1,
    ADD COLUMN data jsonb GENERATED ALWAYS AS (scimd_license_document(license_type, capacity, used)) STORED;
CREATE INDEX license_pools_created ON license_pools (tenant_id, created_at, license_type);

-- An assignment changes what the pool's resource says: its version moves with its count.
CREATE OR REPLACE FUNCTION scimd_count_license_seats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE license_pools SET used = used + 1, version = version + 1, modified_at = now()
        WHERE tenant_id = NEW.tenant_id AND license_type = NEW.license_type AND used < capacity;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'licence pool "%" is full: all % seats are assigned', NEW.license_type,
                (SELECT capacity FROM license_pools WHERE tenant_id = NEW.tenant_id AND license_type = NEW.license_type)
                USING ERRCODE = 'SD001';
        END IF;
        RETURN NEW;
    END IF;
    UPDATE license_pools SET used = used - 1, version = version + 1, modified_at = now()
    WHERE tenant_id = OLD.tenant_id AND license_type = OLD.license_type;
    RETURN OLD;
END $$;

CREATE TRIGGER sites_count_created AFTER INSERT ON sites REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION scimd_count_resources('Site');
CREATE TRIGGER sites_count_deleted AFTER DELETE ON sites REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION scimd_count_resources('Site');
CREATE TRIGGER license_pools_count_created AFTER INSERT ON license_pools REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION scimd_count_resources('License');
CREATE TRIGGER license_pools_count_deleted AFTER DELETE ON license_pools REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION scimd_count_resources('License');
INSERT INTO resource_counts (tenant_id, resource_type, slot, n)
SELECT tenant_id, 'Site', 0, count(*) FROM sites GROUP BY tenant_id;
INSERT INTO resource_counts (tenant_id, resource_type, slot, n)
SELECT tenant_id, 'License', 0, count(*) FROM license_pools GROUP BY tenant_id;
