"""A synthetic national-scale chain map, for scale tests and benchmarks. Every row has status ``synthetic``.

What :func:`synthesize` writes (ids ``syn-E…``, ``syn-S…``, ``syn-M…``, ``syn-B…``, ``syn-L…``):

* **firms** spread over the provinces (:mod:`.geo`); 0.2 % are OEMs (at least two, the first one in
  Chongqing when the pool has Chongqing districts), the rest Tier1 25 % / Tier2 40 % / Tier3 35 %, each
  supplier making one part segment (:mod:`.taxonomy`). 95 % carry a valid credit code, 5 % none.
* **sites**: one per firm, a second or third for 10 % of suppliers, one to three plants per OEM; placed at
  the district's centroid ± ~5 km.
* **vehicle models**: one to four per plant, annual volume log-normal around 40,000 (2,000–400,000), each
  with BOM lines for roughly 40–80 % of the part segments. Supplier-site capacity is log-normal, scaled so
  that the nation's capacity for a segment is about 1.2 × the nation's BOM demand for it.
* **supply links** (default 10 × firms): 40 % to OEM plants — plant chosen by volume, segment from its
  BOM, supplier making that segment, from the buyer's own province with probability 0.45 (else anywhere);
  volume a 5–60 % share of the plant's need, value = volume × unit value ± 10 %. The rest are Tier1/Tier2
  buyers ← Tier2/Tier3 suppliers, same province with probability 0.45. 5 % of links have no volume.

Generated with one seeded numpy ``Generator`` (same seed, same store) and bulk-inserted through Arrow.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from chainbrain.chain.boundary import CITY_PREFIX
from chainbrain.errors import InvalidInput
from chainbrain.store import keys
from chainbrain.store.records import insert_rows, table_columns, transaction
from chainbrain.synth.codes import credit_codes
from chainbrain.synth.geo import PROVINCES, DistrictPool, district_pool
from chainbrain.synth.links import make_links
from chainbrain.synth.taxonomy import Taxonomy, taxonomy

SOURCE_PREFIX = "chainbrain synth"
#: synthetic data describes no real date; a fixed as_of keeps a seed's output identical
AS_OF = dt.date(2025, 12, 31)
POWERTRAINS = np.array(["BEV", "EREV", "PHEV", "FCEV", "HEV", "ICE"])
POWERTRAIN_P = [0.45, 0.2, 0.2, 0.02, 0.05, 0.08]
ROLE_NAMES = np.array(["OEM", "Tier1", "Tier2", "Tier3"])


class SynthError(InvalidInput, ValueError):
    """The synthetic dataset cannot be generated as asked."""


@dataclass
class SynthReport:
    seed: int
    counts: dict[str, int]
    seconds: float


class _Writer:
    """Bulk INSERT of Arrow tables; every row gets the run's source, as_of and status."""

    def __init__(self, conn: duckdb.DuckDBPyConnection, source: str) -> None:
        self.conn = conn
        self.prov = dict(source=f"'{source}'", as_of=f"DATE '{AS_OF}'", status="'synthetic'")

    def __call__(self, table: str, data: dict[str, object], exprs: dict[str, str]) -> int:
        src = pa.table({k: v if isinstance(v, pa.Array) else pa.array(v) for k, v in data.items()})
        exprs = {**exprs, **self.prov}
        # the store's key columns too, where the caller gives them (chainbrain.store.keys)
        cols = [c for c in [*table_columns(self.conn, table), *keys.KEY_COLUMNS.get(table, ())] if c in exprs]
        self.conn.register("syn_src", src)
        try:
            self.conn.execute(
                f"INSERT INTO {table} ({', '.join(cols)}) "
                f"SELECT {', '.join(exprs[c] for c in cols)} FROM syn_src"
            )
        finally:
            self.conn.unregister("syn_src")
        return src.num_rows


def synthesize(
    conn: duckdb.DuckDBPyConnection, firms: int, seed: int = 0, links: int | None = None
) -> SynthReport:
    """Write a synthetic dataset of ``firms`` firms and ``links`` supply links (see the module)."""
    t0 = time.perf_counter()
    if firms < 10:
        raise SynthError(f"企业数至少为 10，实际为 {firms}")
    n_links = 10 * firms if links is None else links
    if n_links < 0:
        raise SynthError(f"供应关系数不能为负：{n_links}")
    row = conn.execute(f"SELECT count(*) FROM enterprise WHERE source LIKE '{SOURCE_PREFIX}%'").fetchone()
    if row and row[0]:
        raise SynthError(f"数据库中已有 {row[0]} 家合成企业；请换一个新的数据库文件再生成")
    rng = np.random.default_rng(seed)
    source = f"{SOURCE_PREFIX} (seed={seed})"
    write = _Writer(conn, source)
    counts: dict[str, int] = {}
    # DuckDB draws a progress bar on stdout for long statements; a library must stay quiet
    bar = conn.execute("SELECT current_setting('enable_progress_bar')").fetchone()
    conn.execute("SET enable_progress_bar = false")
    try:
        _fill(conn, rng, firms, n_links, seed, source, write, counts)
    finally:
        conn.execute(f"SET enable_progress_bar = {bool(bar and bar[0])}")
    return SynthReport(seed=seed, counts=counts, seconds=time.perf_counter() - t0)


def _fill(
    conn: duckdb.DuckDBPyConnection,
    rng: np.random.Generator,
    firms: int,
    n_links: int,
    seed: int,
    source: str,
    write: _Writer,
    counts: dict[str, int],
) -> None:
    """Generate and write every table inside one transaction."""
    with transaction(conn):
        pool = district_pool(conn, rng, source)
        tax = taxonomy(conn, rng, source)
        counts["districts"] = insert_rows(conn, "districts", pool.new_rows)
        counts["segments"] = insert_rows(conn, "segments", tax.new_rows)
        f = _firms(rng, firms, pool, tax, seed)
        internal = {k: f.pop(k) for k in ("_role", "_d", "_seg")}
        counts["enterprises"] = write(
            "enterprise",
            f,
            dict(
                id="printf('syn-E%07d', i)",
                credit_code="code",
                name="name",
                district_code="d",
                roles="roles",
                labels="labels",
                main_segment_id="seg",
                revenue="revenue",
                employees="employees",
                founded="founded",
            ),
        )
        net = _network(rng, {**f, **internal}, pool, tax)
        # the sites' integer keys (chainbrain.store.keys) written with the rows, not by an UPDATE afterwards
        base = keys.register_range(conn, "syn-S%07d", len(net.sites["i"]))
        site_k = {} if base is None else dict(k=f"{base} + i")
        link_k = {} if base is None else dict(buyer_k=f"{base} + b", supplier_k=f"{base} + s")
        counts["sites"] = write("site", net.sites, {**_SITE_SQL, **site_k})
        counts["vehicle_models"] = write("vehicle_model", net.models, _MODEL_SQL)
        counts["bom_lines"] = write("bom_line", net.bom, _BOM_SQL)
        lk = make_links(rng, n_links, net.plan)
        lk["seg"] = net.seg_ids[lk["seg"]]
        counts["supply_links"] = write("supply_link", lk, {**_LINK_SQL, **link_k})
        keys.refresh(conn)  # any key still missing (all of them when the ids were known), same transaction
        keys.refresh(conn)  # the sites' integer keys, in the same transaction (chainbrain.store.keys)


def _firms(rng: np.random.Generator, n: int, pool: DistrictPool, tax: Taxonomy, seed: int) -> dict:
    """Column arrays of the firms (plus the internal ``_role``, ``_d`` and ``_seg`` indices)."""
    n_parts = len(tax.parts)
    n_oem = max(2, round(n * 0.002))
    role = np.concatenate([np.zeros(n_oem, np.int64), rng.choice([1, 2, 3], n - n_oem, p=[0.25, 0.4, 0.35])])
    fd = rng.choice(len(pool.codes), n, p=pool.weight)
    cq = np.flatnonzero(np.char.startswith(pool.codes, CITY_PREFIX))
    if len(cq):
        fd[0] = cq[rng.integers(len(cq))]
    fseg = np.where(role == 0, n_parts, rng.integers(0, n_parts, n))
    codes = credit_codes(pool.codes[fd], np.arange(n), salt=seed).astype(object)
    codes[rng.random(n) < 0.05] = None
    prov_short = [p[1][:2] for p in PROVINCES]
    seg_names = [*tax.names, "汽车"]
    names = [
        f"{prov_short[p]}{seg_names[s]}合成企业{i:06d}有限公司"
        for i, (p, s) in enumerate(zip(pool.province[fd], fseg, strict=True))
    ]
    revenue = np.round(np.exp(rng.normal(np.log(20_000), 1.2, n)) * np.where(role == 0, 100, 1), 1)
    labelled = rng.random(n) < 0.03
    offsets = np.concatenate([[0], np.cumsum(labelled)]).astype(np.int32)
    return dict(
        i=np.arange(n),
        code=pa.array(codes, pa.string()),
        name=names,
        d=pool.codes[fd],
        roles=pa.ListArray.from_arrays(
            pa.array(np.arange(n + 1, dtype=np.int32)), pa.array(ROLE_NAMES[role])
        ),
        labels=pa.ListArray.from_arrays(
            pa.array(offsets), pa.array(["专精特新"] * int(labelled.sum()), pa.string())
        ),
        seg=np.array([*tax.parts, tax.vehicle])[fseg],
        revenue=revenue,
        employees=(revenue / 60).astype(np.int64) + 5,
        founded=rng.integers(1985, 2025, n),
        _role=role,
        _d=fd,
        _seg=fseg,
    )


@dataclass
class _Network:
    seg_ids: np.ndarray
    sites: dict
    models: dict
    bom: dict
    plan: dict


def _network(rng: np.random.Generator, f: dict, pool: DistrictPool, tax: Taxonomy) -> _Network:
    """Sites, vehicle models and BOM lines, and what the link generator needs to know about them."""
    role, fd, fseg, names = f.pop("_role"), f.pop("_d"), f.pop("_seg"), f["name"]
    n, n_parts = len(role), len(tax.parts)
    seg_ids = np.array([*tax.parts, tax.vehicle])  # index n_parts = the vehicle segment
    qty = np.append(tax.qty, 1.0)

    # sites: one per firm, extras for some suppliers, 1–3 plants per OEM
    extra = np.where(
        role == 0, rng.integers(0, 3, n), np.where(rng.random(n) < 0.1, rng.integers(1, 3, n), 0)
    )
    sent = np.concatenate([np.arange(n), np.repeat(np.arange(n), extra)])
    n_sites = len(sent)
    sd = np.concatenate([fd, rng.choice(len(pool.codes), n_sites - n, p=pool.weight)])
    sseg = fseg[sent]
    plants = np.flatnonzero(role[sent] == 0)

    # models: 1–4 per plant; BOM: each part with a per-model probability 0.4–0.8 (at least one part)
    mplant = np.repeat(np.arange(len(plants)), rng.integers(1, 5, len(plants)))
    n_models = len(mplant)
    volume = np.round(np.clip(np.exp(rng.normal(np.log(40_000), 0.8, n_models)), 2_000, 400_000), -2)
    sel = rng.random((n_models, n_parts)) < rng.uniform(0.4, 0.8, (n_models, 1))
    sel[np.arange(n_models), rng.integers(0, n_parts, n_models)] = True
    bm, bp = np.nonzero(sel)

    # capacity: plants 100k–400k vehicles; suppliers log-normal, a segment's sites adding up to ~1.2 × demand
    need = (sel * volume[:, None]).sum(axis=0) * tax.qty
    per_seg = np.bincount(sseg, minlength=n_parts + 1)[:n_parts]
    base = np.append(1.2 * need / np.maximum(per_seg, 1), 0.0) / np.exp(0.32)
    cap = np.where(
        role[sent] == 0,
        np.round(rng.uniform(1e5, 4e5, n_sites), -3),
        np.round(np.exp(rng.normal(0.0, 0.8, n_sites)) * base[sseg]),
    )
    sites = dict(
        i=np.arange(n_sites),
        e=sent,
        name=[names[e] + ("" if k < n else f"（{k}号厂区）") for k, e in enumerate(sent)],
        d=pool.codes[sd],
        lon=np.round(pool.lon[sd] + rng.normal(0, 0.05, n_sites), 5),
        lat=np.round(pool.lat[sd] + rng.normal(0, 0.05, n_sites), 5),
        seg=seg_ids[sseg],
        cap=cap,
        unit=np.array([*tax.units, "辆"], dtype=object)[sseg],
    )
    models = dict(
        i=np.arange(n_models),
        e=sent[plants[mplant]],
        s=plants[mplant],
        pt=rng.choice(POWERTRAINS, n_models, p=POWERTRAIN_P),
        vol=volume,
        price=np.round(rng.uniform(8, 40, n_models), 1),
        year=rng.integers(2020, 2026, n_models),
    )
    bom = dict(
        i=np.arange(len(bm)),
        m=bm,
        seg=seg_ids[bp],
        qty=tax.qty[bp],
        uv=np.round(tax.unit_value[bp] * rng.uniform(0.8, 1.2, len(bm)), 2),
    )
    plan = dict(
        plants=plants,
        mplant=mplant,
        volume=volume,
        sel=sel,
        qty=qty,
        unit_value=np.append(tax.unit_value, 0.0),
        site_role=role[sent],
        site_seg=sseg,
        site_prov=pool.province[sd],
        n_prov=len(PROVINCES),
    )
    return _Network(seg_ids=seg_ids, sites=sites, models=models, bom=bom, plan=plan)


_SITE_SQL = dict(
    id="printf('syn-S%07d', i)",
    enterprise_id="printf('syn-E%07d', e)",
    name="name",
    district_code="d",
    lon="lon",
    lat="lat",
    segment_id="seg",
    capacity="cap",
    capacity_unit="unit",
)
_MODEL_SQL = dict(
    id="printf('syn-M%06d', i)",
    oem_id="printf('syn-E%07d', e)",
    site_id="printf('syn-S%07d', s)",
    brand="printf('合成品牌%07d', e)",
    name="printf('合成车型%06d', i)",
    powertrain="pt",
    annual_volume="vol",
    price="price",
    year="year",
)
_BOM_SQL = dict(
    id="printf('syn-B%07d', i)",
    model_id="printf('syn-M%06d', m)",
    segment_id="seg",
    qty="qty",
    unit_value="uv",
)
_LINK_SQL = dict(
    id="printf('syn-L%08d', i)",
    buyer_site_id="printf('syn-S%07d', b)",
    supplier_site_id="printf('syn-S%07d', s)",
    segment_id="seg",
    annual_value="val",
    volume="vol",
    since="since",
    confidence="'suggested'",
)
