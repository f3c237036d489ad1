-- The phone-system directory: tenant settings, a user's site and extension, licence pools and the numbers a
-- tenant has claimed. Every rule that concurrent requests could break is a constraint or a locked counter here.

-- What a tenant decides for its users: the site a create without one lands in, what DELETE does, whether people
-- are listed in the directory unless said otherwise, and the e-mail a create without one gets.
ALTER TABLE tenants
    ADD COLUMN default_site_id       uuid,
    ADD COLUMN delete_mode           text NOT NULL DEFAULT 'delete' CHECK (delete_mode IN ('delete', 'deactivate')),
    ADD COLUMN display_in_directory  boolean NOT NULL DEFAULT true,
    ADD COLUMN placeholder_email     text;
ALTER TABLE tenants ADD CONSTRAINT tenants_default_site_fkey
    FOREIGN KEY (id, default_site_id) REFERENCES sites (tenant_id, id) ON DELETE SET NULL (default_site_id);

ALTER TABLE sites
    ADD COLUMN version      bigint NOT NULL DEFAULT 1,
    ADD COLUMN modified_at  timestamptz NOT NULL DEFAULT now();

-- A user's site is a reference (a site with users cannot be deleted); its fully qualified extension (site code +
-- extension, written by the server) is unique in the tenant, so no two people ever share one.
ALTER TABLE users ADD COLUMN site_id uuid;
ALTER TABLE users ADD CONSTRAINT users_site_fkey FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id);
ALTER TABLE users ADD COLUMN fq_extension text
    GENERATED ALWAYS AS (data #>> '{urn:ietf:params:scim:schemas:extension:8x8:1.1:User,fqExtensionNumber}') STORED;
CREATE UNIQUE INDEX users_fq_extension_key ON users (tenant_id, fq_extension) WHERE fq_extension IS NOT NULL;
CREATE INDEX users_site ON users (tenant_id, site_id);

-- Licence pools: `used` counts the assignments and can never pass `capacity`. Every assignment updates its pool's
-- row, so concurrent assignments of the last seat queue on that row and only one gets it.
CREATE TABLE license_pools (
    tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    license_type  text NOT NULL CHECK (btrim(license_type) <> ''),
    capacity      int NOT NULL CHECK (capacity >= 0),
    used          int NOT NULL DEFAULT 0 CHECK (used >= 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    modified_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, license_type),
    CONSTRAINT license_pools_within_capacity CHECK (used <= capacity)
);

CREATE TABLE license_assignments (
    tenant_id     uuid NOT NULL,
    user_id       uuid NOT NULL,
    license_type  text NOT NULL,
    PRIMARY KEY (tenant_id, user_id, license_type),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, license_type) REFERENCES license_pools (tenant_id, license_type)
);

-- SQLSTATE SD001: the pool is full; the message names it.
CREATE FUNCTION scimd_count_license_seats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE license_pools SET used = used + 1
        WHERE tenant_id = NEW.tenant_id AND license_type = NEW.license_type AND used < capacity;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'licence pool "%" is full: all % seats are assigned', NEW.license_type,
                (SELECT capacity FROM license_pools WHERE tenant_id = NEW.tenant_id AND license_type = NEW.license_type)
                USING ERRCODE = 'SD001';
        END IF;
        RETURN NEW;
    END IF;
    UPDATE license_pools SET used = used - 1 WHERE tenant_id = OLD.tenant_id AND license_type = OLD.license_type;
    RETURN OLD;
END $$;
CREATE TRIGGER license_assignments_count AFTER INSERT OR DELETE ON license_assignments
    FOR EACH ROW EXECUTE FUNCTION scimd_count_license_seats();

-- The E.164 numbers a tenant has claimed; each is held by at most one user (one row, one holder). Deleting the
-- holder returns the number to the tenant.
CREATE TABLE phone_numbers (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    number      text NOT NULL CHECK (number ~ '^\+[1-9][0-9]{6,14}$'),
    user_id     uuid,
    claimed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, number),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE SET NULL (user_id)
);
-- A number belongs to one tenant.
CREATE UNIQUE INDEX phone_numbers_number_key ON phone_numbers (number);
CREATE INDEX phone_numbers_holder ON phone_numbers (tenant_id, user_id) WHERE user_id IS NOT NULL;

-- Every tenant gets a first site, its default, so a create that names none has somewhere to go.
INSERT INTO sites (tenant_id, name, site_code, extension_length)
SELECT id, 'Main', '1', 4 FROM tenants t WHERE NOT EXISTS (SELECT 1 FROM sites s WHERE s.tenant_id = t.id);
UPDATE tenants t SET default_site_id = (SELECT id FROM sites s WHERE s.tenant_id = t.id ORDER BY created_at, name LIMIT 1);
UPDATE users u
SET site_id = s.id,
    data = jsonb_set(u.data, '{urn:ietf:params:scim:schemas:extension:8x8:1.1:User}',
                     coalesce(u.data -> 'urn:ietf:params:scim:schemas:extension:8x8:1.1:User', '{}'::jsonb) ||
                     jsonb_build_object('site', s.name, 'profileType', 'contact'))
FROM tenants t JOIN sites s ON s.tenant_id = t.id AND s.id = t.default_site_id
WHERE t.id = u.tenant_id;
