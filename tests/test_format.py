"""The display rules (plans' units, whole counts, ranges, place names), worked by hand, checked in both
implementations: ``chainbrain.units`` (CLI, reports) and ``frontend/src/format.ts`` (the dashboard, run in
Node after esbuild strips its types)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from chainbrain import units

ROOT = Path(__file__).resolve().parents[1]
ESBUILD = ROOT / "frontend" / "node_modules" / ".bin" / "esbuild"

#: (function, arguments, expected) — each expected text worked out by hand
CASES: list[tuple[str, list, str]] = [
    # battery capacity: 1 亿瓦时 = 1e8 Wh = 1e5 kWh; 1 GWh = 1e6 kWh
    ("qty", [80_000_000, "kWh"], "800 亿瓦时（80 GWh）"),
    ("qty", [140_000_000, "kWh"], "1,400 亿瓦时（140 GWh）"),
    ("qty", [8_400_000, "kWh"], "84 亿瓦时（8.4 GWh）"),
    ("qty", [64_000, "kWh"], "64,000 kWh"),
    # counts are whole numbers, half away from zero
    ("qty", [14_279.75, "辆"], "1.43 万辆"),
    ("qty", [9_279.5, "辆"], "9,280 辆"),
    ("qty", [592.5, "家"], "593 家"),
    ("qty", [592.49, "家"], "592 家"),
    ("qty", [3, "座"], "3 座"),
    ("qty", [1_234_567, "套"], "123.46 万套"),
    ("qty", [2_500, "套"], "2,500 套"),
    # money and shares
    ("qty", [21_706_000_000, "元"], "217.06 亿元"),
    ("qty", [0.1193, "比例"], "11.9%"),
    ("qty", [47.8, "%"], "47.8%"),
    ("qty", [9983, "万元"], "9,983 万元"),
    ("qty", [1.005, "吨"], "1.01 吨"),  # half away from zero on the shortest decimal (1.005), not on binary
    ("qty", [25.8, "万个"], "25.8 万个"),
    ("qty", [None, "家"], "—"),
    ("qty", [12.345, None], "12.35"),
    ("count", [14_279.75], "14,280"),
    ("count", [-2.5], "-3"),
    ("share", [0.03], "3%"),
    ("share", [0.0323], "3.2%"),
    ("share", [0.7], "70%"),
    ("days", [74.73], "74.7 天"),
    ("days", [0], "0 天"),
    ("fixed", [1234.5], "1,234.5"),
    ("fixed", [0.004], "0"),
    # the plans' ranges: 集聚企业3-5家; 打造1—2家全球一流企业
    ("range", [3, 5, "家"], "3–5 家"),
    ("range", [1, 2, "家"], "1–2 家"),
    ("range", [3, None, "家"], "3 家"),
    ("range", [40, 40, "%"], "40%"),
    ("range", [35, 40, "%"], "35–40%"),
]
PY = {"qty": units.qty, "count": units.count, "share": units.share, "days": units.days,
      "fixed": units.fixed, "range": units.value_range}  # fmt: skip


@pytest.mark.parametrize("fn,args,want", CASES)
def test_python_rules(fn: str, args: list, want: str) -> None:
    assert PY[fn](*args) == want


PLACES = [
    ({"id": "500120", "name": "璧山区", "province": "重庆市", "city": None}, "璧山区"),
    ({"id": "320214", "name": "新吴区", "province": "江苏省", "city": "无锡市"}, "无锡市新吴区"),
    ({"id": "310114", "name": "嘉定区", "province": "上海市", "city": None}, "上海市嘉定区"),
]


@pytest.mark.parametrize("place,want", PLACES)
def test_python_place_names(place: dict, want: str) -> None:
    assert units.place_name(place["id"], place["name"], place["province"], place["city"]) == want


def test_typescript_rules_match(tmp_path: Path) -> None:
    if not ESBUILD.exists() or shutil.which("node") is None:
        pytest.skip("frontend/node_modules or node is absent: run `make setup`")
    out = tmp_path / "format.mjs"
    subprocess.run(
        [str(ESBUILD), str(ROOT / "frontend" / "src" / "format.ts"), "--format=esm", f"--outfile={out}"],
        check=True,
        capture_output=True,
    )
    script = (
        f"import * as f from {json.dumps(out.as_uri())};"
        f"const cases = {json.dumps([[c[0], c[1]] for c in CASES])};"
        f"const places = {json.dumps([p for p, _ in PLACES])};"
        "console.log(JSON.stringify({cases: cases.map(([fn, a]) => f[fn](...a)),"
        " places: places.map((p) => f.placeName(p))}));"
    )
    got = json.loads(
        subprocess.run(
            ["node", "--input-type=module", "-e", script], check=True, capture_output=True, text=True
        ).stdout  # fmt: skip
    )
    assert got["cases"] == [c[2] for c in CASES]
    assert got["places"] == [want for _, want in PLACES]
