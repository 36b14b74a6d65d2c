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

``--baseline-src DIR`` runs another commit's code beside this tree's, interleaved in the same run
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


def run(argv: list[str], src: Path | None = None) -> tuple[float, int]:
    """Wall-clock seconds and peak RSS (KiB) of one child process; fails loudly on a non-zero exit.

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
    return seconds, usage.ru_maxrss


def timing(db: Path, rounds: int, baseline: Path | None) -> None:
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
        plan += [
            (f"baseline {name}", argv, baseline) for name, argv in cases.items() if argv[0] == CHAINBRAIN
        ]
    for _, argv, src in plan:  # warm the page cache and the bytecode
        run(argv, src)
    times: dict[str, list[float]] = {name: [] for name, _, _ in plan}
    for _ in range(rounds):
        for name, argv, src in plan:
            times[name].append(run(argv, src)[0])
    base = statistics.median(next(iter(times.values())))
    print(f"whole-process time, median of {rounds} interleaved rounds")
    print(f"{'case':<42} {'median s':>9} {'min s':>7} {'× floor':>8}")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"{name:<42} {med:9.3f} {min(ts):7.3f} {med / base:8.2f}")


def memory(firms: int, baseline: Path | None) -> None:
    print("peak resident set size (os.wait4 ru_maxrss), each in a fresh store")
    for label, src in [("this tree", None)] + ([("baseline", baseline)] if baseline is not None else []):
        with tempfile.TemporaryDirectory() as tmp:
            demo = Path(tmp) / "demo.duckdb"
            synth = Path(tmp) / "synth.duckdb"
            s1, rss1 = run([CHAINBRAIN, "--db", str(demo), "init", "--demo"], src)
            s2, rss2 = run(
                [CHAINBRAIN, "--db", str(synth), "synth", "--firms", str(firms), "--seed", "42"], src
            )
        print(f"  {label:<10} init --demo              {rss1 / 1024:8.1f} MiB  {s1:6.1f} s")
        print(f"  {label:<10} synth --firms {firms:<10} {rss2 / 1024:8.1f} MiB  {s2:6.1f} s")


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
    ap.add_argument("--no-pyc", action="store_true", help="no bytecode cache: compile every module each run")
    args = ap.parse_args()
    pycache = tempfile.TemporaryDirectory()
    ENV.update({"PYTHONDONTWRITEBYTECODE": "1"} if args.no_pyc else {"PYTHONPYCACHEPREFIX": pycache.name})
    if args.rounds > 0:
        if args.db is not None:
            timing(args.db, args.rounds, args.baseline_src)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                db = Path(tmp) / "demo.duckdb"
                run([CHAINBRAIN, "--db", str(db), "init", "--demo"])
                timing(db, args.rounds, args.baseline_src)
    if args.memory:
        memory(args.firms, args.baseline_src)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
