"""Benchmark: the first write after a start — what it cost, and what it costs now.

The first import after a server start took seconds (3.4 s, once over 30 s, with the resilience warm-up
running). Its cost was an import of pandas: pyarrow's first conversion of Python values imports it, and
every write went through a pyarrow table. Writes of up to ``SMALL_BATCH`` rows now go through one typed
list parameter per column. Measured in one run, interleaved:

* **cold insert** — a fresh interpreter inserts one firm into a fresh in-memory store, through the list
  parameters (as writes now go) and through Arrow (as they went, forced with ``--arrow``); ``--pairs``
  pairs, medians and their ratio;
* **server** — the real server (uvicorn) over a copy of the demo store: the first workbook import of the
  combined template's example right after the server answers (the resilience warm-up still running), and a
  second import of the same workbook; ``--servers`` starts, medians.

    .venv/bin/python bench/bench_import.py --pairs 5 --servers 2
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

COLD = r"""
import datetime as dt, sys, time
from chainbrain.store import memory
from chainbrain.store import records
if sys.argv[1] == "arrow":
    records.SMALL_BATCH = 0
conn = memory()
row = {"id": "e1", "name": "重庆测试有限公司", "district_code": "500112", "roles": ["Tier1"], "labels": [],
       "source": "bench", "as_of": dt.date(2024, 12, 31), "status": "synthetic"}
t = time.perf_counter()
records.insert_rows(conn, "enterprises", [row])
print(time.perf_counter() - t)
"""


def cold(mode: str) -> float:
    out = subprocess.run([sys.executable, "-c", COLD, mode], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def _example_workbook(db: Path) -> bytes:
    from openpyxl import load_workbook

    from chainbrain.io.chain_tables import choices_from_store
    from chainbrain.io.templates import write_workbook_template
    from chainbrain.store import connect

    conn = connect(db)
    path = db.parent / "wb.xlsx"
    write_workbook_template(path, choices_from_store(conn))
    conn.close()
    wb = load_workbook(path)
    for title in ("企业", "场所", "供应关系"):
        for j, cell in enumerate(wb[f"示例-{title}"][2], start=1):
            wb[title].cell(row=2, column=j, value=cell.value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def server_run(demo: Path, tmp: Path) -> tuple[float, float]:
    from chainbrain.api.accounts import create_user
    from chainbrain.store import connect

    db = tmp / "s.duckdb"
    shutil.copy(demo, db)
    data = _example_workbook(db)
    conn = connect(db)
    create_user(conn, "bench", "quiet-cellar-73", "analyst")
    conn.close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "uvicorn", "chainbrain.api:create_app", "--factory", "--port", str(port),
           "--log-level", "warning"]  # fmt: skip
    proc = subprocess.Popen(cmd, env={**os.environ, "CHAINBRAIN_DB": str(db)})
    url = f"http://127.0.0.1:{port}/api/v1"
    try:
        while True:
            try:
                if httpx.get(url + "/auth/session", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        login = {"username": "bench", "password": "quiet-cellar-73"}
        h = {"Authorization": "Bearer " + httpx.post(url + "/auth/login", json=login).json()["access_token"]}
        times = []
        for _ in range(2):
            t = time.perf_counter()
            files = {"file": ("wb.xlsx", data, "application/octet-stream")}
            r = httpx.post(url + "/imports/workbook", headers=h, files=files, timeout=300)
            r.raise_for_status()
            times.append(time.perf_counter() - t)
        return times[0], times[1]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=5)
    ap.add_argument("--servers", type=int, default=2)
    args = ap.parse_args()
    small, arrow = [], []
    for _ in range(args.pairs):
        small.append(cold("small"))
        arrow.append(cold("arrow"))
    ms, ma = statistics.median(small), statistics.median(arrow)
    print(
        f"cold one-row insert: list parameters {ms * 1000:.0f} ms, Arrow {ma * 1000:.0f} ms, ratio {ma / ms:.0f}x"
    )
    from chainbrain.data import load_demo
    from chainbrain.store import connect

    with tempfile.TemporaryDirectory(prefix="cb-bench-import-") as d:
        tmp = Path(d)
        demo = tmp / "demo.duckdb"
        conn = connect(demo)
        load_demo(conn)
        conn.close()
        runs = [server_run(demo, tmp) for _ in range(args.servers)]
    first = statistics.median(r[0] for r in runs)
    second = statistics.median(r[1] for r in runs)
    print(f"server: first workbook import after start {first:.2f} s, second {second:.2f} s "
          f"(ratio {first / second:.1f}x; runs {[tuple(round(x, 2) for x in r) for r in runs]})")  # fmt: skip


if __name__ == "__main__":
    main()
