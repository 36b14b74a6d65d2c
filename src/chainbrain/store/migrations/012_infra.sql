-- Infrastructure registry: townships, charging / swap / hydrogen stations, 车路云 assets, vehicle counts.
-- Additive only. Coordinates are GCJ-02 like the bundled district map. Provenance as everywhere:
-- source, as_of, status (verified / illustrative / synthetic). ``state`` is the asset's lifecycle.

-- 乡镇/街道: one point each (bundled: illustrative points inside the district polygon).
CREATE TABLE township (
    id              VARCHAR PRIMARY KEY,      -- 9-digit 乡级行政区划代码
    name            VARCHAR NOT NULL,
    district_code   VARCHAR NOT NULL,
    lon             DOUBLE NOT NULL,
    lat             DOUBLE NOT NULL,
    source          VARCHAR NOT NULL,
    as_of           DATE,
    status          VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic'))
);

-- 充电站: kind ultra (超充) / fast (快充) / slow (慢充) / truck_ultra (重卡超充).
CREATE TABLE charging_station (
    id              VARCHAR PRIMARY KEY,
    name            VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL CHECK (kind IN ('ultra', 'fast', 'slow', 'truck_ultra')),
    piles           INTEGER NOT NULL,         -- 充电桩 (public)
    guns            INTEGER NOT NULL,         -- 充电枪
    max_power_kw    DOUBLE NOT NULL,          -- highest rated power of one gun, kW
    operator        VARCHAR,
    opened          DATE,
    state           VARCHAR NOT NULL CHECK (state IN ('planned', 'building', 'operating', 'closed')),
    district_code   VARCHAR NOT NULL,
    township_code   VARCHAR,
    lon             DOUBLE NOT NULL,
    lat             DOUBLE NOT NULL,
    source          VARCHAR NOT NULL,
    as_of           DATE,
    status          VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic'))
);

-- 换电站
CREATE TABLE swap_station (
    id              VARCHAR PRIMARY KEY,
    name            VARCHAR NOT NULL,
    bays            INTEGER NOT NULL,         -- 换电工位
    vehicle_class   VARCHAR NOT NULL CHECK (vehicle_class IN ('car', 'truck')),
    operator        VARCHAR,
    opened          DATE,
    state           VARCHAR NOT NULL CHECK (state IN ('planned', 'building', 'operating', 'closed')),
    district_code   VARCHAR NOT NULL,
    township_code   VARCHAR,
    lon             DOUBLE NOT NULL,
    lat             DOUBLE NOT NULL,
    source          VARCHAR NOT NULL,
    as_of           DATE,
    status          VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic'))
);

-- 加氢站
CREATE TABLE hydrogen_station (
    id              VARCHAR PRIMARY KEY,
    name            VARCHAR NOT NULL,
    capacity_kg_day DOUBLE NOT NULL,          -- 日加氢能力, kg/d
    pressure_mpa    DOUBLE,                   -- 35 or 70 MPa
    operator        VARCHAR,
    opened          DATE,
    state           VARCHAR NOT NULL CHECK (state IN ('planned', 'building', 'operating', 'closed')),
    district_code   VARCHAR NOT NULL,
    township_code   VARCHAR,
    lon             DOUBLE NOT NULL,
    lat             DOUBLE NOT NULL,
    source          VARCHAR NOT NULL,
    as_of           DATE,
    status          VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic'))
);

-- 感知路口 (车路云一体化)
CREATE TABLE sensing_intersection (
    id              VARCHAR PRIMARY KEY,
    name            VARCHAR NOT NULL,
    opened          DATE,
    state           VARCHAR NOT NULL CHECK (state IN ('planned', 'building', 'operating', 'closed')),
    district_code   VARCHAR NOT NULL,
    township_code   VARCHAR,
    lon             DOUBLE NOT NULL,
    lat             DOUBLE NOT NULL,
    source          VARCHAR NOT NULL,
    as_of           DATE,
    status          VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic'))
);

-- 车路协同覆盖道路: road_class city (城区道路) / highway (高速公路); lon/lat = a point on the segment.
CREATE TABLE v2x_road (
    id              VARCHAR PRIMARY KEY,
    name            VARCHAR NOT NULL,
    road_class      VARCHAR NOT NULL CHECK (road_class IN ('city', 'highway')),
    km              DOUBLE NOT NULL,
    opened          DATE,
    state           VARCHAR NOT NULL CHECK (state IN ('planned', 'building', 'operating', 'closed')),
    district_code   VARCHAR NOT NULL,
    township_code   VARCHAR,
    lon             DOUBLE NOT NULL,
    lat             DOUBLE NOT NULL,
    source          VARCHAR NOT NULL,
    as_of           DATE,
    status          VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic'))
);

-- 具备协同预警功能（OTA 升级）的在用车辆: per OEM and period (count at period end, not a flow).
CREATE TABLE v2x_vehicles (
    id              VARCHAR PRIMARY KEY,
    oem             VARCHAR NOT NULL,
    period_end      DATE NOT NULL,
    vehicles        INTEGER NOT NULL,
    district_code   VARCHAR,                  -- where registered, when known
    township_code   VARCHAR,
    lon             DOUBLE,
    lat             DOUBLE,
    source          VARCHAR NOT NULL,
    as_of           DATE,
    status          VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic'))
);

-- 新能源汽车保有量: the vehicles of 车桩比, per district and period end.
CREATE TABLE nev_fleet (
    id              VARCHAR PRIMARY KEY,
    district_code   VARCHAR NOT NULL,
    period_end      DATE NOT NULL,
    vehicles        INTEGER NOT NULL,
    source          VARCHAR NOT NULL,
    as_of           DATE,
    status          VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic'))
);

CREATE INDEX charging_station_district ON charging_station (district_code);
CREATE INDEX township_district ON township (district_code);
