-- How many users each group has directly, so a page of a group's members (`groups.value eq "<id>"`) reports its
-- totalResults from a few rows instead of counting 100,000 memberships on every page. Each statement adds its change
-- to one of 16 slots chosen at random: users deleted at once from one big group rarely wait on the same row.
CREATE TABLE group_user_counts (
    tenant_id  uuid NOT NULL,
    group_id   uuid NOT NULL,
    slot       int NOT NULL,
    n          bigint NOT NULL,
    PRIMARY KEY (tenant_id, group_id, slot)
);

-- Memberships of a group deleted along with it are not counted: its counts go with it.
CREATE FUNCTION scimd_count_group_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO group_user_counts AS c (tenant_id, group_id, slot, n)
    SELECT r.tenant_id, r.group_id, floor(random() * 16)::int,
           CASE WHEN TG_OP = 'INSERT' THEN count(*) ELSE -count(*) END
    FROM changed_rows r
    WHERE r.member_type = 'User'
      AND EXISTS (SELECT 1 FROM groups g WHERE g.tenant_id = r.tenant_id AND g.id = r.group_id)
    GROUP BY r.tenant_id, r.group_id
    ON CONFLICT (tenant_id, group_id, slot) DO UPDATE SET n = c.n + excluded.n;
    RETURN NULL;
END $$;

CREATE TRIGGER group_members_count_added AFTER INSERT ON group_members REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION scimd_count_group_users();
CREATE TRIGGER group_members_count_removed AFTER DELETE ON group_members REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION scimd_count_group_users();

CREATE FUNCTION scimd_drop_group_user_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM group_user_counts c USING changed_rows g WHERE c.tenant_id = g.tenant_id AND c.group_id = g.id;
    RETURN NULL;
END $$;

CREATE TRIGGER groups_drop_user_counts AFTER DELETE ON groups REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION scimd_drop_group_user_counts();

-- "Which groups are nested in this one": a group's page of members starts from it and the groups below it,
-- read without passing over its user memberships.
CREATE INDEX group_members_subgroups ON group_members (tenant_id, group_id) WHERE member_type = 'Group';

INSERT INTO group_user_counts (tenant_id, group_id, slot, n)
SELECT tenant_id, group_id, 0, count(*) FROM group_members WHERE member_type = 'User' GROUP BY tenant_id, group_id;
