-- How many users and groups each tenant has, so an unfiltered list's totalResults is a sum of a few rows rather
-- than a count of every row. Each statement adds its change to one of 16 slots chosen at random: concurrent
-- creates in one tenant rarely wait on the same counter row.
CREATE TABLE resource_counts (
    tenant_id      uuid NOT NULL,
    resource_type  text NOT NULL,
    slot           int NOT NULL,
    n              bigint NOT NULL,
    PRIMARY KEY (tenant_id, resource_type, slot)
);

CREATE FUNCTION scimd_count_resources() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO resource_counts AS c (tenant_id, resource_type, slot, n)
        SELECT tenant_id, TG_ARGV[0], floor(random() * 16)::int, count(*) FROM changed_rows GROUP BY tenant_id
        ON CONFLICT (tenant_id, resource_type, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSE
        INSERT INTO resource_counts AS c (tenant_id, resource_type, slot, n)
        SELECT tenant_id, TG_ARGV[0], floor(random() * 16)::int, -count(*) FROM changed_rows GROUP BY tenant_id
        ON CONFLICT (tenant_id, resource_type, slot) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER users_count_created AFTER INSERT ON users REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION scimd_count_resources('User');
CREATE TRIGGER users_count_deleted AFTER DELETE ON users REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION scimd_count_resources('User');
CREATE TRIGGER groups_count_created AFTER INSERT ON groups REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION scimd_count_resources('Group');
CREATE TRIGGER groups_count_deleted AFTER DELETE ON groups REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION scimd_count_resources('Group');

INSERT INTO resource_counts (tenant_id, resource_type, slot, n)
SELECT tenant_id, 'User', 0, count(*) FROM users GROUP BY tenant_id;
INSERT INTO resource_counts (tenant_id, resource_type, slot, n)
SELECT tenant_id, 'Group', 0, count(*) FROM groups GROUP BY tenant_id;
