-- Event monitoring (chainbrain.events): entity aliases for Chinese linking, events and their links,
-- feeds and webhook tokens, alert subscriptions and deliveries, incidents and their timelines.
-- Additive: new tables only. Every record that enters from outside keeps its provenance.

-- Extra surface forms of a firm the linker recognises (abbreviations, English names such as CATL, old names).
CREATE TABLE entity_alias (
    alias           VARCHAR NOT NULL,
    enterprise_id   VARCHAR NOT NULL,
    lang            VARCHAR NOT NULL DEFAULT 'zh' CHECK (lang IN ('zh', 'en')),
    ambiguous       BOOLEAN NOT NULL DEFAULT FALSE,  -- a common word too: linked only with industry context
    source          VARCHAR NOT NULL,
    as_of           DATE,
    status          VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic')),
    PRIMARY KEY (alias, enterprise_id)
);

CREATE SEQUENCE event_id_seq START 1;

CREATE TABLE event (
    id              BIGINT PRIMARY KEY DEFAULT nextval('event_id_seq'),
    title           VARCHAR,
    text            VARCHAR NOT NULL,
    text_hash       VARCHAR NOT NULL,         -- sha256 of the normalised text (duplicate detection)
    source          VARCHAR NOT NULL,         -- first source: manual / file name / feed URL / webhook name
    url             VARCHAR,
    occurred_at     TIMESTAMP NOT NULL,       -- when the event happened (or was published)
    received_at     TIMESTAMP NOT NULL DEFAULT current_timestamp,
    status          VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic')),
    event_type      VARCHAR NOT NULL,         -- chainbrain.events.classify.EVENT_TYPES
    severity        INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 4),
    duration_days   DOUBLE NOT NULL CHECK (duration_days >= 0 AND duration_days <= 365),
    classified_by   VARCHAR NOT NULL,         -- 'rules' or the user name who corrected it
    rule            VARCHAR,                  -- the rule that fired (keyword), for the explanation
    sources         INTEGER NOT NULL DEFAULT 1  -- how many reports were merged into this event
);

CREATE INDEX event_hash ON event (text_hash);

-- Every report received, kept even when merged into an earlier event.
CREATE TABLE event_report (
    event_id        BIGINT NOT NULL,
    source          VARCHAR NOT NULL,
    url             VARCHAR,
    external_id     VARCHAR,                  -- feed entry id / webhook id, when the sender gives one
    text            VARCHAR NOT NULL,
    received_at     TIMESTAMP NOT NULL DEFAULT current_timestamp,
    similarity      DOUBLE NOT NULL           -- 1 for the first report; else its similarity to the event
);

CREATE TABLE event_link (
    event_id        BIGINT NOT NULL,
    kind            VARCHAR NOT NULL CHECK (kind IN ('firm', 'site', 'district', 'segment')),
    target_id       VARCHAR NOT NULL,         -- enterprise id / site id / district code / segment id
    mention         VARCHAR NOT NULL,
    score           DOUBLE NOT NULL CHECK (score >= 0 AND score <= 1),
    start_pos       INTEGER NOT NULL,
    end_pos         INTEGER NOT NULL,
    PRIMARY KEY (event_id, kind, target_id)
);

CREATE SEQUENCE event_feed_id_seq START 1;

CREATE TABLE event_feed (
    id              INTEGER PRIMARY KEY DEFAULT nextval('event_feed_id_seq'),
    name            VARCHAR NOT NULL,
    url             VARCHAR NOT NULL UNIQUE,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    status          VARCHAR NOT NULL DEFAULT 'verified' CHECK (status IN ('verified', 'illustrative', 'synthetic')),
    last_fetched    TIMESTAMP,
    last_error      VARCHAR
);

CREATE TABLE event_token (
    token_hash      VARCHAR PRIMARY KEY,      -- sha256 of the webhook token; the token itself is never stored
    name            VARCHAR NOT NULL UNIQUE,  -- the sender, recorded as the event source
    created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Delivery settings (SMTP host, port, sender) set by an admin.
CREATE TABLE event_setting (
    key             VARCHAR PRIMARY KEY,
    value           VARCHAR NOT NULL
);

CREATE SEQUENCE subscription_id_seq START 1;

CREATE TABLE subscription (
    id              INTEGER PRIMARY KEY DEFAULT nextval('subscription_id_seq'),
    user_id         INTEGER NOT NULL,
    firms           VARCHAR[] NOT NULL DEFAULT [],
    segments        VARCHAR[] NOT NULL DEFAULT [],
    districts       VARCHAR[] NOT NULL DEFAULT [],
    min_severity    INTEGER NOT NULL DEFAULT 1 CHECK (min_severity BETWEEN 1 AND 4),
    email           VARCHAR,
    webhook_url     VARCHAR,
    created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE SEQUENCE alert_id_seq START 1;

CREATE TABLE alert (
    id              BIGINT PRIMARY KEY DEFAULT nextval('alert_id_seq'),
    event_id        BIGINT NOT NULL,
    user_id         INTEGER NOT NULL,
    subscription_id INTEGER NOT NULL,
    reason          VARCHAR NOT NULL,         -- which firms / segments / districts matched
    created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp,
    read_at         TIMESTAMP,
    UNIQUE (event_id, user_id)                -- one alert per user and event, however many subscriptions match
);

CREATE TABLE alert_delivery (
    alert_id        BIGINT NOT NULL,
    channel         VARCHAR NOT NULL CHECK (channel IN ('email', 'webhook')),
    target          VARCHAR NOT NULL,
    ok              BOOLEAN NOT NULL,
    error           VARCHAR,
    at_time         TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (alert_id, channel)
);

CREATE SEQUENCE incident_id_seq START 1;

CREATE TABLE incident (
    id              BIGINT PRIMARY KEY DEFAULT nextval('incident_id_seq'),
    event_id        BIGINT NOT NULL UNIQUE,
    state           VARCHAR NOT NULL CHECK (state IN ('待确认', '已确认', '无影响', '处置中', '已恢复')),
    owner           VARCHAR,
    opened_at       TIMESTAMP NOT NULL DEFAULT current_timestamp,
    expected_days   DOUBLE,                   -- the event's expected duration when opened
    recovered_at    TIMESTAMP,
    actual_days     DOUBLE                    -- recovered_at − event time, in days
);

CREATE SEQUENCE incident_entry_id_seq START 1;

CREATE TABLE incident_entry (
    id              BIGINT PRIMARY KEY DEFAULT nextval('incident_entry_id_seq'),
    incident_id     BIGINT NOT NULL,
    at_time         TIMESTAMP NOT NULL DEFAULT current_timestamp,
    actor           VARCHAR,
    kind            VARCHAR NOT NULL CHECK (kind IN ('state', 'note', 'action', 'owner')),
    from_state      VARCHAR,
    to_state        VARCHAR,
    action          VARCHAR CHECK (action IS NULL OR action IN ('switch_backup', 'draw_stock', 'other')),
    target          VARCHAR,                  -- the backup site or the stocked site of an action
    quantity        DOUBLE,
    text            VARCHAR
);
