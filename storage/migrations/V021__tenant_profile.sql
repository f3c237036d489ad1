-- How strictly a tenant's requests are read. 'tolerant' (the default) accepts what identity providers send every day
-- (undefined attributes, path-less PATCH); 'strict' follows the SCIM interoperability profile and the OpenID IPSIE
-- SCIM profile (AL2) in full.
ALTER TABLE tenants ADD COLUMN profile text NOT NULL DEFAULT 'tolerant' CHECK (profile IN ('tolerant', 'strict'));

-- A manager reference that names nobody of the tenant (an HR system sends managers before they exist, or by its own
-- identifier): kept as given and unlinked (the default), or refused as before.
ALTER TABLE tenants ADD COLUMN unknown_managers text NOT NULL DEFAULT 'keep'
    CHECK (unknown_managers IN ('keep', 'reject'));
