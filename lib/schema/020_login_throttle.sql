-- Login throttling per client address and per account name, and API tokens that expire.
-- One row per (scope, subject): scope 'address' (the client's address) or 'name' (a user
-- name tried). Rows are forgotten when quiet for the throttle window, and the table has a
-- fixed size: the oldest rows for names that are no account go first (lib/user.c).
DROP TABLE login_failure;
CREATE TABLE login_throttle (
    scope TEXT NOT NULL,
    subject TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    last_failure BIGINT NOT NULL DEFAULT 0,
    blocked_until BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, subject)
);
CREATE INDEX login_throttle_last ON login_throttle (last_failure);

-- Unix seconds after which a token no longer signs in (0: never, tokens made before
-- expiry existed), and when its last use was recorded (last_used_at is written at most
-- every few minutes, never waiting for the write lock).
ALTER TABLE api_token ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE api_token ADD COLUMN last_used_unix BIGINT NOT NULL DEFAULT 0;
