"""Benchmark: every dashboard page's first load in Chromium, on the demo store right after start-up.

Builds the demo store in ``bench/out/bench_pages.duckdb``, starts the real server (uvicorn, one process),
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

import httpx

from chainbrain.api.accounts import create_user
from chainbrain.store import connect

OUT = Path(__file__).resolve().parent / "out"
USER, PASSWORD = "bench", "pages-pass-2026"
CHROMIUM = os.environ.get("CHAINBRAIN_CHROMIUM", "/usr/bin/chromium")
PAGES = ["cockpit", "chain", "map", "enterprises", "enterprises/changan", "local-rate", "targets", "invest",
         "cultivate", "match", "resilience", "infra", "imports"]  # fmt: skip
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

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "bench_pages.duckdb"
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


def measure(url: str) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"]  # fmt: skip
    out: dict[str, float] = {}
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=args)
        for page_path in PAGES:
            ctx = b.new_context(viewport={"width": 1366, "height": 768})
            page = ctx.new_page()
            r = page.request.post(url + "/api/v1/auth/login", data={"username": USER, "password": PASSWORD})
            assert r.ok, r.text()
            t = time.perf_counter()
            page.goto(f"{url}/#/{page_path}")
            if page_path in READY:
                page.wait_for_selector(READY[page_path], timeout=120_000)
            page.wait_for_load_state("networkidle", timeout=120_000)
            out[page_path] = time.perf_counter() - t
            ctx.close()
        b.close()
    return out


def main() -> None:
    argparse.ArgumentParser(description=__doc__).parse_args()
    db = build_store()
    passes = []
    for _ in range(2):
        proc, url = start_server(db)
        try:
            passes.append(measure(url))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print("| page | first load after start-up (s) | after a restart (s) |")
    print("|---|---:|---:|")
    for p in PAGES:
        print(f"| {p} | {passes[0][p]:.2f} | {passes[1][p]:.2f} |")


if __name__ == "__main__":
    main()
