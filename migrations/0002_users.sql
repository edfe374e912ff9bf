-- People who use the API (agents, supervisors, admins), their bearer tokens, and the queues each
-- supervisor watches. Queues are named in the call-center file, so they are stored by name.
CREATE TABLE users (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name           text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    display_name   text NOT NULL DEFAULT '',
    role           text NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
    password_hash  text,                      -- argon2; NULL for users who only use API tokens
    disabled       boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX users_name ON users (name);

-- Only the SHA-256 of a token is kept: tokens are 32 random bytes, so a fast hash is enough.
CREATE TABLE auth_tokens (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash    bytea NOT NULL CHECK (length(token_hash) = 32),
    kind          text NOT NULL CHECK (kind IN ('session', 'api')),
    label         text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz,                -- NULL: an API token that does not expire
    last_used_at  timestamptz,
    revoked_at    timestamptz,
    CHECK (kind = 'api' OR expires_at IS NOT NULL)
);

CREATE UNIQUE INDEX auth_tokens_hash ON auth_tokens (token_hash);
CREATE INDEX auth_tokens_user ON auth_tokens (user_id) WHERE revoked_at IS NULL;

CREATE TABLE supervisor_queues (
    user_id  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    queue    text NOT NULL,
    PRIMARY KEY (user_id, queue)
);
