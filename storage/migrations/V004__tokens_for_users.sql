-- A token may act for one user: /Me is that user. Deleting the user ends its tokens.
ALTER TABLE api_tokens ADD COLUMN user_id uuid;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_user_fkey
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE;
