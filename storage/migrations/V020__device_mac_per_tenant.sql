-- Who holds a phone: a MAC address is unique within a tenant, and active in one tenant at most. Registering a phone
-- another tenant holds is not refused (and says nothing of that tenant): the device waits, pending, until the MAC is
-- free — its holder removes or deactivates the phone, or the operator releases it ('scimd device release-mac'). A
-- tenant's devices are bounded in number and in how fast they are created, so no tenant can claim a vendor's range.
DROP INDEX devices_mac_address_key;
CREATE UNIQUE INDEX devices_tenant_mac_key ON devices (tenant_id, mac_address);
CREATE UNIQUE INDEX devices_active_mac_key ON devices (mac_address) WHERE activation_state = 'active';

ALTER TABLE tenants
    ADD COLUMN max_devices int NOT NULL DEFAULT 10000 CHECK (max_devices >= 0),
    ADD COLUMN device_creations_per_minute int NOT NULL DEFAULT 600 CHECK (device_creations_per_minute > 0);
