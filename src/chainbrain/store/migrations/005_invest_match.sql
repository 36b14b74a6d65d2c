-- Investment attraction (招商), cultivation (培育) and supply-demand matching (供需对接).
-- Additive only: new tables, nothing in 001..004 changes. Provenance as everywhere: source, as_of, status.

-- 采购需求: a buyer's sourcing need, posted by an OEM or a Tier-1.
CREATE TABLE need (
    id                VARCHAR PRIMARY KEY,
    buyer_id          VARCHAR NOT NULL,         -- enterprise
    buyer_site_id     VARCHAR,                  -- the plant that receives the parts, when known
    segment_id        VARCHAR NOT NULL,
    title             VARCHAR NOT NULL,
    spec              VARCHAR NOT NULL DEFAULT '',  -- specification text (Chinese)
    annual_volume     DOUBLE,                   -- units per year, in volume_unit
    volume_unit       VARCHAR,
    certifications    VARCHAR[] NOT NULL DEFAULT [],  -- required: IATF 16949, ISO 26262, ASPICE …
    delivery_district VARCHAR,                  -- 6-digit 行政区划代码 of the delivery place
    need_by           DATE,                     -- wanted from
    state             VARCHAR NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
    posted_at         DATE,
    source            VARCHAR NOT NULL,
    as_of             DATE,
    status            VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic'))
);

-- 供给能力: what a supplier offers.
CREATE TABLE offer (
    id                VARCHAR PRIMARY KEY,
    supplier_id       VARCHAR NOT NULL,         -- enterprise
    segment_ids       VARCHAR[] NOT NULL,
    title             VARCHAR NOT NULL,
    text              VARCHAR NOT NULL DEFAULT '',
    capacity          DOUBLE,                   -- units per year, in capacity_unit
    committed         DOUBLE,                   -- of which already sold / booked
    capacity_unit     VARCHAR,
    certifications    VARCHAR[] NOT NULL DEFAULT [],
    site_ids          VARCHAR[] NOT NULL DEFAULT [],  -- plants that would supply
    state             VARCHAR NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
    posted_at         DATE,
    source            VARCHAR NOT NULL,
    as_of             DATE,
    status            VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic'))
);

-- 招商线索: one firm courted for one segment, and where it stands.
-- stage: lead 线索 → talks 洽谈 → signed 签约 → producing 投产 → supplying 本地供货 (or dropped 终止)
CREATE TABLE invest_lead (
    id                VARCHAR PRIMARY KEY,
    enterprise_id     VARCHAR NOT NULL,
    segment_id        VARCHAR,
    district_code     VARCHAR,                  -- the district courting it
    park              VARCHAR,
    owner             VARCHAR,                  -- who follows it (team or person)
    recommended       BOOLEAN NOT NULL DEFAULT FALSE,  -- chainbrain recommended it
    rec_score         DOUBLE,                   -- the score when recommended
    rec_rank          INTEGER,
    rec_date          DATE,
    note              VARCHAR,
    source            VARCHAR NOT NULL,
    as_of             DATE,
    status            VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic'))
);

-- 线索进展: each move of a lead, with its date and who recorded it. A lead's stage is its latest event.
CREATE TABLE invest_lead_event (
    id                VARCHAR PRIMARY KEY,
    lead_id           VARCHAR NOT NULL,
    stage             VARCHAR NOT NULL CHECK (stage IN ('lead', 'talks', 'signed', 'producing', 'supplying',
                                                        'dropped')),
    date              DATE NOT NULL,
    owner             VARCHAR,
    note              VARCHAR,
    source            VARCHAR NOT NULL,
    as_of             DATE,
    status            VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic'))
);

CREATE INDEX invest_lead_event_lead ON invest_lead_event (lead_id);

-- 企业培育指标: figures the MIIT 梯度培育 criteria need, one row per firm (latest year).
-- Shares are fractions (0.05 = 5%); money in 万元. NULL = not known.
CREATE TABLE firm_attr (
    enterprise_id        VARCHAR PRIMARY KEY,
    year                 INTEGER,               -- the 上年度 the figures describe
    years_in_field       DOUBLE,                -- 从事特定细分市场年限
    main_business_share  DOUBLE,                -- 主营业务收入 / 营业收入
    rd_expense           DOUBLE,                -- 上年度研发费用, 万元
    rd_staff_share       DOUBLE,                -- 研发人员 / 职工总数
    rd_share             DOUBLE,                -- 研发费用 / 营业收入 (上年度)
    rd_share_prev        DOUBLE,                -- the year before (小巨人: 近2年均不低于)
    revenue_growth       DOUBLE,                -- 近2年主营业务收入平均增长率
    equity_financing     DOUBLE,                -- 近2年新增股权融资 (合格机构投资者实缴), 万元
    patents_class1       INTEGER,               -- 与主导产品相关的Ⅰ类知识产权 (发明专利等)
    debt_ratio           DOUBLE,                -- 资产负债率
    market_share         DOUBLE,                -- 主导产品全国细分市场占有率
    rd_institution       BOOLEAN,               -- 自建或联合建立研发机构
    capabilities         VARCHAR[] NOT NULL DEFAULT [],  -- process capabilities: 铝压铸, 精密齿轮, 冲压 …
    source               VARCHAR NOT NULL,
    as_of                DATE,
    status               VARCHAR NOT NULL CHECK (status IN ('verified', 'illustrative', 'synthetic'))
);
