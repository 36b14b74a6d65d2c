"""The firms, brands and research bodies the seeds name (``firms.json``), as enterprise and site rows.

Enterprises are ``verified``: the seed document and clause that name them are their source, and ``note``
says which further facts (registered district, listing, …) are public knowledge rather than seed text.
Credit codes are left empty: none is copied from memory. A site is ``verified`` only where a seed names
it (a plant, project or R&D centre); its district is the seed's only where ``placed`` is set (长安数智工厂,
渝北区), otherwise the source says the district is approximate. Other sites are ``illustrative``.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from importlib import resources
from typing import Any

from chainbrain.data.sources import DOCUMENTS, cite

SITE_SOURCE = "示意：厂址按公开资料近似，非种子文件内容"
APPROX_DISTRICT = "（项目见种子文件；所在区县按公开资料近似）"
PLACE_AS_OF = dt.date(2024, 12, 31)


@cache
def _data() -> dict[str, Any]:
    return json.loads((resources.files(__package__) / "firms.json").read_text(encoding="utf-8"))


def places() -> dict[str, tuple[float, float]]:
    """Approximate lon/lat of the districts outside Chongqing that the demo uses (city-level)."""
    return {k: (v[0], v[1]) for k, v in _data()["places"].items()}


def named_firm_ids() -> set[str]:
    return {f["id"] for f in _data()["firms"]}


def firm_rows(units: dict[str, str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(enterprise rows, site rows) for the named firms; site lon/lat are filled in by the caller."""
    firms, sites = [], []
    for f in _data()["firms"]:
        doc = DOCUMENTS[f["doc"]]
        firms.append(
            {
                "id": f["id"],
                "credit_code": None,
                "name": f["name"],
                "short_name": f["short"],
                "district_code": f["district"],
                "roles": f["roles"],
                "labels": f["labels"],
                "main_segment_id": f["segment"],
                "revenue": None,
                "employees": None,
                "founded": None,
                "note": f.get("note"),
                "source": cite(f["doc"], f["clause"]),
                "as_of": doc.issued,
                "status": "verified",
            }
        )
        for s in f["sites"]:
            seg = s["segment"]
            verified = "doc" in s
            sites.append(
                {
                    "id": s["id"],
                    "enterprise_id": f["id"],
                    "name": s["name"],
                    "district_code": s["district"],
                    "park": s.get("park"),
                    "segment_id": seg,
                    "capacity": s.get("capacity"),
                    "capacity_unit": units[seg] if s.get("capacity") is not None else None,
                    "source": (
                        cite(s["doc"], s["clause"]) + ("" if s.get("placed") else APPROX_DISTRICT)
                        if verified
                        else SITE_SOURCE
                    ),
                    "as_of": DOCUMENTS[s["doc"]].issued if verified else PLACE_AS_OF,
                    "status": "verified" if verified else "illustrative",
                }
            )
    return firms, sites
