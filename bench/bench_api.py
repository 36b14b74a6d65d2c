"""Benchmark: the web API under the dashboard's load, the cockpit's first load, the size of the built JS.

Builds the demo store (``chainbrain.data.load_demo`` + the demo targets) in ``bench/out/``, starts the real
server (uvicorn, one process, as ``chainbrain serve`` runs it) on a free port, then measures in one run:

* **baseline** — one client calling the cockpit's API routes one after another (``--rounds`` times);
* **load** — ``--clients`` concurrent clients (threads, one HTTP connection each) each calling the same
  routes ``--rounds`` times; latency per call, p50 / p95 / p99, errors, and the ratio of the loaded p95 to
  the baseline p95;
* **floor** — a bare FastAPI app (one ``async`` route, no dependencies, the same JSON the cockpit routes
  answer, returned as dicts) on the same uvicorn, driven by the same load generator; ``--pairs`` load runs
  of the floor and of the app, interleaved, and the ratio of their throughputs per pair (the machine is
  shared, so only ratios from one run are quoted);
* **mixed read + write** — ``--readers`` clients reading the cockpit routes and the resilience ranking for
  ``--seconds``, first alone (read-only run), then with ``--writers`` enterprise users posting needs as
  fast as they can: 5xx count, reads p95 of both runs, and every acknowledged need checked in the store
  and in the audit log once the server has stopped (acknowledged = stored = audited);
* **first load of the cockpit** in Chromium (logged in, empty cache): from navigation until the key figures
  are on screen and the network is idle; median of ``--page-runs`` fresh browser contexts;
* **built JS** — bytes and gzip bytes of ``src/chainbrain/api/static/assets/*.js``.

    .venv/bin/python bench/bench_api.py --clients 50 --rounds 20 --pairs 3 --readers 40 --writers 10 --seconds 30
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request, Response

from chainbrain.api.accounts import create_user
from chainbrain.api.app import static_dir
from chainbrain.store import connect

OUT = Path(__file__).resolve().parent / "out"
USER, PASSWORD = "bench", "cockpit-load-2026"
FIRM_USER, FIRM = "bench-firm", "changan"  # the writers of the mixed run: an enterprise user posting needs
RANKING = "/api/v1/resilience/ranking"
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
    create_user(conn, FIRM_USER, PASSWORD, "enterprise", enterprise_id=FIRM)
    conn.close()
    return path


def floor_app() -> FastAPI:
    """The floor: a bare FastAPI app answering each cockpit path with the JSON the real app gave for it.

    ``/{path}``: the answer as a dict, serialised by FastAPI as a plain route does; ``/bytes/{path}``: the
    answer's encoded bytes in a ``Response`` (what a cache hit of the app returns, with no auth, no store).
    """
    payloads = json.loads(Path(os.environ["BENCH_FLOOR_PAYLOADS"]).read_text(encoding="utf-8"))
    encoded = {
        k: json.dumps(v, ensure_ascii=False, separators=(",", ":")).encode() for k, v in payloads.items()
    }
    app = FastAPI()

    def key(request: Request, strip: str = "") -> str:
        q = request.url.query
        return request.url.path.removeprefix(strip) + ("?" + q if q else "")

    @app.get("/bytes/{path:path}")
    async def floor_bytes(path: str, request: Request) -> Response:
        return Response(encoded[key(request, "/bytes")], media_type="application/json")

    @app.get("/{path:path}")
    async def floor(path: str, request: Request) -> Any:
        return payloads[key(request)]

    return app


def start_server(db: Path, app: str = "chainbrain.api:create_app", env: dict[str, str] | None = None,
                 ready: str = "/api/v1/auth/session") -> tuple[subprocess.Popen, str]:  # fmt: skip
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "uvicorn", app, "--factory", "--host", "127.0.0.1",
           "--port", str(port), "--log-level", "warning", "--app-dir", str(Path(__file__).resolve().parent)]  # fmt: skip
    proc = subprocess.Popen(cmd, env={**os.environ, "CHAINBRAIN_DB": str(db), **(env or {})})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600  # a loaded machine starts slowly; only a broken server takes this long
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + ready, timeout=30).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("the server did not start within 600 s")


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q / 100 * len(s) + 0.5) - 1))]


def client_run(
    url: str,
    token: str,
    rounds: int,
    out: list[float],
    errors: list[str],
    start: threading.Barrier,
    prefix: str = "",
) -> None:
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=600) as c:
        start.wait()
        for _ in range(rounds):
            for path in COCKPIT:
                t = time.perf_counter()
                r = c.get(prefix + path)
                out.append(time.perf_counter() - t)
                if r.status_code != 200:
                    errors.append(f"{r.status_code} {path}")


def load(
    url: str, token: str, clients: int, rounds: int, prefix: str = ""
) -> tuple[list[float], list[str], float]:
    lat: list[float] = []
    errors: list[str] = []
    barrier = threading.Barrier(clients)
    threads = [
        threading.Thread(target=client_run, args=(url, token, rounds, lat, errors, barrier, prefix))
        for _ in range(clients)
    ]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return lat, errors, time.perf_counter() - t0


def throughput(url: str, token: str, clients: int, rounds: int, prefix: str = "") -> tuple[float, float, int]:
    """Requests per second, p95 (s) and errors of one load run."""
    lat, errors, wall = load(url, token, clients, rounds, prefix)
    return len(lat) / wall, pct(lat, 95), len(errors)


def login(url: str, user: str) -> str:
    r = httpx.post(url + "/api/v1/auth/login", json={"username": user, "password": PASSWORD}, timeout=120)
    r.raise_for_status()
    return str(r.json()["access_token"])


class Mixed:
    """One timed run: readers on the cockpit routes and the ranking, and (optionally) writers posting needs."""

    def __init__(self) -> None:
        self.reads: list[float] = []
        self.ranking_reads = 0
        self.server_errors: list[str] = []
        self.other_errors: list[str] = []
        self.acknowledged: list[str] = []
        self.write_lat: list[float] = []
        self.lock = threading.Lock()

    def reader(self, url: str, token: str, until: float, start: threading.Barrier) -> None:
        paths = [*COCKPIT, RANKING]
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=600) as c:
            start.wait()
            i = 0
            while time.monotonic() < until:
                path = paths[i % len(paths)]
                i += 1
                t = time.perf_counter()
                r = c.get(path)
                dt = time.perf_counter() - t
                with self.lock:
                    self.reads.append(dt)
                    self.ranking_reads += path == RANKING
                    self._check(r, 200, path)

    def writer(self, url: str, token: str, until: float, start: threading.Barrier, n: int) -> None:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=600) as c:
            start.wait()
            i = 0
            while time.monotonic() < until:
                i += 1
                body = {"buyer_id": FIRM, "segment_id": "adas", "title": f"压测需求 {n}-{i}",
                        "spec": "前向激光雷达", "annual_volume": 1000, "delivery_district": "500105"}  # fmt: skip
                t = time.perf_counter()
                r = c.post("/api/v1/needs", json=body)
                with self.lock:
                    self.write_lat.append(time.perf_counter() - t)
                    if self._check(r, 201, "POST /needs"):
                        self.acknowledged.append(r.json()["id"])

    def _check(self, r: httpx.Response, want: int, what: str) -> bool:
        if r.status_code >= 500:
            self.server_errors.append(f"{r.status_code} {what}")
        elif r.status_code != want:
            self.other_errors.append(f"{r.status_code} {what}")
        return r.status_code == want


def mixed(url: str, readers: int, writers: int, seconds: float) -> tuple[Mixed, float]:
    run = Mixed()
    read_token, firm_token = login(url, USER), login(url, FIRM_USER)
    barrier = threading.Barrier(readers + writers + 1)
    until_box: list[float] = []
    threads = [threading.Thread(target=lambda: run.reader(url, read_token, until_box[0], barrier))
               for _ in range(readers)]  # fmt: skip
    threads += [threading.Thread(target=lambda n=n: run.writer(url, firm_token, until_box[0], barrier, n))
                for n in range(writers)]  # fmt: skip
    until_box.append(time.monotonic() + seconds + 1.0)
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return run, time.perf_counter() - t0


def stored_and_audited(db: Path, ids: list[str]) -> tuple[int, int]:
    """How many of the acknowledged need ids the store holds, and how many the audit log records."""
    conn = connect(db, read_only=True)
    try:
        stored = conn.execute("SELECT count(*) FROM need WHERE id IN (SELECT unnest(?::VARCHAR[]))", [ids])
        n_stored = int(stored.fetchone()[0])  # type: ignore[index]
        targets = [f"need:{i}" for i in ids]
        audited = conn.execute(
            "SELECT count(DISTINCT target) FROM audit_log WHERE action = 'need.create'"
            " AND target IN (SELECT unnest(?::VARCHAR[]))",
            [targets],
        )
        return n_stored, int(audited.fetchone()[0])  # type: ignore[index]
    finally:
        conn.close()


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
    ap.add_argument("--pairs", type=int, default=3, help="interleaved load runs of the floor and of the app")
    ap.add_argument("--readers", type=int, default=40)
    ap.add_argument("--writers", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=30.0, help="length of each mixed-run phase")
    args = ap.parse_args()

    db = build_store()
    proc, url = start_server(db)
    floor_proc: subprocess.Popen | None = None
    acknowledged: list[str] = []
    try:
        token = login(url, USER)
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

        # the floor: the same answers from a bare FastAPI route, same uvicorn, same load generator
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=600) as c:
            payloads = {p: c.get(p).json() for p in COCKPIT}
        payload_file = OUT / "bench_api_floor.json"
        payload_file.write_text(json.dumps(payloads, ensure_ascii=False), encoding="utf-8")
        floor_proc, floor_url = start_server(db, "bench_api:floor_app", {"BENCH_FLOOR_PAYLOADS": str(payload_file)},
                                             ready=COCKPIT[0])  # fmt: skip
        ratios: list[float] = []
        ratios_bytes: list[float] = []
        print(f"floor vs app, {args.clients} clients x {args.rounds} cockpit loads, interleaved:")
        for i in range(args.pairs):
            f_rps, f_p95, f_err = throughput(floor_url, token, args.clients, args.rounds)
            b_rps, b_p95, b_err = throughput(floor_url, token, args.clients, args.rounds, "/bytes")
            a_rps, a_p95, a_err = throughput(url, token, args.clients, args.rounds)
            ratios.append(a_rps / f_rps)
            ratios_bytes.append(a_rps / b_rps)
            print(f"  round {i + 1}: floor {f_rps:.0f} req/s p95 {f_p95 * 1e3:.0f} ms (errors {f_err})"
                  f" | floor, bytes {b_rps:.0f} req/s p95 {b_p95 * 1e3:.0f} ms (errors {b_err})"
                  f" | app {a_rps:.0f} req/s p95 {a_p95 * 1e3:.0f} ms (errors {a_err})"
                  f" | app / floor {a_rps / f_rps:.2f}, app / bytes floor {a_rps / b_rps:.2f}")  # fmt: skip
        for name, r in (("floor", ratios), ("bytes floor", ratios_bytes)):
            print(f"app / {name} throughput: median {statistics.median(r):.2f} (min {min(r):.2f},"
                  f" max {max(r):.2f}) over {args.pairs} rounds")  # fmt: skip
        floor_proc.terminate()
        floor_proc.wait(timeout=60)
        floor_proc = None

        # mixed read + write against the read-only run, same server, same readers
        ro, ro_wall = mixed(url, args.readers, 0, args.seconds)
        mx, mx_wall = mixed(url, args.readers, args.writers, args.seconds)
        acknowledged = mx.acknowledged
        for name, r, wall in (("read-only", ro, ro_wall), ("read+write", mx, mx_wall)):
            print(f"{name:10}: {args.readers} readers{f' + {args.writers} writers' if r is mx else ''}, {wall:.0f} s:"
                  f" reads n={len(r.reads)} p50 {pct(r.reads, 50) * 1e3:.0f} ms p95 {pct(r.reads, 95) * 1e3:.0f} ms"
                  f" ({len(r.reads) / wall:.0f} reads/s, ranking {r.ranking_reads / wall:.0f}/s)"
                  f" 5xx {len(r.server_errors)} other errors {len(r.other_errors)}")  # fmt: skip
        if mx.write_lat:
            print(f"writes    : {len(mx.acknowledged)} needs acknowledged (201), {len(mx.write_lat) / mx_wall:.0f}/s,"
                  f" p95 {pct(mx.write_lat, 95) * 1e3:.0f} ms")  # fmt: skip
        print(f"reads p95 read+write / read-only: {pct(mx.reads, 95) / pct(ro.reads, 95):.2f}x")
        errs = sorted(set(ro.server_errors + mx.server_errors + ro.other_errors + mx.other_errors))
        if errs:
            print("  errors seen:", ", ".join(errs[:10]))
    finally:
        if floor_proc is not None:
            floor_proc.terminate()
            floor_proc.wait(timeout=60)
        proc.terminate()
        proc.wait(timeout=120)
    try:
        if acknowledged:
            stored, audited = stored_and_audited(db, acknowledged)
            lost = len(acknowledged) - min(stored, audited)
            print(
                f"acknowledged {len(acknowledged)} = stored {stored} = audited {audited}: {lost} writes lost"
            )
    finally:
        for p in (db, Path(str(db) + ".wal")):
            p.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
