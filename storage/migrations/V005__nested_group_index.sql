-- "Which groups contain this group": the step that finds a user's indirect groups reads only group-in-group
-- memberships, a handful, instead of every membership of the tenant.
CREATE INDEX group_members_nested ON group_members (tenant_id, member_id) WHERE member_type = 'Group';
