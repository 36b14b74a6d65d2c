-- Resilience (TTR / TTS) inputs the core tables do not hold. Additive: new tables only.
-- A site without a row here gets the illustrative defaults of chainbrain.resilience.dbnet (by segment kind).

CREATE TABLE site_resilience (
    site_id     VARCHAR PRIMARY KEY,
    stock       DOUBLE CHECK (stock >= 0),      -- units of the site's output on hand (segment unit)
    ttr_days    DOUBLE CHECK (ttr_days >= 0),   -- days to recover after a disruption
    source      VARCHAR NOT NULL,
    as_of       DATE,
    status      VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic'))
);

CREATE TABLE model_margin (
    model_id    VARCHAR PRIMARY KEY,            -- vehicle_model.id
    margin      DOUBLE NOT NULL CHECK (margin >= 0 AND margin <= 1),  -- gross margin, share of price
    source      VARCHAR NOT NULL,
    as_of       DATE,
    status      VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic'))
);
