-- What a tenant does with attributes its resource types do not define: 'ignore' (drop them, and say so in the
-- response) is what identity providers expect; 'reject' answers 400 as a strict server would.
ALTER TABLE tenants
    ADD COLUMN unknown_attributes text NOT NULL DEFAULT 'ignore' CHECK (unknown_attributes IN ('ignore', 'reject'));
