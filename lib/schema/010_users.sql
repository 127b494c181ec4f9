-- Users, browser sessions, API tokens and login throttling (relm serve).
-- Secrets are stored only as hashes: argon2id for passwords, BLAKE2b for tokens.

CREATE TABLE app_user (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL DEFAULT 'user',
    full_name TEXT NOT NULL DEFAULT '',
    salesperson_code TEXT NOT NULL DEFAULT '',
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT ''
);

CREATE TABLE user_session (
    token_hash TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES app_user (name) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT '',
    expires_at BIGINT NOT NULL
);
CREATE INDEX user_session_user ON user_session (user_name);

INSERT INTO relm_counter (name, value) VALUES ('api_token', 0);

CREATE TABLE api_token (
    id BIGINT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES app_user (name) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL DEFAULT '',
    last_used_at TEXT NOT NULL DEFAULT '',
    revoked INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE login_failure (
    user_name TEXT NOT NULL,
    address TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    blocked_until BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (user_name, address)
);
