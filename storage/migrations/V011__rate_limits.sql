-- Request rate limits, enforced by each scimd instance with token buckets: per tenant (0 turns it off) and,
-- optionally, per token within its tenant's.
ALTER TABLE tenants
    ADD COLUMN rate_limit double precision NOT NULL DEFAULT 500 CHECK (rate_limit >= 0),
    ADD COLUMN rate_burst double precision NOT NULL DEFAULT 1000 CHECK (rate_burst >= 1);
ALTER TABLE api_tokens
    ADD COLUMN rate_limit double precision CHECK (rate_limit > 0),
    ADD COLUMN rate_burst double precision CHECK (rate_burst >= 1);
