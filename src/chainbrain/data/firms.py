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

from chainbrain.data.provenance import quoted, unsupported_fields, unverified_note
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


CAPACITY_UNCITED = "（产能未经核实：引文未载，按公开资料近似）"


def _capacity_note(site: dict[str, Any]) -> str:
    """The note for a verified site whose capacity the quoted clause does not state."""
    cap = site.get("capacity")
    if cap is None:
        return ""
    text = quoted(site["doc"], site["clause"])
    wan = cap / 1e4
    shown = {f"{cap:g}", f"{wan:g}万"}
    return "" if any(x in text for x in shown) else CAPACITY_UNCITED


SEGMENT_UNCITED = "（环节未经核实：引文未载，为 chainbrain 所定）"
PARK_UNCITED = "（园区未经核实：引文未载，按公开资料近似）"


def _site_field_notes(site: dict[str, Any], segment_names: dict[str, str]) -> str:
    """The notes for a verified site whose segment or park the quoted clause does not name."""
    text = quoted(site["doc"], site["clause"])
    out = ""
    if segment_names.get(site["segment"], site["segment"]) not in text:
        out += SEGMENT_UNCITED
    if site.get("park") and site["park"] not in text:
        out += PARK_UNCITED
    return out


def firm_rows(
    units: dict[str, str],
    segment_names: dict[str, str] | None = None,
    district_names: dict[str, str] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(enterprise rows, site rows) for the named firms; site lon/lat are filled in by the caller.

    With ``segment_names`` and ``district_names`` (id → Chinese name) each firm's note lists the shown fields
    its cited clause does not contain (:mod:`chainbrain.data.provenance`), and a verified site whose capacity
    the clause does not state — or whose segment or park it does not name — says so in its source.
    """
    firms, sites = [], []
    for f in _data()["firms"]:
        doc = DOCUMENTS[f["doc"]]
        note = f.get("note")
        if segment_names is not None and district_names is not None:
            extra = unverified_note(unsupported_fields(f, segment_names, district_names))
            note = "；".join(x for x in (note, extra) if x) or None
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
                "note": note,
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
                        cite(s["doc"], s["clause"])
                        + ("" if s.get("placed") else APPROX_DISTRICT)
                        + (
                            _capacity_note(s) + _site_field_notes(s, segment_names)
                            if segment_names is not None
                            else ""
                        )
                        if verified
                        else SITE_SOURCE
                    ),
                    "as_of": DOCUMENTS[s["doc"]].issued if verified else PLACE_AS_OF,
                    "status": "verified" if verified else "illustrative",
                }
            )
    return firms, sites
