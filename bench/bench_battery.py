"""Benchmark: battery traceability at national scale, each figure against a pandas baseline in the same run.

Builds — or reuses, cached under ``--out`` (default ``bench/out/``, gitignored) — a synthetic ledger
(:mod:`chainbrain.battery.scale`: ``--packs`` packs, 2 modules and 8 cells each, ~50 events per pack, written
in chunks; the generation's peak RSS is printed), then times:

* **generation** of the ledger inside DuckDB (when built in this run), and the all-or-nothing importer
  (:func:`chainbrain.io.import_file`, every row checked) on a Parquet file of ``--import-rows`` cells;
* **parse**: :func:`chainbrain.battery.codes.parse` (every field, every problem named) over ``--parse``
  codes vs a pandas ``str.fullmatch`` with one regular expression (valid / invalid only); both must agree;
* **trace**: :func:`chainbrain.battery.trace.trace` of ``--traces`` random codes (p50 / p95) vs a pandas
  lookup of the same parents, children and events on DataFrames already in memory;
* **overdue check** over every event: :func:`chainbrain.battery.duties.board_sql` vs a pandas
  implementation of the same rules (merges + a working-day lookup); both boards must be equal.

``--baseline polars`` swaps both whole-table baselines (trace, overdue) for polars versions of the same
work, lean enough in memory to run at national scale (50 M events); the boards must still be equal.

    .venv/bin/python bench/bench_battery.py --packs 100000 --seed 42
    .venv/bin/python bench/bench_battery.py --packs 1000000 --seed 42 --baseline polars --out /tmp/b2
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import statistics
import time
from collections import Counter
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from chainbrain.battery import codes
from chainbrain.battery.calendar import _tables, covered_years
from chainbrain.battery.duties import DUTIES, ActorCompliance, board_sql
from chainbrain.battery.scale import synthesize_batteries
from chainbrain.battery.trace import trace
from chainbrain.io import import_file
from chainbrain.store import connect, memory
from chainbrain.store.connection import up_to_date

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
    print(f"generation peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6:.2f} GB")
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


def _time_traces(
    conn: duckdb.DuckDBPyConnection, picks: list[str], stored: bool
) -> tuple[list[float], float]:
    """Wall seconds per trace, and CPU ms per trace (the process: every DuckDB thread)."""
    out = []
    c0 = time.process_time()
    for c in picks:
        t0 = time.perf_counter()
        trace(conn, c, AS_OF, stored_trees=stored)
        out.append(time.perf_counter() - t0)
    return out, (time.process_time() - c0) / len(picks) * 1000


def bench_trace(
    conn: duckdb.DuckDBPyConnection, n: int, pandas: bool = True
) -> tuple[list[float], list[float]]:
    """Random codes of every level traced from their stored trees (each code read for the first time:
    cold), then the same codes by the table walk (cold too: it reads other tables); the answers of both
    are asserted equal on the first 100 codes."""
    picks = [r[0] for r in conn.execute(f"SELECT code FROM battery_unit USING SAMPLE {n} ROWS").fetchall()]
    trace(conn, picks[0], AS_OF)  # warm: the working-day tables are built once per process
    ours, bench_trace.cpu_ms = _time_traces(conn, picks, True)  # type: ignore[attr-defined]
    bench_trace.walk, bench_trace.walk_cpu_ms = _time_traces(conn, picks, False)  # type: ignore[attr-defined]
    for c in picks[:100]:
        assert trace(conn, c, AS_OF).to_dict() == trace(conn, c, AS_OF, stored_trees=False).to_dict(), c
    kinds = Counter(c[3] for c in picks)
    bench_trace.kinds = f"{kinds['P']} packs, {kinds['M']} modules, {kinds['C']} cells"  # type: ignore[attr-defined]
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


def _pl(conn: duckdb.DuckDBPyConnection, sql: str, categorical: tuple[str, ...] = ()) -> pl.DataFrame:
    """A query's rows as a polars frame, read in batches (low-cardinality columns as Categorical), so that
    50 M events fit in a few GB."""
    parts = []
    for batch in conn.sql(sql).to_arrow_reader(1_000_000):
        df = pl.from_arrow(batch)
        assert isinstance(df, pl.DataFrame)
        parts.append(df.with_columns(pl.col(c).cast(pl.Categorical) for c in categorical))
    return pl.concat(parts, rechunk=True)


def trace_polars(conn: duckdb.DuckDBPyConnection, picks: list[str]) -> list[float]:
    """The pandas trace baseline's work in polars: parents, children (two levels) and events by filters on
    frames already in memory."""
    units = _pl(conn, "SELECT code, parent_code, kind FROM battery_unit", ("kind",))
    events = _pl(conn, "SELECT code, event, date FROM battery_event", ("event",))
    parent = dict(zip(units["code"].to_list(), units["parent_code"].to_list(), strict=True))
    out = []
    for c in picks:
        t0 = time.perf_counter()
        up, cur = [], parent.get(c)
        while cur is not None:
            up.append(cur)
            cur = parent.get(cur)
        kids = units.filter(pl.col("parent_code") == c)["code"].to_list()
        kids += units.filter(pl.col("parent_code").is_in(kids))["code"].to_list()
        evs = events.filter(pl.col("code") == c).sort("date")
        out.append(time.perf_counter() - t0)
        assert evs.height >= 2 and len(up) <= 2 and len(kids) <= 10
    return out


def board_polars(conn: duckdb.DuckDBPyConnection, as_of: dt.date) -> list[ActorCompliance]:
    """The same board as :func:`board_sql`, in polars (loading the columns is timed apart by the caller)."""
    if "pl" not in _FRAMES:
        t0 = time.perf_counter()
        ev = _pl(conn, "SELECT code, event, actor_id, actor_role, date, reported_at FROM battery_event",
                 ("event", "actor_id", "actor_role"))  # fmt: skip
        un = _pl(conn, "SELECT code, parent_code, oem_id FROM battery_unit")
        _FRAMES["pl"] = (ev, un)  # type: ignore[assignment]
        _FRAMES["pl_load_seconds"] = time.perf_counter() - t0  # type: ignore[assignment]
    ev, un = _FRAMES["pl"]  # type: ignore[misc]
    t0 = time.perf_counter()
    rules = pl.DataFrame(
        [(d.event, r, d.reporter == "oem", d.working_days) for d in DUTIES for r in d.roles],
        schema={"event": pl.String, "actor_role": pl.String, "by_oem": pl.Boolean, "n": pl.Int32},
        orient="row",
    ).with_columns(pl.col("event", "actor_role").cast(pl.Categorical))
    e = ev.lazy().filter(pl.col("date") <= as_of).join(rules.lazy(), on=["event", "actor_role"])
    own = e.filter(~pl.col("by_oem")).select(
        pl.col("actor_id").cast(pl.String).alias("reporter"),
        pl.col("actor_role").cast(pl.String).alias("reporter_role"), "n", "date",
        "reported_at")  # fmt: skip
    u = un.lazy()
    oem = (
        e.filter(pl.col("by_oem"))
        .join(u.rename({"parent_code": "p1", "oem_id": "o0"}), on="code", how="left")
        .join(
            u.select(
                pl.col("code").alias("p1"), pl.col("parent_code").alias("p2"), pl.col("oem_id").alias("o1")
            ),
            on="p1",
            how="left",
        )  # fmt: skip
        .join(u.select(pl.col("code").alias("p2"), pl.col("oem_id").alias("o2")), on="p2", how="left")
        .select(
            pl.coalesce("o0", "o1", "o2").alias("reporter"),
            pl.lit("oem").alias("reporter_role"),
            "n",
            "date",
            "reported_at",
        )  # fmt: skip
    )
    w = pl.concat([own, oem]).collect()
    first, cum, nth = _tables()
    lo, hi = covered_years()
    idx = (w["date"] - first).dt.total_days().to_numpy()
    inside = (idx >= 0) & (idx < len(cum))
    k = np.where(inside, np.asarray(cum)[np.clip(idx, 0, len(cum) - 1)], 0) + w["n"].to_numpy()
    ok = inside & (k <= len(nth)) & (w["date"].dt.year().is_between(lo, hi).to_numpy())
    deadline = pl.Series("deadline", np.asarray(nth, dtype="datetime64[D]")[np.clip(k - 1, 0, len(nth) - 1)])
    w = w.with_columns(deadline.cast(pl.Date), pl.Series("ok", ok))
    state = (
        pl.when(pl.col("reporter").is_null()).then(pl.lit("no_reporter"))
        .when(~pl.col("ok")).then(pl.lit("unknown"))
        .when(pl.col("reported_at").is_not_null() & (pl.col("reported_at") > pl.col("deadline"))).then(pl.lit("late"))
        .when(pl.col("reported_at").is_not_null()).then(pl.lit("on_time"))
        .when(pl.lit(as_of) > pl.col("deadline")).then(pl.lit("missing"))
        .otherwise(pl.lit("pending"))
    )  # fmt: skip
    g = (
        w.with_columns(state.alias("state"))
        .group_by("reporter", "reporter_role")
        .agg(
            pl.len().alias("total"),
            *(
                (pl.col("state") == s).sum().alias(s)
                for s in ("on_time", "late", "missing", "pending", "unknown", "no_reporter")
            ),
        )  # fmt: skip
    )
    out = [ActorCompliance(r["reporter"], r["reporter_role"], r["total"], r["on_time"], r["late"], r["missing"],
                           r["pending"], r["unknown"] + r["no_reporter"]) for r in g.iter_rows(named=True)]  # fmt: skip
    board_polars.seconds = time.perf_counter() - t0  # type: ignore[attr-defined]
    return sorted(out, key=lambda r: (-r.missing, -r.late, r.reporter_id or ""))


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
    global OUT
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--packs", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--parse", type=int, default=200_000)
    ap.add_argument("--traces", type=int, default=1000)
    ap.add_argument("--import-rows", type=int, default=50_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument(
        "--out", type=Path, default=OUT, help="where the cached ledger lives (gitignored bench/out/)"
    )
    ap.add_argument(
        "--baseline",
        choices=("pandas", "polars"),
        default="pandas",
        help="the whole-table baseline for trace and overdue (polars fits 50 M events in memory)",
    )
    ap.add_argument(
        "--no-full-pandas",
        action="store_true",
        help="skip the whole-table baselines (trace, overdue) — DuckDB paths only",
    )  # fmt: skip
    ap.add_argument(
        "--trace-only",
        action="store_true",
        help="time the traces only (no import, parse or overdue check): a few minutes at national scale",
    )  # fmt: skip
    args = ap.parse_args()
    OUT = args.out
    path, gen = build_or_reuse(args.packs, args.seed)
    probe = duckdb.connect(str(path), read_only=True)
    current = up_to_date(probe)
    probe.close()
    if not current:  # a store cached by an older chainbrain: migrate it (018 builds the stored trees)
        t0, c0 = time.perf_counter(), time.process_time()
        connect(path).close()
        print(f"store upgraded (migrations) in {time.perf_counter() - t0:.1f} s wall, "
              f"{time.process_time() - c0:.1f} s CPU")  # fmt: skip
    conn = connect(path, read_only=True)
    units, events = (
        conn.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in ("battery_unit", "battery_event")
    )
    print(f"ledger: {args.packs:,} packs, {units:,} units, {events:,} events ({path.name})")
    if gen is not None:
        print(f"generated in DuckDB: {gen:.1f} s ({(units + events) / gen:,.0f} rows/s)")
    if not args.trace_only:
        print(f"checked import (Parquet, {args.import_rows:,} cells): "
              f"{bench_import(args.import_rows, args.seed):,.0f} rows/s")  # fmt: skip
        ours, pdr = bench_parse(conn, args.parse, args.seed)
        print(f"parse: chainbrain {ours:,.0f} codes/s | pandas regex {pdr:,.0f} codes/s | "
              f"pandas / chainbrain {pdr / ours:.1f}×")  # fmt: skip
    full = not args.no_full_pandas and not args.trace_only
    q = lambda xs, p: float(np.percentile(xs, p)) * 1000  # noqa: E731
    if args.baseline == "polars":
        t_ours, _ = bench_trace(conn, args.traces, pandas=False)
        picks = [
            r[0]
            for r in conn.execute(f"SELECT code FROM battery_unit USING SAMPLE {args.traces} ROWS").fetchall()
        ]
        t_pd = trace_polars(conn, picks) if full else []
    else:
        t_ours, t_pd = bench_trace(conn, args.traces, pandas=full)
    walk = bench_trace.walk  # type: ignore[attr-defined]
    print(f"trace ({len(t_ours)} random codes: {bench_trace.kinds}):")  # type: ignore[attr-defined]
    line = (f"  stored trees ms: p50 {q(t_ours, 50):.2f} p95 {q(t_ours, 95):.2f} "
            f"(CPU {bench_trace.cpu_ms:.2f} per trace)")  # type: ignore[attr-defined]  # fmt: skip
    line += (f" | table walk ms: p50 {q(walk, 50):.2f} p95 {q(walk, 95):.2f} "
             f"(CPU {bench_trace.walk_cpu_ms:.2f}) | walk / trees p95 {q(walk, 95) / q(t_ours, 95):.1f}×")  # type: ignore[attr-defined]  # fmt: skip
    if t_pd:
        line += (f" | {args.baseline} p50 {q(t_pd, 50):.1f} p95 {q(t_pd, 95):.1f}"
                 f" | {args.baseline} / trees p95 {q(t_pd, 95) / q(t_ours, 95):.1f}×")  # fmt: skip
    print(line)
    if args.trace_only:
        return
    if not full:
        t, cpu = [], []
        for _ in range(args.runs):
            t0, c0 = time.perf_counter(), time.process_time()
            a = board_sql(conn, AS_OF)
            t.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        print(f"overdue check ({events:,} events, {len(a)} reporters): DuckDB {statistics.median(t):.2f} s wall, "
              f"{statistics.median(cpu):.2f} s CPU (median of {args.runs})")  # fmt: skip
        return
    other = board_polars if args.baseline == "polars" else board_pandas
    sql_t, pd_t, cpu = [], [], []
    for _ in range(args.runs):  # interleaved
        t0, c0 = time.perf_counter(), time.process_time()
        a = board_sql(conn, AS_OF)
        sql_t.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        b = other(conn, AS_OF)
        pd_t.append(other.seconds)  # type: ignore[attr-defined]
        assert a == b, f"board_sql and the {args.baseline} board differ"
    ms, mp = statistics.median(sql_t), statistics.median(pd_t)
    load = _FRAMES["pl_load_seconds" if args.baseline == "polars" else "load_seconds"]
    print(f"overdue check ({events:,} events, {len(a)} reporters): DuckDB {ms:.2f} s wall, "
          f"{statistics.median(cpu):.2f} s CPU (runs {', '.join(f'{x:.2f}' for x in sql_t)})"
          f" | {args.baseline} {mp:.2f} s (+ {load:.1f} s loading) | {args.baseline} / DuckDB {mp / ms:.1f}×")  # type: ignore[str-format]  # fmt: skip
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6:.2f} GB")


if __name__ == "__main__":
    main()
