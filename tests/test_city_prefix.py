""" "Local" is defined once: 重庆市's district-code prefix is written only in chainbrain.chain.boundary."""

from __future__ import annotations

import re
from pathlib import Path

import chainbrain
from chainbrain.chain.boundary import CITY_PREFIX, in_city, in_city_sql, parse_boundary
from chainbrain.store import memory

SRC = Path(chainbrain.__file__).parent
#: where "50" is something else than the definition of local: the table of every province of the synthetic
#: generator (code, name, centre); and, still to be moved to chain.boundary by their owners, the resilience
#: actions, the battery recycling picture's default and the event linker's short district names
ALLOWED = {
    "chain/boundary.py",
    "synth/geo.py",
    "resilience/actions.py",
    "battery/recycling.py",
    "events/link.py",
}
PREFIX = re.compile(r"""['"]50%?['"]|LIKE\s+'50|startswith\(\s*['"]50""")


def test_the_prefix_is_written_in_one_place() -> None:
    hits = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel in ALLOWED:
            continue
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if PREFIX.search(line):
                hits.append(f"{rel}:{no}: {line.strip()}")
    assert not hits, "\n".join(hits)
    assert PREFIX.search("d.id LIKE '50%'") and PREFIX.search('code.startswith("50")')


def test_city_helpers_agree_with_the_city_boundary() -> None:
    city = parse_boundary("city")
    conn = memory()
    codes = ["500112", "510104", "150102", "5", None]
    for code in codes:
        got = conn.execute(f"SELECT {in_city_sql('c')} FROM (SELECT ?::VARCHAR AS c)", [code]).fetchone()
        assert got is not None
        if code is None:
            assert got[0] is None and not in_city(code)
            continue
        assert got[0] == in_city(code) == city.contains_code(code) == code.startswith(CITY_PREFIX)
    assert [c for c in codes if in_city(c)] == ["500112"]
    conn.close()
