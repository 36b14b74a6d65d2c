"""Benchmark: the ``chainbrain`` command's whole-process time against a bare DuckDB floor, and peak memory.

Times, interleaved in one run (each round runs every case once, in turn), the whole process of:

* ``floor``: ``python -c "import duckdb"`` that opens the same store and counts a table — the least any
  command that reads the store can cost;
* ``chainbrain --db DB chain local-rate --by oem --json``, ``chainbrain --db DB stats`` and
  ``chainbrain --help``;

and prints each case's median and its ratio to the floor's median. Children cache their bytecode in a
private directory, as an installed package has its ``.pyc`` files; ``--no-pyc`` compiles every module in
every process instead (an environment with ``PYTHONDONTWRITEBYTECODE=1`` and no ``.pyc``). With ``--memory`` it also records the
peak resident set size of ``chainbrain init --demo`` and ``chainbrain synth --firms N`` (each in a fresh
store, measured per child with ``os.wait4``).

    .venv/bin/python bench/bench_cli.py --rounds 15
    .venv/bin/python bench/bench_cli.py --rounds 0 --memory --firms 100000

``--baseline-src DIR`` runs another commit's code beside this tree's, interleaved in the same run, on a demo
store of its own (built by that code: a store this tree migrated may be newer than it knows)
(``mkdir -p /tmp/base && git archive main src | tar -x -C /tmp/base`` then ``--baseline-src /tmp/base/src``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
CHAINBRAIN = str(BIN / "chainbrain")
#: children's environment: bytecode cached in a private directory (as an installed package has its .pyc),
#: or, with --no-pyc, every module compiled from source in every process
ENV: dict[str, str] = {}


def run(argv: list[str], src: Path | None = None) -> tuple[float, float, int]:
    """Wall-clock seconds, CPU seconds (user + system) and peak RSS (KiB) of one child process; fails loudly
    on a non-zero exit.

    ``src``: run the chainbrain found there (a ``git archive`` of another commit's ``src``) instead.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | ENV
    if src is not None:
        env["PYTHONPATH"] = str(src)
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}: {err}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def timing(db: Path, rounds: int, baseline: Path | None, baseline_db: Path | None = None) -> None:
    """Interleaved whole-process times; the baseline's cases read ``baseline_db`` (its own schema) if given."""
    floor = (
        "import duckdb; c = duckdb.connect(" + repr(str(db)) + "); "
        "assert c.execute('SELECT count(*) FROM supply_link').fetchone()[0] > 0"
    )
    cases = {
        "floor: python -c 'import duckdb; count'": [sys.executable, "-c", floor],
        "chain local-rate --by oem --json": [
            CHAINBRAIN,
            "--db",
            str(db),
            "chain",
            "local-rate",
            "--by",
            "oem",
            "--json",
        ],
        "stats": [CHAINBRAIN, "--db", str(db), "stats"],
        "--help": [CHAINBRAIN, "--help"],
    }
    plan = [(name, argv, None) for name, argv in cases.items()]
    if baseline is not None:
        other = str(baseline_db if baseline_db is not None else db)
        plan += [
            (f"baseline {name}", [other if a == str(db) else a for a in argv], baseline)
            for name, argv in cases.items()
            if argv[0] == CHAINBRAIN
        ]
    for _, argv, src in plan:  # warm the page cache and the bytecode
        run(argv, src)
    wall: dict[str, list[float]] = {name: [] for name, _, _ in plan}
    cpu: dict[str, list[float]] = {name: [] for name, _, _ in plan}
    for _ in range(rounds):
        for name, argv, src in plan:
            w, c, _ = run(argv, src)
            wall[name].append(w)
            cpu[name].append(c)
    floor = next(iter(wall))
    bw, bc = statistics.median(wall[floor]), statistics.median(cpu[floor])
    print(f"whole process, median of {rounds} interleaved rounds (CPU = user + system of the child)")
    print("| case | wall s | wall × floor | CPU s | CPU × floor |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name in wall:
        w, c = statistics.median(wall[name]), statistics.median(cpu[name])
        print(f"| {name} | {w:.3f} | {w / bw:.2f} | {c:.3f} | {c / bc:.2f} |")


#: where a command's time goes beyond the floor: each line adds one import to the one before
BREAKDOWN = (
    ("python -c pass", "pass"),
    ("import duckdb", "import duckdb"),
    ("+ typer", "import duckdb, typer"),
    (
        "+ pydantic TypeAdapter (typer 0.29 builds one per option)",
        "import duckdb, typer, pydantic; pydantic.TypeAdapter(int).validate_python(1)",
    ),
    (
        "+ rich.console",
        "import duckdb, typer, pydantic, rich.console; pydantic.TypeAdapter(int).validate_python(1)",
    ),
    (
        "+ chainbrain.cli",
        "import duckdb, typer, pydantic, chainbrain.cli; pydantic.TypeAdapter(int).validate_python(1)",
    ),
    (
        "+ chainbrain.settings (read for --boundary)",
        "import duckdb, typer, pydantic, chainbrain.cli, chainbrain.settings; "
        "pydantic.TypeAdapter(int).validate_python(1)",
    ),
)


def breakdown(rounds: int) -> None:
    cpu: dict[str, list[float]] = {label: [] for label, _ in BREAKDOWN}
    for _, code in BREAKDOWN:  # warm the bytecode cache
        run([sys.executable, "-c", code])
    for _ in range(rounds):
        for label, code in BREAKDOWN:
            cpu[label].append(run([sys.executable, "-c", code])[1])
    print(f"import cost, CPU seconds (user + system), median of {rounds} interleaved rounds")
    print("| process | CPU s |")
    print("| --- | ---: |")
    for label, ts in cpu.items():
        print(f"| {label} | {statistics.median(ts):.3f} |")


def memory(firms: int, baseline: Path | None, rounds: int = 3) -> None:
    """Peak RSS of ``init --demo`` and ``synth --firms N``, each in a fresh store, interleaved, medians."""
    trees = [("this tree", None)] + ([("baseline", baseline)] if baseline is not None else [])
    cases = {"init --demo": ["init", "--demo"], f"synth --firms {firms}": ["synth", "--firms", str(firms)]}
    rss: dict[tuple[str, str], list[int]] = {(t, c): [] for t, _ in trees for c in cases}
    secs: dict[tuple[str, str], list[float]] = {k: [] for k in rss}
    for _ in range(rounds):
        for case, argv in cases.items():
            for label, src in trees:
                with tempfile.TemporaryDirectory() as tmp:
                    w, _, kib = run([CHAINBRAIN, "--db", str(Path(tmp) / "s.duckdb"), *argv], src)
                rss[label, case].append(kib)
                secs[label, case].append(w)
    print(f"peak resident set size (os.wait4 ru_maxrss), each in a fresh store, median of {rounds}")
    print("| command | tree | peak RSS MiB | wall s |")
    print("| --- | --- | ---: | ---: |")
    for (label, case), kibs in rss.items():
        mib = statistics.median(kibs) / 1024
        print(f"| {case} | {label} | {mib:.1f} | {statistics.median(secs[label, case]):.1f} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="store to read (default: a fresh init --demo in a temp dir)")
    ap.add_argument("--rounds", type=int, default=15, help="interleaved timing rounds (0: skip timing)")
    ap.add_argument("--memory", action="store_true", help="also record init --demo / synth peak RSS")
    ap.add_argument("--firms", type=int, default=100_000, help="firms for the synth memory case")
    ap.add_argument(
        "--baseline-src",
        type=Path,
        help="also run another commit's chainbrain, interleaved: a directory from git archive REF src",
    )
    ap.add_argument("--breakdown", action="store_true", help="also time the imports a command pays for")
    ap.add_argument("--no-pyc", action="store_true", help="no bytecode cache: compile every module each run")
    args = ap.parse_args()
    pycache = tempfile.TemporaryDirectory()
    # an empty cache prefix: --no-pyc also ignores any __pycache__ beside the sources
    ENV.update(
        {"PYTHONPYCACHEPREFIX": pycache.name} | ({"PYTHONDONTWRITEBYTECODE": "1"} if args.no_pyc else {})
    )
    if args.rounds > 0:
        with tempfile.TemporaryDirectory() as tmp:
            db = args.db
            if db is None:
                db = Path(tmp) / "demo.duckdb"
                run([CHAINBRAIN, "--db", str(db), "init", "--demo"])
            base_db = None
            if args.baseline_src is not None:
                # the other commit's own store: a store migrated by this tree may be newer than it knows
                base_db = Path(tmp) / "baseline.duckdb"
                run([CHAINBRAIN, "--db", str(base_db), "init", "--demo"], args.baseline_src)
            timing(db, args.rounds, args.baseline_src, base_db)
    if args.breakdown:
        breakdown(max(args.rounds, 5))
    if args.memory:
        memory(args.firms, args.baseline_src)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
