-- Power-battery traceability (动力电池溯源): GB/T 34014 codes, pack → module → cell, lifecycle events.
-- Additive only: new tables, nothing earlier changes. Provenance as everywhere: source, as_of, status.

-- 厂商代码: the 3-character manufacturer code of GB/T 34014 and the enterprise it was assigned to.
CREATE TABLE battery_maker (
    code          VARCHAR PRIMARY KEY CHECK (length(code) = 3),
    enterprise_id VARCHAR NOT NULL,
    source        VARCHAR NOT NULL,
    as_of         DATE,
    status        VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic'))
);

-- One pack, module or cell by its national code; parent_code links a cell to its module, a module to
-- its pack (a cell may sit directly in a pack: cell-to-pack designs). A pack carries the VIN it is
-- installed in and the OEM; capacity in kWh feeds the recycling picture (GWh).
CREATE TABLE battery_unit (
    code          VARCHAR PRIMARY KEY,
    kind          VARCHAR NOT NULL CHECK (kind IN ('pack', 'module', 'cell')),
    parent_code   VARCHAR,
    maker_id      VARCHAR,                -- enterprise (from the manufacturer code when not given)
    vin           VARCHAR CHECK (vin IS NULL OR length(vin) = 17),
    oem_id        VARCHAR,                -- enterprise that installed the pack
    capacity_kwh  DOUBLE CHECK (capacity_kwh IS NULL OR (capacity_kwh > 0 AND capacity_kwh <= 2000)),
    produced      DATE,
    source        VARCHAR NOT NULL,
    as_of         DATE,
    status        VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic'))
);
CREATE INDEX battery_unit_parent ON battery_unit (parent_code);
CREATE INDEX battery_unit_vin ON battery_unit (vin);

-- One step of a unit's life, who did it, where and when, and when it was reported to the platform.
CREATE TABLE battery_event (
    id            VARCHAR PRIMARY KEY,
    code          VARCHAR NOT NULL,
    event         VARCHAR NOT NULL CHECK (event IN (
        'produced', 'shipped', 'installed', 'sold', 'repaired', 'replaced', 'retired',
        'collected_in', 'collected_out', 'dismantled', 'cascade_made', 'recycler_in', 'recycled')),
    actor_id      VARCHAR,                -- enterprise
    actor_role    VARCHAR CHECK (actor_role IS NULL OR actor_role IN (
        'battery_maker', 'oem', 'dealer', 'repairer', 'collection_point', 'dismantler',
        'cascade_user', 'recycler')),
    site          VARCHAR,                -- site id or name (回收服务网点 …)
    district_code VARCHAR,                -- 6-digit 行政区划代码
    date          DATE NOT NULL,
    reported_at   DATE,                   -- uploaded to the traceability platform; NULL: not yet
    ref           VARCHAR,                -- certificate / document number (合格证, 报废汽车回收证明 …)
    source        VARCHAR NOT NULL,
    as_of         DATE,
    status        VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic'))
);
CREATE INDEX battery_event_code ON battery_event (code);
