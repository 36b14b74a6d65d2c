"""Benchmark: every dashboard page's first load in Chromium, on the demo store right after start-up.

Builds the demo store in ``bench/out/bench_pages.duckdb`` as ``chainbrain init --demo`` does (the resilience
sweep computed and persisted), starts the real server (uvicorn, one process),
logs in over the API, then for each page opens a fresh browser context and measures from navigation until
the network is idle (Playwright's ``networkidle``: no request for 500 ms — those 500 ms are included).
Each page is visited once in that order, so every visit is the page's first after start-up and the server
caches hold only what earlier pages computed. Then the server is restarted over the same file and the
pages are measured again: the persisted resilience sweep (``store/sweeps.py``) is what the second pass
can reuse; the in-memory caches are gone.

    .venv/bin/python bench/bench_pages.py
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from chainbrain.api.accounts import create_user
from chainbrain.store import connect

OUT = Path(__file__).resolve().parent / "out"
USER, PASSWORD = "bench", "pages-pass-2026"
CHROMIUM = os.environ.get("CHAINBRAIN_CHROMIUM", "/usr/bin/chromium")
#: the bench logs in as an admin so that the admin pages load too (the analyst sees every other page alike)
ROLE = "admin"
PAGES = ["cockpit", "screen", "chain", "map", "enterprises", "enterprises/changan", "local-rate", "targets",
         "invest", "cultivate", "match", "resilience", "events", "infra", "battery", "imports", "admin/users",
         "admin/audit"]  # fmt: skip
#: page → a selector that shows its data is on screen (besides network idle)
READY = {
    "cockpit": "[data-test=fig-local-rate]",
    "enterprises": "[data-test=enterprise-table] .el-table__row",
    "enterprises/changan": "[data-test=profile-name]",
    "targets": "[data-test=targets-table] .el-table__row",
    "resilience": "[data-test=ranking-table] .el-table__row",
}


def build_store() -> Path:
    from chainbrain.data import load_demo
    from chainbrain.monitor.demo import load_demo_monitor
    from chainbrain.monitor.registry import list_targets
    from chainbrain.resilience.dbnet import stored_sweep

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "bench_pages.duckdb"
    for p in (path, Path(str(path) + ".wal")):
        p.unlink(missing_ok=True)
    conn = connect(path)
    load_demo(conn)
    if not list_targets(conn):
        load_demo_monitor(conn)
    stored_sweep(
        conn
    )  # as ``init --demo`` does: the resilience sweep is in the store before the server starts
    create_user(conn, USER, PASSWORD, ROLE)
    conn.close()
    return path


def start_server(db: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "uvicorn", "chainbrain.api:create_app", "--factory", "--host", "127.0.0.1",
           "--port", str(port), "--log-level", "warning"]  # fmt: skip
    # as ``chainbrain serve`` runs it: the slow first-visit results are warmed on start-up (api/warm.py)
    proc = subprocess.Popen(cmd, env={**os.environ, "CHAINBRAIN_DB": str(db), "CHAINBRAIN_WARM_CACHES": "1"})
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


def measure(url: str, slow: dict[str, list[tuple[float, str]]]) -> dict[str, float]:
    """Each page's first load (s); ``slow`` gets each page's API requests, slowest first (s, path)."""
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"]  # fmt: skip
    out: dict[str, float] = {}
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=args)
        for page_path in PAGES:
            ctx = b.new_context(viewport={"width": 1366, "height": 768})
            page = ctx.new_page()
            reqs: list[tuple[float, str]] = []

            def done(req: Any, reqs: list[tuple[float, str]] = reqs) -> None:
                if "/api/" in req.url:
                    t = req.timing  # ms from the request's start; responseEnd is when its body arrived
                    reqs.append((t["responseEnd"] / 1000, req.url.split("/api/v1", 1)[-1]))

            page.on("requestfinished", done)
            r = page.request.post(url + "/api/v1/auth/login", data={"username": USER, "password": PASSWORD})
            assert r.ok, r.text()
            t = time.perf_counter()
            page.goto(f"{url}/#/{page_path}")
            if page_path in READY:
                page.wait_for_selector(READY[page_path], timeout=120_000)
            page.wait_for_load_state("networkidle", timeout=120_000)
            out[page_path] = time.perf_counter() - t
            slow[page_path] = sorted(reqs, reverse=True)
            ctx.close()
        b.close()
    return out


def main() -> None:
    argparse.ArgumentParser(description=__doc__).parse_args()
    db = build_store()
    passes = []
    slow: list[dict[str, list[tuple[float, str]]]] = []
    for _ in range(2):
        proc, url = start_server(db)
        try:
            slow.append({})
            passes.append(measure(url, slow[-1]))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print("| page | first load after start-up (s) | after a restart (s) | slowest request, first pass (s) |")
    print("|---|---:|---:|---|")
    for p in PAGES:
        top = slow[0][p][0] if slow[0][p] else None
        req = f"{top[1]} {top[0]:.2f}" if top else "—"
        print(f"| {p} | {passes[0][p]:.2f} | {passes[1][p]:.2f} | {req} |")


if __name__ == "__main__":
    main()
