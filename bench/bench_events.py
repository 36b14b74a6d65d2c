"""Benchmark: event linking throughput (ours vs the jieba-only baseline, in the same run) and the exposure
of one event on the demo store.

Linking:
- demo: the dictionary of the demo store (``init --demo``), the 118 evaluation lines repeated;
- synthetic: the demo dictionary plus 100,000 synthetic firms (legal name 重庆{2 chars}{2 chars}{industry}
  有限公司 and short name {2 chars}{2 chars}{industry}), and lines of which half name a synthetic firm.
Each linker links the same lines; the runs alternate (ours, baseline, ours, baseline, …) and the best of
``--repeat`` is kept, so a busy machine slows both alike. Dictionary build times are printed apart.

Exposure: a fire at one supplier (catl, two sites) and a flood over 渝北区 (every site there), timed with the
network already built (as the API caches it) and with the build.

Run:  .venv/bin/python bench/bench_events.py [--repeat 3] [--copies 20] [--synthetic 100000]
Needs a demo store: it builds one in a temp directory (takes ~20 s). Nothing else is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

from chainbrain.events.exposure import event_exposure
from chainbrain.events.ingest import EventIn, add_events
from chainbrain.events.link import Dictionary, Entry, JiebaBaseline, Linker, build_dictionary
from chainbrain.events.linkeval import eval_lines
from chainbrain.resilience.dbnet import network_from_store
from chainbrain.store import connect

CHARS = "安邦宝昌辰诚达鼎东锋福港海航和恒宏华汇佳嘉建金锦京精凯康科力利隆龙民明南鹏齐启庆瑞睿润森晟盛泰腾天通万旺威伟新鑫兴旭亚扬耀一亿益英永友宇远云泽兆振正志智中众卓"
INDUSTRY = ["汽车部件", "电子", "新材料", "精密机械", "电池", "模具", "智能科技", "动力", "热能", "传感"]


def synthetic_names(n: int, seed: int = 7) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out: set[tuple[str, str]] = set()
    while len(out) < n:
        core = "".join(rng.choice(CHARS) for _ in range(4))
        ind = rng.choice(INDUSTRY)
        out.add((f"重庆{core}{ind}有限公司", f"{core}{ind}"))
    return sorted(out)


def add_synthetic(d: Dictionary, names: list[tuple[str, str]]) -> None:
    for i, (name, short) in enumerate(names):
        eid = f"syn{i:06d}"
        d.names[("firm", eid)] = name
        d.add(name, Entry("firm", eid, "name"))
        d.add(short, Entry("firm", eid, "short"))


def throughput(fn, lines: list[str], repeat: int, other, other_lines: list[str]) -> tuple[float, float]:
    """Best lines/s of ``fn`` and of ``other`` over ``repeat`` alternating runs."""
    best_a = best_b = 0.0
    for _ in range(repeat):
        for f, ls, which in ((fn, lines, "a"), (other, other_lines, "b")):
            t = time.perf_counter()
            for ln in ls:
                f(ln)
            rate = len(ls) / (time.perf_counter() - t)
            if which == "a":
                best_a = max(best_a, rate)
            else:
                best_b = max(best_b, rate)
    return best_a, best_b


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--copies", type=int, default=20)
    ap.add_argument("--synthetic", type=int, default=100_000)
    args = ap.parse_args()

    from chainbrain.data import load_demo

    tmp = Path(tempfile.mkdtemp(prefix="cb-bench-events-"))
    conn = connect(tmp / "demo.duckdb")
    load_demo(conn)

    base_lines = [ln.text for ln in eval_lines()]
    lines = base_lines * args.copies
    t = time.perf_counter()
    d = build_dictionary(conn)
    build_ours = time.perf_counter() - t
    ours = Linker(d)
    t = time.perf_counter()
    jb = JiebaBaseline(d)
    build_jieba = time.perf_counter() - t
    a, b = throughput(ours.link, lines, args.repeat, jb.link, lines)
    print(
        f"demo dictionary ({len(d.entries):,} surfaces): build ours {build_ours:.2f} s, jieba {build_jieba:.2f} s"
    )
    print(
        f"  linking {len(lines):,} lines: ours {a:,.0f} lines/s, jieba baseline {b:,.0f} lines/s, ratio {a / b:.2f}"
    )

    names = synthetic_names(args.synthetic)
    rng = random.Random(11)
    syn_lines = [
        f"{rng.choice(names)[rng.randrange(2)]}{rng.choice(['工厂火灾，停产三天', '宣布扩产', '因限电减产', '破产清算'])}"
        for _ in range(len(base_lines) * args.copies // 2)
    ] + base_lines * (args.copies // 2)
    t = time.perf_counter()
    d2 = build_dictionary(conn)
    add_synthetic(d2, names)
    build_ours = time.perf_counter() - t
    ours2 = Linker(d2)
    t = time.perf_counter()
    jb2 = JiebaBaseline(d2)
    build_jieba = time.perf_counter() - t
    a, b = throughput(ours2.link, syn_lines, args.repeat, jb2.link, syn_lines)
    print(
        f"synthetic dictionary (+{args.synthetic:,} firms, {len(d2.entries):,} surfaces): "
        f"build ours {build_ours:.2f} s, jieba {build_jieba:.2f} s"
    )
    print(
        f"  linking {len(syn_lines):,} lines: ours {a:,.0f} lines/s, jieba baseline {b:,.0f} lines/s, ratio {a / b:.2f}"
    )

    for text in ("宁德时代宜宾基地火灾，停产四十天", "渝北区暴雨内涝，多家工厂停产五天"):
        [ev] = add_events(conn, [EventIn(text, "bench", dt.datetime(2026, 7, 1))])
        t = time.perf_counter()
        net = network_from_store(conn)
        build = time.perf_counter() - t
        best = float("inf")
        for _ in range(args.repeat):
            t = time.perf_counter()
            x = event_exposure(conn, ev.event_id, net=net)
            best = min(best, time.perf_counter() - t)
        print(
            f"exposure of {text!r}: {len(x.sites)} sites, {len(x.plants)} plants short — "
            f"{best:.2f} s with the network built, + {build:.2f} s to build it"
        )
    conn.close()


if __name__ == "__main__":
    main()
