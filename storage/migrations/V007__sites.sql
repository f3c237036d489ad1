-- Sites: a tenant's business locations, each with its dial plan (site code + extension length, at most 10 digits
-- together) and the defaults its users inherit. Names match exactly; site codes are unique per tenant so that a
-- fully qualified extension (site code + extension) names one person.
CREATE TABLE sites (
    tenant_id          uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id                 uuid NOT NULL DEFAULT gen_random_uuid(),
    name               text NOT NULL CHECK (btrim(name) <> ''),
    site_code          text NOT NULL CHECK (site_code ~ '^[0-9]{1,8}$'),
    extension_length   int NOT NULL CHECK (extension_length BETWEEN 2 AND 8),
    locale             text,
    timezone           text,
    emergency_address  jsonb,
    created_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CHECK (length(site_code) + extension_length <= 10)
);
CREATE UNIQUE INDEX sites_name_key ON sites (tenant_id, name);
CREATE UNIQUE INDEX sites_code_key ON sites (tenant_id, site_code);
