-- The company directory lists people by family name, a page at a time: an index in that order (the expression the
-- list query sorts by, then id) makes each page a walk of the index instead of a sort of the whole tenant.
CREATE INDEX users_family_name ON users (tenant_id, lower((data -> 'name') ->> 'familyName'), id);
