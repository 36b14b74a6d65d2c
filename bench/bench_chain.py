"""Benchmark: local supporting rate (by OEM and for the city) and gaps on a national-scale synthetic store.

Builds — or reuses, cached under ``bench/out/`` — a synthetic store (default 100,000 firms and 1,000,000
supply links, :mod:`chainbrain.synth`), then times in the same run:

* the library's DuckDB queries: ``local_rate(by="oem")``, ``local_rate(by="city")`` and ``gaps()``;
* a straightforward pandas implementation of the same definitions (city boundary, OEM buyers for the
  rate, all buyers for gaps), on DataFrames already loaded into memory (loading is timed apart);
* the same definitions in polars (lazy frames, so its optimiser pushes the filters down), on DataFrames
  already in memory;

checks that all three give the same numbers, and prints medians of ``--runs`` interleaved runs (each run
times DuckDB, pandas and polars in turn): wall-clock seconds, each baseline's time over DuckDB's, and the CPU
seconds (user + system, all threads) DuckDB and polars used. The store's integer site keys
(:mod:`chainbrain.store.keys`) are filled when the store is built or migrated.

    .venv/bin/python bench/bench_chain.py --firms 100000 --links 1000000 --seed 42 --runs 7

``--baseline-src DIR`` also times another commit's ``chain/local_rate.py`` and ``chain/gaps.py`` (a
``git archive REF src`` unpacked in DIR), interleaved in the same runs, after checking it gives the same
numbers.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl

from chainbrain.chain import gaps, local_rate
from chainbrain.store import connect
from chainbrain.store.records import counts
from chainbrain.synth import synthesize

OUT = Path(__file__).resolve().parent / "out"
CITY = "50"


def build_or_reuse(firms: int, links: int, seed: int) -> tuple[Path, float | None]:
    """The cached store for these parameters; the generation time when it was built now."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"synth_{firms}_{links}_s{seed}.duckdb"
    if path.exists():
        conn = connect(path)
        n = counts(conn, ["enterprises", "supply_links"])
        conn.close()
        if n == {"enterprises": firms, "supply_links": links}:
            return path, None
        path.unlink()
    conn = connect(path)
    report = synthesize(conn, firms, seed=seed, links=links)
    conn.execute("CHECKPOINT")
    conn.close()
    return path, report.seconds


# --- pandas: the same definitions, written the plain way ------------------------------------------------


def load_frames(conn: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    q = {
        "site": "SELECT id, enterprise_id, district_code, segment_id, capacity FROM site",
        "enterprise": "SELECT id, roles FROM enterprise",
        "link": "SELECT id, buyer_site_id, supplier_site_id, segment_id, annual_value FROM supply_link",
        "model": "SELECT id, site_id, annual_volume FROM vehicle_model",
        "bom": "SELECT model_id, segment_id, qty FROM bom_line",
    }
    return {k: conn.execute(sql).df() for k, sql in q.items()}


def pd_links(t: dict[str, pd.DataFrame], oem_only: bool) -> pd.DataFrame:
    site = t["site"]
    lk = t["link"].merge(
        site[["id", "enterprise_id", "district_code"]].rename(
            columns={"id": "buyer_site_id", "enterprise_id": "buyer_ent", "district_code": "buyer_district"}
        ),
        on="buyer_site_id",
    )
    lk = lk.merge(
        site[["id", "enterprise_id", "district_code"]].rename(
            columns={
                "id": "supplier_site_id",
                "enterprise_id": "supplier_ent",
                "district_code": "sup_district",
            }
        ),
        on="supplier_site_id",
        how="left",
    )
    if oem_only:
        ent = t["enterprise"]
        oems = ent.id[ent.roles.map(lambda r: "OEM" in list(r))]
        lk = lk[lk.buyer_ent.isin(oems)]
    lk = lk.assign(
        is_local=lk.sup_district.fillna("").str.startswith(CITY),
        in_area=lk.buyer_district.str.startswith(CITY),
    )
    return lk


def pd_rate_oem(t: dict[str, pd.DataFrame]) -> pd.DataFrame:
    lk = pd_links(t, oem_only=True)
    lk = lk.assign(local_value=lk.annual_value.where(lk.is_local, 0.0), local_count=lk.is_local.astype(int))
    return lk.groupby("buyer_ent").agg(
        local_value=("local_value", "sum"),
        total_value=("annual_value", "sum"),
        local_count=("local_count", "sum"),
        total_count=("annual_value", "size"),
    )


def pd_rate_city(t: dict[str, pd.DataFrame]) -> tuple[float, float, int, int]:
    lk = pd_links(t, oem_only=True)
    lk = lk[lk.in_area]
    return (
        float(lk.annual_value[lk.is_local].sum()),
        float(lk.annual_value.sum()),
        int(lk.is_local.sum()),
        len(lk),
    )


def pd_gaps(t: dict[str, pd.DataFrame]) -> pd.DataFrame:
    site, model, bom = t["site"], t["model"], t["bom"]
    plant_sites = site[site.id.isin(model.site_id) & site.district_code.str.startswith(CITY)].id
    mb = bom.merge(model, left_on="model_id", right_on="id")
    mb = mb[mb.site_id.isin(plant_sites)]
    demand = (mb.annual_volume * mb.qty).groupby(mb.segment_id).sum().rename("demand")
    ls = site[site.segment_id.notna() & site.district_code.str.startswith(CITY)]
    cap = ls.capacity.fillna(0.0).groupby(ls.segment_id).sum().rename("local_capacity")
    lk = pd_links(t, oem_only=False)
    lk = lk[lk.in_area]
    bought = pd.DataFrame(
        {
            "local_value": lk.annual_value.where(lk.is_local, 0.0).groupby(lk.segment_id).sum(),
            "outside_value": lk.annual_value.where(~lk.is_local, 0.0).groupby(lk.segment_id).sum(),
        }
    )
    sup = lk[lk.is_local & lk.supplier_ent.notna()].groupby(["segment_id", "supplier_ent"]).annual_value.sum()
    tot = sup.groupby(level=0).transform("sum")
    hhi = ((sup / tot) ** 2).groupby(level=0).sum().rename("hhi")
    pairs = pd.concat(
        [
            sup.reset_index()[["segment_id", "supplier_ent"]],
            ls[["segment_id", "enterprise_id"]].rename(columns={"enterprise_id": "supplier_ent"}),
        ]
    ).drop_duplicates()
    firms = pairs.groupby("segment_id").size().rename("local_firms")
    out = pd.concat([demand, cap, bought, firms, hhi], axis=1)
    out = out[out.index.isin(demand.index) | out.index.isin(bought.index)]
    out[["demand", "local_capacity", "local_value", "outside_value", "local_firms"]] = out[
        ["demand", "local_capacity", "local_value", "outside_value", "local_firms"]
    ].fillna(0)
    out["shortfall"] = (out.demand - out.local_capacity).clip(lower=0)
    return out.sort_values(["outside_value", "shortfall"], ascending=False)


# --- polars: the same definitions, on in-memory frames ---------------------------------------------------


def load_polars(conn: duckdb.DuckDBPyConnection) -> dict[str, pl.DataFrame]:
    q = {
        "site": "SELECT id, enterprise_id, district_code, segment_id, capacity FROM site",
        "enterprise": "SELECT id, roles FROM enterprise",
        "link": "SELECT id, buyer_site_id, supplier_site_id, segment_id, annual_value FROM supply_link",
        "model": "SELECT id, site_id, annual_volume FROM vehicle_model",
        "bom": "SELECT model_id, segment_id, qty FROM bom_line",
    }
    return {k: conn.sql(sql).pl() for k, sql in q.items()}


def pl_links(t: dict[str, pl.DataFrame], oem_only: bool, in_area_only: bool = False) -> pl.LazyFrame:
    """The links in scope, the buyer sites filtered (OEM, in the area) before they meet the links."""
    site = t["site"].lazy()
    buyer = site.select(
        pl.col("id").alias("buyer_site_id"),
        pl.col("enterprise_id").alias("buyer_ent"),
        pl.col("district_code").alias("buyer_district"),
    ).with_columns(in_area=pl.col("buyer_district").str.starts_with(CITY))
    if oem_only:
        oems = t["enterprise"].lazy().filter(pl.col("roles").list.contains("OEM")).select(buyer_ent="id")
        buyer = buyer.join(oems, on="buyer_ent", how="semi")
    if in_area_only:
        buyer = buyer.filter(pl.col("in_area"))
    supplier = site.select(
        pl.col("id").alias("supplier_site_id"),
        pl.col("enterprise_id").alias("supplier_ent"),
        pl.col("district_code").alias("sup_district"),
    )
    return (
        t["link"]
        .lazy()
        .join(buyer, on="buyer_site_id")
        .join(supplier, on="supplier_site_id", how="left")
        .with_columns(is_local=pl.col("sup_district").str.starts_with(CITY).fill_null(False))
    )


_PL_SUMS = (
    pl.col("annual_value").filter(pl.col("is_local")).sum().alias("local_value"),
    pl.col("annual_value").sum().alias("total_value"),
    pl.col("is_local").sum().alias("local_count"),
    pl.len().alias("total_count"),
)


def pl_rate_oem(t: dict[str, pl.DataFrame]) -> pl.DataFrame:
    return pl_links(t, oem_only=True).group_by("buyer_ent").agg(*_PL_SUMS).collect()


def pl_rate_city(t: dict[str, pl.DataFrame]) -> tuple[float, float, int, int]:
    r = pl_links(t, oem_only=True, in_area_only=True).select(*_PL_SUMS).collect().row(0)
    return float(r[0]), float(r[1]), int(r[2]), int(r[3])


def pl_gaps(t: dict[str, pl.DataFrame]) -> pl.DataFrame:
    site, model, bom = t["site"].lazy(), t["model"].lazy(), t["bom"].lazy()
    in_city = pl.col("district_code").str.starts_with(CITY)
    plants = site.filter(in_city).join(model.select(id="site_id"), on="id", how="semi").select("id")
    demand = (
        bom.join(model, left_on="model_id", right_on="id")
        .join(plants, left_on="site_id", right_on="id", how="semi")
        .group_by("segment_id")
        .agg((pl.col("annual_volume") * pl.col("qty")).sum().alias("demand"))
    )
    ls = site.filter(pl.col("segment_id").is_not_null() & in_city)
    cap = ls.group_by("segment_id").agg(pl.col("capacity").fill_null(0.0).sum().alias("local_capacity"))
    lk = pl_links(t, oem_only=False, in_area_only=True).cache()
    bought = lk.group_by("segment_id").agg(
        pl.col("annual_value").filter(pl.col("is_local")).sum().alias("local_value"),
        pl.col("annual_value").filter(~pl.col("is_local")).sum().alias("outside_value"),
    )
    sup = (
        lk.filter(pl.col("is_local") & pl.col("supplier_ent").is_not_null())
        .group_by("segment_id", "supplier_ent")
        .agg(v=pl.col("annual_value").sum())
    )
    hhi = sup.group_by("segment_id").agg(
        hhi=(pl.col("v") * pl.col("v")).sum() / (pl.col("v").sum() * pl.col("v").sum())
    )
    firms = (
        pl.concat(
            [sup.select("segment_id", "supplier_ent"), ls.select("segment_id", supplier_ent="enterprise_id")]
        )
        .unique()
        .group_by("segment_id")
        .agg(local_firms=pl.len())
    )
    segs = pl.concat([demand.select("segment_id"), bought.select("segment_id")]).unique()
    out = (
        segs.join(demand, on="segment_id", how="left")
        .join(cap, on="segment_id", how="left")
        .join(bought, on="segment_id", how="left")
        .join(firms, on="segment_id", how="left")
        .join(hhi, on="segment_id", how="left")
        .with_columns(
            pl.col("demand", "local_capacity", "local_value", "outside_value", "local_firms").fill_null(0)
        )
        .with_columns(shortfall=(pl.col("demand") - pl.col("local_capacity")).clip(lower_bound=0))
    )
    return out.sort(["outside_value", "shortfall"], descending=True).collect()


# --- checks and timing -------------------------------------------------------------------------------------


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None or (isinstance(b, float) and math.isnan(b)):
        return a is None and (b is None or math.isnan(b))
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def check_polars(conn: duckdb.DuckDBPyConnection, t: dict[str, pl.DataFrame]) -> None:
    """Raise AssertionError unless DuckDB and polars agree on every figure."""
    ref = {r["buyer_ent"]: r for r in pl_rate_oem(t).iter_rows(named=True)}
    rows = local_rate(conn, "oem")
    assert len(rows) == len(ref), (len(rows), len(ref))
    for r in rows:
        p = ref[r.key]
        for k in ("local_value", "total_value", "local_count", "total_count"):
            assert close(getattr(r, k), float(p[k])), (r.key, k, getattr(r, k), p[k])
    (city,) = local_rate(conn, "city")
    lv, tv, lc, tc = pl_rate_city(t)
    assert close(city.local_value, lv) and close(city.total_value, tv), (city, lv, tv)
    assert (city.local_count, city.total_count) == (lc, tc)
    ref_g = pl_gaps(t)
    g = gaps(conn)
    assert [x.segment_id for x in g] == ref_g["segment_id"].to_list(), "gap ranking differs"
    for x, p in zip(g, ref_g.iter_rows(named=True), strict=True):
        for k in ("demand", "local_capacity", "shortfall", "local_value", "outside_value", "hhi"):
            assert close(getattr(x, k), p[k]), (x.segment_id, k)
        assert x.local_firms == int(p["local_firms"]), (x.segment_id, "local_firms")


def check(conn: duckdb.DuckDBPyConnection, t: dict[str, pd.DataFrame]) -> None:
    """Raise AssertionError unless DuckDB and pandas agree on every figure."""
    ref = pd_rate_oem(t)
    rows = local_rate(conn, "oem")
    assert len(rows) == len(ref), (len(rows), len(ref))
    for r in rows:
        p = ref.loc[r.key]
        for k in ("local_value", "total_value", "local_count", "total_count"):
            assert close(getattr(r, k), float(p[k])), (r.key, k, getattr(r, k), p[k])
    (city,) = local_rate(conn, "city")
    lv, tv, lc, tc = pd_rate_city(t)
    assert close(city.local_value, lv) and close(city.total_value, tv), (city, lv, tv)
    assert (city.local_count, city.total_count) == (lc, tc)
    ref_g = pd_gaps(t)
    g = gaps(conn)
    assert [x.segment_id for x in g] == list(ref_g.index), "gap ranking differs"
    for x in g:
        p = ref_g.loc[x.segment_id]
        for k in ("demand", "local_capacity", "shortfall", "local_value", "outside_value", "hhi"):
            assert close(getattr(x, k), None if pd.isna(p[k]) else float(p[k])), (x.segment_id, k)
        assert x.local_firms == int(p["local_firms"]), (x.segment_id, "local_firms")


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)  # every thread of the process: DuckDB's and polars' pools
    return r.ru_utime + r.ru_stime


def interleaved_medians(fns: list[Callable[[], object]], runs: int) -> list[float]:
    """Median seconds of each of ``fns``, timed in turn within each of ``runs`` rounds."""
    return interleaved_wall_cpu(fns, runs)[0]


def interleaved_wall_cpu(fns: list[Callable[[], object]], runs: int) -> tuple[list[float], list[float]]:
    """Median wall-clock and median CPU seconds (all threads) of each of ``fns``, timed in turn each round.

    On a shared machine the wall clock includes waiting for a core, and a multi-threaded engine whose
    threads meet at barriers waits for the slowest; the CPU time is the work done.
    """
    walls: list[list[float]] = [[] for _ in fns]
    cpus: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, ws, cs in zip(fns, walls, cpus, strict=True):
            c0, t0 = _cpu(), time.perf_counter()
            fn()
            ws.append(time.perf_counter() - t0)
            cs.append(_cpu() - c0)
    return [statistics.median(ts) for ts in walls], [statistics.median(ts) for ts in cpus]


def load_baseline(src: Path) -> tuple[Callable[..., object], Callable[..., object]]:
    """``local_rate`` and ``gaps`` from another commit's chain modules (the rest of chainbrain is this one's)."""
    mods = {}
    for name in ("local_rate", "gaps"):
        spec = importlib.util.spec_from_file_location(
            f"baseline_{name}", src / "chainbrain" / "chain" / f"{name}.py"
        )
        assert spec is not None and spec.loader is not None, src
        mods[name] = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = mods[name]  # dataclasses look their module up there
        spec.loader.exec_module(mods[name])
    return mods["local_rate"].local_rate, mods["gaps"].gaps


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--firms", type=int, default=100_000)
    ap.add_argument("--links", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument(
        "--baseline-src", type=Path, help="also time another commit's chain SQL (git archive src)"
    )
    a = ap.parse_args()
    if a.runs < 5:
        ap.error("--runs must be at least 5")

    path, built = build_or_reuse(a.firms, a.links, a.seed)
    print(f"store: {path}" + (f" (generated in {built:.1f} s)" if built is not None else " (cached)"))
    conn = connect(path, read_only=True)
    conn.execute("SET enable_progress_bar = false")
    n = counts(conn)
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in n.items()))
    t0 = time.perf_counter()
    frames = load_frames(conn)
    print(
        f"pandas: loading the tables into DataFrames took {time.perf_counter() - t0:.2f} s (not timed below)"
    )
    check(conn, frames)
    print("check: DuckDB and pandas agree on every figure (rel. tol. 1e-9)")
    plf = load_polars(conn)
    check_polars(conn, plf)
    print("check: DuckDB and polars agree on every figure (rel. tol. 1e-9)")

    base_rate, base_gaps = load_baseline(a.baseline_src) if a.baseline_src else (None, None)
    if base_rate is not None and base_gaps is not None:
        for by in ("oem", "city"):
            mine = {r.key: r for r in local_rate(conn, by)}
            theirs = base_rate(conn, by)
            assert len(mine) == len(theirs)
            for r in theirs:
                for k in ("local_value", "total_value", "local_count", "total_count"):
                    assert close(getattr(mine[r.key], k), getattr(r, k)), (by, r.key, k)
        for x, y in zip(gaps(conn), base_gaps(conn), strict=True):
            for k, v in x.to_dict().items():
                w = getattr(y, k)
                assert close(v, w) if isinstance(v, float) else v == w, (x.segment_id, k, v, w)
        print(f"check: the baseline in {a.baseline_src} gives the same numbers")

    cases = [
        (
            "local_rate by oem",
            lambda: local_rate(conn, "oem"),
            lambda: pd_rate_oem(frames),
            lambda: pl_rate_oem(plf),
        ),
        (
            "local_rate by city",
            lambda: local_rate(conn, "city"),
            lambda: pd_rate_city(frames),
            lambda: pl_rate_city(plf),
        ),
        ("gaps", lambda: gaps(conn), lambda: pd_gaps(frames), lambda: pl_gaps(plf)),
    ]
    baseline: list[Callable[[], object]] = []
    if base_rate is not None and base_gaps is not None:
        baseline = [lambda: base_rate(conn, "oem"), lambda: base_rate(conn, "city"), lambda: base_gaps(conn)]
    print(
        f"\nmedian of {a.runs} interleaved runs: wall-clock seconds, and CPU seconds (all threads) of the process"
    )
    extra = (
        " | baseline DuckDB | baseline / DuckDB | baseline CPU | CPU baseline / DuckDB" if baseline else ""
    )
    print(
        "| operation | DuckDB (chainbrain.chain) | pandas | polars | **DuckDB / polars** | pandas / DuckDB "
        f"| DuckDB CPU | polars CPU | CPU DuckDB / polars{extra} |"
    )
    print("| --- |" + " ---: |" * (12 if baseline else 8))
    tot = [0.0] * 7
    for i, (name, fd, fp, fl) in enumerate(cases):
        fns = [fd, fp, fl] + ([baseline[i]] if baseline else [])
        ts, cs = interleaved_wall_cpu(fns, a.runs)
        d, p, q = ts[:3]
        o, oc = (ts[3], cs[3]) if baseline else (0.0, 0.0)
        tot = [x + y for x, y in zip(tot, [d, p, q, o, cs[0], cs[2], oc], strict=True)]
        more = f" | {o:.3f} | {o / d:.2f}× | {oc:.3f} | {oc / cs[0]:.2f}×" if baseline else ""
        print(
            f"| {name} | {d:.3f} | {p:.3f} | {q:.3f} | **{d / q:.2f}** | {p / d:.1f}× "
            f"| {cs[0]:.3f} | {cs[2]:.3f} | {cs[0] / cs[2]:.2f}{more} |"
        )
    d, p, q, o, dc, qc, oc = tot
    more = f" | **{o:.3f}** | **{o / d:.2f}×** | **{oc:.3f}** | **{oc / dc:.2f}×**" if baseline else ""
    print(
        f"| **local rate (oem + city) + gaps** | **{d:.3f}** | **{p:.3f}** | **{q:.3f}** | **{d / q:.2f}** "
        f"| **{p / d:.1f}×** | **{dc:.3f}** | **{qc:.3f}** | **{dc / qc:.2f}**{more} |"
    )
    print(f"\naim: local rate + gaps under 2 s — {'met' if d < 2 else 'NOT met'} ({d:.2f} s)")
    conn.close()


if __name__ == "__main__":
    main()
