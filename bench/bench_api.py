"""Benchmark: the web API under the dashboard's load, the cockpit's first load, the size of the built JS.

Builds the demo store (``chainbrain.data.load_demo`` + the demo targets) in ``bench/out/``, starts the real
server (uvicorn, one process, as ``chainbrain serve`` runs it) on a free port, then measures in one run:

* **baseline** — one client calling the cockpit's API routes one after another (``--rounds`` times);
* **load** — ``--clients`` concurrent clients (threads, one HTTP connection each) each calling the same
  routes ``--rounds`` times; latency per call, p50 / p95 / p99, errors, and the ratio of the loaded p95 to
  the baseline p95;
* **first load of the cockpit** in Chromium (logged in, empty cache): from navigation until the key figures
  are on screen and the network is idle; median of ``--page-runs`` fresh browser contexts;
* **built JS** — bytes and gzip bytes of ``src/chainbrain/api/static/assets/*.js``.

    .venv/bin/python bench/bench_api.py --clients 50 --rounds 20
"""

from __future__ import annotations

import argparse
import gzip
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from chainbrain.api.accounts import create_user
from chainbrain.api.app import static_dir
from chainbrain.store import connect

OUT = Path(__file__).resolve().parent / "out"
USER, PASSWORD = "bench", "bench-pass-123"
#: what the cockpit asks for when it opens (frontend/src/pages/CockpitPage.vue)
COCKPIT = [
    "/api/v1/analytics/overview",
    "/api/v1/analytics/local-rate?by=district",
    "/api/v1/analytics/gaps?top=10",
    "/api/v1/targets/warnings",
    "/api/v1/targets/summary",
    "/api/v1/analytics/local-rate?by=oem",
]
CHROMIUM = os.environ.get("CHAINBRAIN_CHROMIUM", "/usr/bin/chromium")


def build_store() -> Path:
    from chainbrain.data import load_demo
    from chainbrain.monitor.demo import load_demo_monitor
    from chainbrain.monitor.registry import list_targets

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "bench_api.duckdb"
    for p in (path, Path(str(path) + ".wal")):
        p.unlink(missing_ok=True)
    conn = connect(path)
    load_demo(conn)
    if not list_targets(conn):
        load_demo_monitor(conn)
    create_user(conn, USER, PASSWORD, "analyst")
    conn.close()
    return path


def start_server(db: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "uvicorn", "chainbrain.api:create_app", "--factory", "--host", "127.0.0.1",
           "--port", str(port), "--log-level", "warning"]  # fmt: skip
    proc = subprocess.Popen(cmd, env={**os.environ, "CHAINBRAIN_DB": str(db)})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/api/v1/auth/session", timeout=2).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("the server did not start within 60 s")


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q / 100 * len(s) + 0.5) - 1))]


def client_run(
    url: str, token: str, rounds: int, out: list[float], errors: list[str], start: threading.Barrier
) -> None:
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as c:
        start.wait()
        for _ in range(rounds):
            for path in COCKPIT:
                t = time.perf_counter()
                r = c.get(path)
                out.append(time.perf_counter() - t)
                if r.status_code != 200:
                    errors.append(f"{r.status_code} {path}")


def load(url: str, token: str, clients: int, rounds: int) -> tuple[list[float], list[str], float]:
    lat: list[float] = []
    errors: list[str] = []
    barrier = threading.Barrier(clients)
    threads = [
        threading.Thread(target=client_run, args=(url, token, rounds, lat, errors, barrier))
        for _ in range(clients)
    ]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return lat, errors, time.perf_counter() - t0


def first_load(url: str, runs: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"]  # fmt: skip
    times = []
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=args)
        for _ in range(runs):
            ctx = b.new_context(viewport={"width": 1400, "height": 900})
            page = ctx.new_page()
            r = page.request.post(url + "/api/v1/auth/login", data={"username": USER, "password": PASSWORD})
            assert r.ok, r.text()
            t = time.perf_counter()
            page.goto(url + "/#/cockpit")
            page.wait_for_selector("[data-test=fig-local-rate]")
            page.wait_for_load_state("networkidle")
            times.append(time.perf_counter() - t)
            ctx.close()
        b.close()
    return times


def js_size() -> tuple[int, int, int]:
    files = sorted((static_dir() / "assets").glob("*.js"))
    raw = sum(f.stat().st_size for f in files)
    gz = sum(len(gzip.compress(f.read_bytes(), 9)) for f in files)
    return len(files), raw, gz


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=20, help="cockpit loads per client")
    ap.add_argument("--page-runs", type=int, default=5)
    args = ap.parse_args()

    db = build_store()
    proc, url = start_server(db)
    try:
        token = httpx.post(url + "/api/v1/auth/login", json={"username": USER, "password": PASSWORD}).json()[
            "access_token"
        ]
        cold, _, _ = load(url, token, 1, 1)  # first calls: nothing cached yet (the library computes)
        load(url, token, 1, 2)  # warm up
        base, base_err, _ = load(url, token, 1, args.rounds)
        lat, errors, wall = load(url, token, args.clients, args.rounds)
        print(f"routes per cockpit load: {len(COCKPIT)}")
        for p, v in zip(COCKPIT, cold, strict=True):
            print(f"  first (uncached) call {v * 1e3:7.1f} ms  {p}")
        print(
            f"baseline 1 client : n={len(base)} p50 {pct(base, 50) * 1e3:.1f} ms  p95 {pct(base, 95) * 1e3:.1f} ms"
            f"  errors {len(base_err)}"
        )
        print(
            f"load {args.clients} clients: n={len(lat)} p50 {pct(lat, 50) * 1e3:.1f} ms  p95 {pct(lat, 95) * 1e3:.1f} ms"
            f"  p99 {pct(lat, 99) * 1e3:.1f} ms  errors {len(errors)}  throughput {len(lat) / wall:.0f} req/s"
        )
        print(f"p95 ratio load / baseline: {pct(lat, 95) / pct(base, 95):.1f}×")
        per_route = {p: [] for p in COCKPIT}
        base_one, _, _ = load(url, token, 1, 5)
        for i, v in enumerate(base_one):
            per_route[COCKPIT[i % len(COCKPIT)]].append(v)
        for p, v in per_route.items():
            print(f"  cached call median    {statistics.median(v) * 1e3:7.1f} ms  {p}")
        if (static_dir() / "index.html").exists() and Path(CHROMIUM).exists():
            fl = first_load(url, args.page_runs)
            print(f"cockpit first load (Chromium, empty cache): median {statistics.median(fl):.2f} s"
                  f"  min {min(fl):.2f} s  max {max(fl):.2f} s")  # fmt: skip
        n, raw, gz = js_size()
        print(f"built JS: {n} files, {raw / 1024:.0f} KiB, gzip {gz / 1024:.0f} KiB")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        for p in (db, Path(str(db) + ".wal")):
            p.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
