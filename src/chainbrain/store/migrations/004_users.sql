-- Web app accounts: users with argon2 password hashes, login sessions (cookie or bearer token),
-- the audit log of every write made through the API, and login attempts for rate limiting.
-- role: admin | analyst | enterprise (bound to one enterprise) | viewer

CREATE SEQUENCE app_user_id_seq START 1;

CREATE TABLE app_user (
    id              INTEGER PRIMARY KEY DEFAULT nextval('app_user_id_seq'),
    username        VARCHAR NOT NULL UNIQUE,
    password_hash   VARCHAR NOT NULL,         -- argon2id, PHC string
    role            VARCHAR NOT NULL CHECK (role IN ('admin', 'analyst', 'enterprise', 'viewer')),
    enterprise_id   VARCHAR,                  -- the firm an enterprise user speaks for
    display_name    VARCHAR,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp,
    CHECK ((role = 'enterprise') = (enterprise_id IS NOT NULL))
);

CREATE TABLE app_session (
    token_hash      VARCHAR PRIMARY KEY,      -- sha256 of the token; the token itself is never stored
    user_id         INTEGER NOT NULL,
    created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp,
    expires_at      TIMESTAMP NOT NULL
);

CREATE SEQUENCE audit_log_id_seq START 1;

CREATE TABLE audit_log (
    id              BIGINT PRIMARY KEY DEFAULT nextval('audit_log_id_seq'),
    at_time         TIMESTAMP NOT NULL DEFAULT current_timestamp,
    user_id         INTEGER,
    username        VARCHAR,                  -- kept as written, even if the user is later removed
    action          VARCHAR NOT NULL,         -- import.commit, user.create, observation.create, login …
    target          VARCHAR,                  -- table or record the action touched
    detail          VARCHAR,                  -- JSON with the particulars (row counts, file name …)
    ip              VARCHAR
);

CREATE TABLE login_attempt (
    username        VARCHAR NOT NULL,
    ip              VARCHAR NOT NULL,
    at_time         TIMESTAMP NOT NULL DEFAULT current_timestamp,
    ok              BOOLEAN NOT NULL
);

CREATE INDEX login_attempt_who ON login_attempt (username, ip);
