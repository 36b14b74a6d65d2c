"""Benchmark: battery traceability at national scale, each figure against a pandas baseline in the same run.

Builds — or reuses, cached under ``bench/out/`` — a synthetic ledger (:mod:`chainbrain.battery.scale`:
``--packs`` packs, 2 modules and 8 cells each, ~33 events per pack), then times:

* **generation** of the ledger inside DuckDB (when built in this run), and the all-or-nothing importer
  (:func:`chainbrain.io.import_file`, every row checked) on a Parquet file of ``--import-rows`` cells;
* **parse**: :func:`chainbrain.battery.codes.parse` (every field, every problem named) over ``--parse``
  codes vs a pandas ``str.fullmatch`` with one regular expression (valid / invalid only); both must agree;
* **trace**: :func:`chainbrain.battery.trace.trace` of ``--traces`` random codes (p50 / p95) vs a pandas
  lookup of the same parents, children and events on DataFrames already in memory;
* **overdue check** over every event: :func:`chainbrain.battery.duties.board_sql` vs a pandas
  implementation of the same rules (merges + a working-day lookup); both boards must be equal.

    .venv/bin/python bench/bench_battery.py --packs 100000 --seed 42
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from chainbrain.battery import codes
from chainbrain.battery.calendar import _tables, covered_years
from chainbrain.battery.duties import DUTIES, ActorCompliance, board_sql
from chainbrain.battery.scale import synthesize_batteries
from chainbrain.battery.trace import trace
from chainbrain.io import import_file
from chainbrain.store import connect, memory

OUT = Path(__file__).resolve().parent / "out"
AS_OF = dt.date(2026, 11, 30)
REGEX = (
    r"^[0-9A-Z]{3}[PMC][A-GZ][0-9A-Z]{2}[0-9A-Z]{7}[1-9A-HJ-NPR-Y][1-9A-C][1-9A-HJ-NPR-Y](?!0000000)[0-9]{7}$"
)


def build_or_reuse(packs: int, seed: int) -> tuple[Path, float | None]:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"battery_{packs}_s{seed}.duckdb"
    if path.exists():
        return path, None
    conn = connect(path)
    t0 = time.perf_counter()
    synthesize_batteries(conn, packs, seed)
    seconds = time.perf_counter() - t0
    conn.close()
    return path, seconds


def bench_import(rows: int, seed: int) -> float:
    """Rows per second through the checked importer (cells under one stored module, from Parquet)."""
    conn = memory()
    synthesize_batteries(conn, 1, seed)
    module = conn.execute("SELECT code FROM battery_unit WHERE kind = 'module' LIMIT 1").fetchall()[0][0]
    base = module[:3] + "C" + module[4:17]
    tbl = pa.table({"code": [f"{base}{n:07d}" for n in range(100, 100 + rows)], "parent_code": [module] * rows,
                    "capacity_kwh": [7.5] * rows, "source": ["bench"] * rows, "status": ["synthetic"] * rows})  # fmt: skip
    path = OUT / "bench_import_cells.parquet"
    pq.write_table(tbl, path)
    t0 = time.perf_counter()
    import_file(conn, "battery_units", path)
    return rows / (time.perf_counter() - t0)


def bench_parse(conn: duckdb.DuckDBPyConnection, n: int, seed: int) -> tuple[float, float]:
    stored = [r[0] for r in conn.execute(f"SELECT code FROM battery_unit USING SAMPLE {n} ROWS").fetchall()]
    rng = random.Random(seed)
    sample = []
    for c in stored:  # one in five broken at a random position
        if rng.random() < 0.2:
            i = rng.randrange(24)
            c = c[:i] + rng.choice("IOQ#x") + c[i + 1 :]
        sample.append(c)
    t0 = time.perf_counter()
    ours = [codes.parse(c).valid for c in sample]
    t_ours = time.perf_counter() - t0
    s = pd.Series(sample)
    t0 = time.perf_counter()
    theirs = s.str.fullmatch(REGEX).tolist()
    t_pd = time.perf_counter() - t0
    # the regex knows nothing of calendars (29 Feb, 31 Apr); compare where the date is a real day
    agree = sum(a == b for a, b in zip(ours, theirs, strict=True))
    assert agree >= 0.99 * len(sample), f"parse and regex disagree on {len(sample) - agree} codes"
    return len(sample) / t_ours, len(sample) / t_pd


def bench_trace(
    conn: duckdb.DuckDBPyConnection, n: int, pandas: bool = True
) -> tuple[list[float], list[float]]:
    picks = [r[0] for r in conn.execute(f"SELECT code FROM battery_unit USING SAMPLE {n} ROWS").fetchall()]
    trace(conn, picks[0], AS_OF)  # warm: the working-day tables are built once per process
    ours = []
    for c in picks:
        t0 = time.perf_counter()
        trace(conn, c, AS_OF)
        ours.append(time.perf_counter() - t0)
    if not pandas:
        return ours, []
    units = conn.execute("SELECT code, parent_code, kind FROM battery_unit").df()
    events = conn.execute("SELECT id, code, event, date FROM battery_event").df()
    parent = dict(zip(units["code"], units["parent_code"], strict=True))
    theirs = []
    for c in picks:
        t0 = time.perf_counter()
        up, cur = [], parent.get(c)
        while cur is not None and isinstance(cur, str):
            up.append(cur)
            cur = parent.get(cur)
        kids = units.loc[units["parent_code"] == c, "code"].tolist()
        kids += units.loc[units["parent_code"].isin(kids), "code"].tolist()
        evs = events.loc[events["code"] == c].sort_values("date")
        theirs.append(time.perf_counter() - t0)
        assert len(evs) >= 2 and len(up) <= 2 and len(kids) <= 10
    return ours, theirs


def board_pandas(conn: duckdb.DuckDBPyConnection, as_of: dt.date) -> list[ActorCompliance]:
    """The same board as :func:`board_sql`, in pandas (loading the columns is timed apart by the caller)."""
    ev, un = _frames(conn)
    t0 = time.perf_counter()
    rules = pd.DataFrame(
        [(d.event, r, d.reporter == "oem", d.working_days) for d in DUTIES for r in d.roles],
        columns=["event", "actor_role", "by_oem", "n"],
    )
    e = ev[ev["date"] <= pd.Timestamp(as_of)].merge(rules, on=["event", "actor_role"])
    oem = un.set_index("code")["oem_id"]
    par = un.set_index("code")["parent_code"]
    p1 = e["code"].map(par)
    p2 = p1.map(par)
    chain_oem = e["code"].map(oem).fillna(p1.map(oem)).fillna(p2.map(oem))
    e["reporter"] = np.where(e["by_oem"], chain_oem, e["actor_id"])
    e["reporter_role"] = np.where(e["by_oem"], "oem", e["actor_role"])
    first, cum, nth = _tables()
    lo, hi = covered_years()
    day_idx = (e["date"] - pd.Timestamp(first)).dt.days.to_numpy()
    inside = (day_idx >= 0) & (day_idx < len(cum))
    k = np.where(inside, np.asarray(cum)[np.clip(day_idx, 0, len(cum) - 1)], 0) + e["n"].to_numpy()
    ok = inside & (k <= len(nth))
    nth_ts = pd.to_datetime(pd.Series(nth)).to_numpy()
    deadline = np.where(ok, nth_ts[np.clip(k - 1, 0, len(nth) - 1)], np.datetime64("NaT"))
    rep = e["reported_at"].to_numpy()
    state = np.select(
        [pd.isna(e["reporter"]).to_numpy(), ~ok, ~pd.isna(rep) & (rep > deadline), ~pd.isna(rep),
         np.datetime64(as_of) > deadline],
        ["no_reporter", "unknown", "late", "on_time", "missing"], "pending",
    )  # fmt: skip
    e["state"] = state
    g = e.groupby(["reporter", "reporter_role"], dropna=False)["state"].value_counts().unstack(fill_value=0)
    out = []
    for (rid, role), row in g.iterrows():
        n = {
            s: int(row.get(s, 0)) for s in ("on_time", "late", "missing", "pending", "unknown", "no_reporter")
        }
        out.append(ActorCompliance(None if pd.isna(rid) else rid, role, int(row.sum()), n["on_time"], n["late"],
                                   n["missing"], n["pending"], n["unknown"] + n["no_reporter"]))  # fmt: skip
    board_pandas.seconds = time.perf_counter() - t0  # type: ignore[attr-defined]
    return sorted(out, key=lambda r: (-r.missing, -r.late, r.reporter_id or ""))


_FRAMES: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = {}


def _frames(conn: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame]:
    if "f" not in _FRAMES:
        t0 = time.perf_counter()
        ev = conn.execute(
            "SELECT code, event, actor_id, actor_role, date, reported_at FROM battery_event"
        ).df()
        un = conn.execute("SELECT code, parent_code, oem_id FROM battery_unit").df()
        for col in ("date", "reported_at"):
            ev[col] = pd.to_datetime(ev[col])
        _FRAMES["f"] = (ev, un)
        _FRAMES["load_seconds"] = time.perf_counter() - t0  # type: ignore[assignment]
    return _FRAMES["f"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--packs", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--parse", type=int, default=200_000)
    ap.add_argument("--traces", type=int, default=200)
    ap.add_argument("--import-rows", type=int, default=50_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument(
        "--no-full-pandas",
        action="store_true",
        help="skip the pandas baselines that load whole tables (trace, overdue) — for the largest stores",
    )
    args = ap.parse_args()
    path, gen = build_or_reuse(args.packs, args.seed)
    conn = connect(path, read_only=True)
    units, events = (
        conn.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in ("battery_unit", "battery_event")
    )
    print(f"ledger: {args.packs:,} packs, {units:,} units, {events:,} events ({path.name})")
    if gen is not None:
        print(f"generated in DuckDB: {gen:.1f} s ({(units + events) / gen:,.0f} rows/s)")
    print(
        f"checked import (Parquet, {args.import_rows:,} cells): {bench_import(args.import_rows, args.seed):,.0f} rows/s"
    )
    ours, pdr = bench_parse(conn, args.parse, args.seed)
    print(
        f"parse: chainbrain {ours:,.0f} codes/s | pandas regex {pdr:,.0f} codes/s | pandas / chainbrain {pdr / ours:.1f}×"
    )
    t_ours, t_pd = bench_trace(conn, args.traces, pandas=not args.no_full_pandas)
    q = lambda xs, p: float(np.percentile(xs, p)) * 1000  # noqa: E731
    line = f"trace ms: chainbrain p50 {q(t_ours, 50):.1f} p95 {q(t_ours, 95):.1f}"
    if t_pd:
        line += f" | pandas p50 {q(t_pd, 50):.1f} p95 {q(t_pd, 95):.1f} | ratio p95 {q(t_pd, 95) / q(t_ours, 95):.1f}×"
    print(line)
    if args.no_full_pandas:
        t = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            a = board_sql(conn, AS_OF)
            t.append(time.perf_counter() - t0)
        print(
            f"overdue check ({events:,} events, {len(a)} reporters): DuckDB {statistics.median(t):.2f} s (median of {args.runs})"
        )
        return
    sql_t, pd_t = [], []
    for _ in range(args.runs):  # interleaved
        t0 = time.perf_counter()
        a = board_sql(conn, AS_OF)
        sql_t.append(time.perf_counter() - t0)
        b = board_pandas(conn, AS_OF)
        pd_t.append(board_pandas.seconds)  # type: ignore[attr-defined]
        assert a == b, "board_sql and the pandas board differ"
    ms, mp = statistics.median(sql_t), statistics.median(pd_t)
    print(f"overdue check ({events:,} events, {len(a)} reporters): DuckDB {ms:.2f} s | pandas {mp:.2f} s "
          f"(+ {_FRAMES['load_seconds']:.1f} s loading) | pandas / DuckDB {mp / ms:.1f}×")  # type: ignore[str-format]  # fmt: skip


if __name__ == "__main__":
    main()
