-- Account security: a case-insensitive, normalised user-name key with a UNIQUE constraint (two concurrent
-- creations of one name end in a constraint error, never in two accounts), and an id per login attempt so
-- an attempt can be reserved (counted as failed) before its password is checked and marked ok afterwards.
--
-- The library writes username_key as NFKC(casefold(NFKC(name))); DuckDB has no NFKC, so existing rows get
-- lower(trim(username)), which is the same for the ASCII names earlier versions accepted. Should two
-- existing names differ only in case, the later one keeps a '#id' suffix in its key (so the constraint
-- holds) and is deactivated: nobody could log in as it by name any more, and an admin must re-create it.
--
-- DuckDB cannot build an index over rows updated in the same transaction, so app_user is rebuilt with the
-- constraint in place and the rows copied over (ids, and the id sequence, are kept).

CREATE TABLE app_user_v6 (
    id              INTEGER PRIMARY KEY DEFAULT nextval('app_user_id_seq'),
    username        VARCHAR NOT NULL UNIQUE,  -- as entered, NFKC-normalised and stripped
    username_key    VARCHAR NOT NULL UNIQUE,  -- casefolded: what uniqueness and login compare
    password_hash   VARCHAR NOT NULL,         -- argon2id, PHC string
    role            VARCHAR NOT NULL CHECK (role IN ('admin', 'analyst', 'enterprise', 'viewer')),
    enterprise_id   VARCHAR,                  -- the firm an enterprise user speaks for
    display_name    VARCHAR,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp,
    CHECK ((role = 'enterprise') = (enterprise_id IS NOT NULL))
);

INSERT INTO app_user_v6 (id, username, username_key, password_hash, role, enterprise_id, display_name,
                         active, created_at)
SELECT id, username, key, password_hash, role, enterprise_id, display_name,
       active AND key = lower(trim(username)), created_at
FROM (
    SELECT *, lower(trim(username)) || CASE
        WHEN row_number() OVER (PARTITION BY lower(trim(username)) ORDER BY id) > 1
        THEN '#' || CAST(id AS VARCHAR) ELSE '' END AS key
    FROM app_user
);

DROP TABLE app_user;

ALTER TABLE app_user_v6 RENAME TO app_user;

ALTER TABLE login_attempt ADD COLUMN attempt_id VARCHAR;

CREATE INDEX app_session_user ON app_session (user_id);
