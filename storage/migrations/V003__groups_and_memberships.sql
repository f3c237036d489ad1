-- Groups and their memberships: one row per membership, so adding one member to a huge group is one insert.

CREATE TABLE groups (
    tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id            uuid NOT NULL DEFAULT gen_random_uuid(),
    data          jsonb NOT NULL CHECK (jsonb_typeof(data) = 'object'),  -- displayName, externalId; never members
    display_name  text GENERATED ALWAYS AS (data ->> 'displayName') STORED NOT NULL,
    external_id   text GENERATED ALWAYS AS (data ->> 'externalId') STORED,
    version       bigint NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL,
    modified_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX groups_display_name_key ON groups (tenant_id, lower(display_name));
CREATE INDEX groups_external_id ON groups (tenant_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX groups_created ON groups (tenant_id, created_at, id);

CREATE TABLE group_members (
    tenant_id    uuid NOT NULL,
    group_id     uuid NOT NULL,
    member_id    uuid NOT NULL,
    member_type  text NOT NULL CHECK (member_type IN ('User', 'Group')),
    PRIMARY KEY (tenant_id, group_id, member_id),
    FOREIGN KEY (tenant_id, group_id) REFERENCES groups (tenant_id, id) ON DELETE CASCADE,
    CHECK (member_id <> group_id)
);
-- "Which groups is this user in": the other direction of the primary key.
CREATE INDEX group_members_member ON group_members (tenant_id, member_id);

-- A deleted user or group leaves no membership behind.
CREATE FUNCTION scimd_drop_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM group_members WHERE tenant_id = OLD.tenant_id AND member_id = OLD.id;
    RETURN OLD;
END $$;
CREATE TRIGGER users_drop_memberships AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION scimd_drop_memberships();
CREATE TRIGGER groups_drop_memberships AFTER DELETE ON groups FOR EACH ROW EXECUTE FUNCTION scimd_drop_memberships();

ALTER TABLE audit_log DROP CONSTRAINT audit_log_operation_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_operation_check
    CHECK (operation IN ('create', 'replace', 'update', 'delete', 'members'));
