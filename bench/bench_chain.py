"""Benchmark: local supporting rate (by OEM and for the city) and gaps on a national-scale synthetic store.

Builds — or reuses, cached under ``bench/out/`` — a synthetic store (default 100,000 firms and 1,000,000
supply links, :mod:`chainbrain.synth`), then times in the same run:

* the library's DuckDB queries: ``local_rate(by="oem")``, ``local_rate(by="city")`` and ``gaps()``;
* a straightforward pandas implementation of the same definitions (city boundary, OEM buyers for the
  rate, all buyers for gaps), on DataFrames already loaded into memory (loading is timed apart);

checks that both give the same numbers, and prints medians of ``--runs`` runs and the pandas/DuckDB ratio.

    .venv/bin/python bench/bench_chain.py --firms 100000 --links 1000000 --seed 42 --runs 7
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

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


# --- checks and timing -------------------------------------------------------------------------------------


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None or (isinstance(b, float) and math.isnan(b)):
        return a is None and (b is None or math.isnan(b))
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


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


def median_time(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--firms", type=int, default=100_000)
    ap.add_argument("--links", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--runs", type=int, default=7)
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

    cases = [
        ("local_rate by oem", lambda: local_rate(conn, "oem"), lambda: pd_rate_oem(frames)),
        ("local_rate by city", lambda: local_rate(conn, "city"), lambda: pd_rate_city(frames)),
        ("gaps", lambda: gaps(conn), lambda: pd_gaps(frames)),
    ]
    print(f"\nmedian of {a.runs} runs, seconds")
    print("| operation | DuckDB (chainbrain.chain) | pandas | pandas / DuckDB |")
    print("| --- | ---: | ---: | ---: |")
    tot_d = tot_p = 0.0
    for name, fd, fp in cases:
        d, p = median_time(fd, a.runs), median_time(fp, a.runs)
        tot_d += d
        tot_p += p
        print(f"| {name} | {d:.3f} | {p:.3f} | {p / d:.1f}× |")
    print(
        f"| **local rate (oem + city) + gaps** | **{tot_d:.3f}** | **{tot_p:.3f}** | **{tot_p / tot_d:.1f}×** |"
    )
    print(f"\naim: local rate + gaps under 2 s — {'met' if tot_d < 2 else 'NOT met'} ({tot_d:.2f} s)")
    conn.close()


if __name__ == "__main__":
    main()
