-- Core chain map: districts, chain taxonomy, firms, sites, vehicle models, BOM lines, supply links.
-- Every record carries provenance: source (document / URL / file), as_of (date), status.
-- status: verified (from a cited public source) | illustrative (plausible demo data) | synthetic (generated)

CREATE TABLE district (
    id          VARCHAR PRIMARY KEY,          -- 6-digit 行政区划代码 (GB/T 2260)
    name        VARCHAR NOT NULL,             -- 渝中区
    province    VARCHAR NOT NULL,             -- 重庆市
    city        VARCHAR,                      -- prefecture (NULL for municipality districts)
    region      VARCHAR,                      -- 中心城区 / 主城新区 / 渝东北 / 渝东南 (Chongqing only)
    yuxi        BOOLEAN NOT NULL DEFAULT FALSE,  -- 渝西地区 (渝西 12 区)
    lon         DOUBLE,
    lat         DOUBLE,
    source      VARCHAR NOT NULL,
    as_of       DATE,
    status      VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic'))
);

CREATE TABLE segment (
    id          VARCHAR PRIMARY KEY,
    parent_id   VARCHAR,                      -- NULL for a root; integrity checked by the importer
    name_zh     VARCHAR NOT NULL,
    name_en     VARCHAR NOT NULL,
    level       INTEGER NOT NULL CHECK (level >= 1),
    stream      VARCHAR NOT NULL CHECK (stream IN ('上游', '中游', '下游')),
    kind        VARCHAR NOT NULL CHECK (kind IN ('vehicle', 'system', 'component', 'material', 'chip',
                                                 'software', 'service', 'infrastructure')),
    unit        VARCHAR,                      -- unit of a site's capacity in this segment (套, 辆, GWh …)
    clause      VARCHAR,                      -- the plan clause that names it
    source      VARCHAR NOT NULL,
    as_of       DATE,
    status      VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic'))
);

CREATE TABLE enterprise (
    id              VARCHAR PRIMARY KEY,
    credit_code     VARCHAR UNIQUE,           -- 统一社会信用代码 (GB 32100-2015), NULL when unknown
    name            VARCHAR NOT NULL,
    short_name      VARCHAR,
    district_code   VARCHAR NOT NULL,         -- registered seat
    roles           VARCHAR[] NOT NULL,       -- OEM, Tier1, Tier2, Tier3, service, research
    labels          VARCHAR[] NOT NULL DEFAULT [],  -- 链主, 专精特新, 小巨人, 上市, 高新技术
    main_segment_id VARCHAR,
    revenue         DOUBLE,                   -- 营业收入, 万元
    employees       INTEGER,
    founded         INTEGER,                  -- year
    note            VARCHAR,
    source          VARCHAR NOT NULL,
    as_of           DATE,
    status          VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic'))
);

CREATE TABLE site (
    id              VARCHAR PRIMARY KEY,
    enterprise_id   VARCHAR NOT NULL,
    name            VARCHAR NOT NULL,
    district_code   VARCHAR NOT NULL,
    park            VARCHAR,                  -- industrial park (两江新区, 西部科学城 …), "1+N" parks
    lon             DOUBLE,
    lat             DOUBLE,
    segment_id      VARCHAR,                  -- what it makes
    capacity        DOUBLE,                   -- per year, in capacity_unit
    capacity_unit   VARCHAR,
    source          VARCHAR NOT NULL,
    as_of           DATE,
    status          VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic'))
);

CREATE TABLE vehicle_model (
    id              VARCHAR PRIMARY KEY,
    oem_id          VARCHAR NOT NULL,         -- enterprise
    site_id         VARCHAR NOT NULL,         -- assembly plant
    brand           VARCHAR NOT NULL,
    name            VARCHAR NOT NULL,
    powertrain      VARCHAR NOT NULL CHECK (powertrain IN ('BEV', 'EREV', 'PHEV', 'FCEV', 'ICE', 'HEV')),
    annual_volume   DOUBLE NOT NULL,          -- 辆 per year
    price           DOUBLE,                   -- 万元
    year            INTEGER,
    source          VARCHAR NOT NULL,
    as_of           DATE,
    status          VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic'))
);

CREATE TABLE bom_line (
    id              VARCHAR PRIMARY KEY,
    model_id        VARCHAR NOT NULL,
    segment_id      VARCHAR NOT NULL,
    qty             DOUBLE NOT NULL,          -- per vehicle, in the segment's unit
    unit_value      DOUBLE,                   -- 元 per unit
    source          VARCHAR NOT NULL,
    as_of           DATE,
    status          VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic')),
    UNIQUE (model_id, segment_id)
);

CREATE TABLE supply_link (
    id               VARCHAR PRIMARY KEY,
    buyer_site_id    VARCHAR NOT NULL,
    supplier_site_id VARCHAR NOT NULL,
    segment_id       VARCHAR NOT NULL,
    annual_value     DOUBLE NOT NULL,         -- 元 per year
    share            DOUBLE,                  -- 0..1 of the buyer's need for the segment
    volume           DOUBLE,                  -- units per year
    since            INTEGER,                 -- year
    evidence         VARCHAR,                 -- what shows the link
    confidence       VARCHAR NOT NULL DEFAULT 'suggested' CHECK (confidence IN ('verified', 'suggested')),
    source           VARCHAR NOT NULL,
    as_of            DATE,
    status           VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic'))
);

CREATE INDEX supply_link_buyer ON supply_link (buyer_site_id);
CREATE INDEX supply_link_supplier ON supply_link (supplier_site_id);
CREATE INDEX site_enterprise ON site (enterprise_id);
