-- Plan targets with their citation, and the observations that track them (append-only history).
-- A target's value/unit are the plan's own; a range target keeps its minimum in value and its maximum in max_value.

CREATE TABLE target (
    id              VARCHAR PRIMARY KEY,      -- ascii slug, e.g. yulian27_parts_firms
    name            VARCHAR NOT NULL,         -- the plan's wording
    unit            VARCHAR NOT NULL,         -- the plan's unit: 万辆, 亿元, 家, 座, 个, 公里, %, 百分点 …
    value           DOUBLE NOT NULL,          -- target value (minimum of a range)
    max_value       DOUBLE,                   -- maximum of a range target
    year            INTEGER NOT NULL,         -- target year (end of year)
    kind            VARCHAR NOT NULL CHECK (kind IN ('level', 'cumulative', 'increase', 'share', 'range', 'ratio')),
    direction       VARCHAR NOT NULL DEFAULT 'at_least' CHECK (direction IN ('at_least', 'at_most')),
    growth          BOOLEAN NOT NULL DEFAULT FALSE,  -- compound-growth path and log-linear projection
    baseline_value  DOUBLE,
    baseline_year   INTEGER,
    baseline_source VARCHAR,
    start_year      INTEGER NOT NULL,         -- first year of the plan period
    document_id     VARCHAR NOT NULL,
    document        VARCHAR NOT NULL,         -- 《title》
    document_status VARCHAR NOT NULL,         -- 正式印发 / 征求意见稿
    clause          VARCHAR NOT NULL,         -- 二(十一)
    live            VARCHAR,                  -- indicator computed from the store, NULL when typed in
    related         VARCHAR[] NOT NULL DEFAULT [],   -- ids of targets in other clauses/plans on the same quantity
    restates        VARCHAR[] NOT NULL DEFAULT [],   -- ids of earlier targets this one repeats
    also_cited      VARCHAR[] NOT NULL DEFAULT [],   -- other places that quote it ("document clause")
    note            VARCHAR,
    source          VARCHAR NOT NULL,
    as_of           DATE,
    status          VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic'))
);

CREATE SEQUENCE observation_seq START 1;

-- Append-only: a correction is a newer row with correction = TRUE; the newest row per (target, period) counts.
CREATE TABLE observation (
    id           BIGINT PRIMARY KEY DEFAULT nextval('observation_seq'),
    target_id    VARCHAR NOT NULL,
    period       VARCHAR NOT NULL,            -- 2025 | 2025Q3 | 2025-09
    value        DOUBLE NOT NULL,             -- in the target's unit
    unit         VARCHAR NOT NULL,
    raw          DOUBLE,                      -- measured level behind an increase (e.g. the rate in %)
    correction   BOOLEAN NOT NULL DEFAULT FALSE,
    note         VARCHAR,
    source       VARCHAR NOT NULL,
    as_of        DATE NOT NULL,
    status       VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic')),
    recorded_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE INDEX observation_target ON observation (target_id, period);
