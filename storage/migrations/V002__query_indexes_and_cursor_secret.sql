-- Indexed lookups for filters, and the secret that signs pagination cursors.

-- The lower-cased `key` of every element of a jsonb array: emails.value eq "x" is answered by a GIN index on it.
CREATE FUNCTION scimd_lower_values(items jsonb, key text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (SELECT coalesce(array_agg(lower(item ->> key)), '{}')
            FROM jsonb_array_elements(CASE WHEN jsonb_typeof(items) = 'array' THEN items ELSE '[]'::jsonb END) AS item);

CREATE INDEX users_email_values ON users USING gin (scimd_lower_values(data -> 'emails', 'value'));
CREATE INDEX users_display_name ON users (tenant_id, lower(display_name));

-- One row: the key every scimd instance signs and checks cursors with, so any instance can continue a cursor
-- another one issued.
CREATE TABLE cursor_secret (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    secret     text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO cursor_secret (secret)
VALUES (md5(random()::text || clock_timestamp()::text) || md5(gen_random_uuid()::text) ||
        replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', ''));
