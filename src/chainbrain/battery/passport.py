"""A battery's record as a battery-passport JSON in the *shape* of DIN DKE SPEC 99100 and the Battery Pass
consortium's data model (attribute groups GeneralProductInformation, MaterialComposition,
PerformanceAndDurability, Circularity): static data (fixed when the battery is made) apart from dynamic data
(what happens to it), each attribute in one access group — ``public``, ``authorised`` (persons with a
legitimate interest: repairers, cascade users, recyclers) or ``authority`` (market surveillance, the
Commission, here also the Chinese traceability regulator). A lower audience never sees a higher group's
values; the keys it may not see are listed under ``withheld``.

This is a shape for answering buyers from the same store, not a validated passport: attributes the store
does not hold (mass, carbon footprint, recycled content, due diligence …) are absent, not invented.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

import duckdb

from chainbrain.battery import codes, ledger
from chainbrain.battery.duties import check_reports

Audience = Literal["public", "authorised", "authority"]
AUDIENCES: tuple[Audience, ...] = ("public", "authorised", "authority")
_RANK = {a: i for i, a in enumerate(AUDIENCES)}
SHAPE = "DIN DKE SPEC 99100 / Battery Pass data model — shape only, not a validated passport"

#: lifecycle event → BatteryPass batteryStatus
_STATUS = {"cascade_made": "Repurposed"} | {
    e: "Waste" for e in ("retired", "dismantled", "collected_in", "collected_out", "recycler_in", "recycled")
}
CHEMISTRY_EN = {"A": "NiMH", "B": "LFP", "C": "LMO", "D": "LCO", "E": "NCM/NCA (ternary)", "F": "supercapacitor",
                "G": "LTO", "Z": "other"}  # fmt: skip


class PassportError(LookupError):
    """No such battery in the store (zh-CN)."""


@dataclass(frozen=True)
class Passport:
    identifier: str
    audience: Audience
    static: dict[str, dict[str, Any]]
    dynamic: dict[str, dict[str, Any]]
    access: dict[str, Audience]
    withheld: list[str] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "shape": SHAPE,
            "batteryPassportIdentifier": self.identifier,
            "audience": self.audience,
            "static": self.static,
            "dynamic": self.dynamic,
            "accessGroups": self.access,
            "withheld": self.withheld,
            "provenance": self.provenance,
        }


def battery_status(events: list[ledger.BatteryEvent]) -> str:
    """BatteryPass status from the latest status-changing event (``Original`` when none)."""
    status = "Original"
    for e in sorted(events, key=lambda x: x.date):
        status = _STATUS.get(e.event, status)
    return status


def passport(
    conn: duckdb.DuckDBPyConnection, code: str, audience: Audience = "public", as_of: dt.date | None = None
) -> Passport:
    """The passport of ``code`` as ``audience`` may see it."""
    unit = ledger.unit(conn, code)
    if unit is None:
        raise PassportError(f"电池编码 {code} 不在库中")
    parsed = codes.parse(code)
    makers = ledger.makers(conn)
    maker = makers.get(str(parsed.manufacturer))
    evs = ledger.events(conn, [code])
    parents = ledger.ancestors(conn, code)
    kids = ledger.children(conn, code)
    vin = next((u.vin for u in (unit, *parents) if u.vin), None)
    installed = next((e.date for e in evs if e.event == "installed"), None)
    produced = next((e for e in evs if e.event == "produced"), None)
    entries: list[tuple[str, str, str, Audience, Any]] = [
        ("static", "generalProductInformation", "productIdentifier", "public", code),
        ("static", "generalProductInformation", "batteryCategory", "public", "ev"),
        ("static", "generalProductInformation", "productType", "public", unit.kind),
        ("static", "generalProductInformation", "manufacturerInformation", "public",
         {"identifier": unit.maker_id, "contactName": maker.name if maker else None,
          "manufacturerCode": parsed.manufacturer}),
        ("static", "generalProductInformation", "manufacturingDate", "public",
         unit.produced.isoformat() if unit.produced else None),
        ("static", "generalProductInformation", "manufacturingPlace", "authorised",
         {"site": produced.site, "districtCode": produced.district_code} if produced else None),
        ("static", "materialComposition", "batteryChemistry", "public",
         {"code": parsed.battery_type, "name": CHEMISTRY_EN.get(str(parsed.battery_type))}),
        ("static", "performanceAndDurability", "ratedEnergy", "public",
         {"value": unit.capacity_kwh, "unit": "kWh"} if unit.capacity_kwh is not None else None),
        ("static", "composition", "parents", "authorised", [p.code for p in parents]),
        ("static", "composition", "children", "authorised", [{"code": k.code, "kind": k.kind} for k in kids]),
        ("dynamic", "generalProductInformation", "batteryStatus", "public", battery_status(evs)),
        ("dynamic", "generalProductInformation", "puttingIntoService", "authorised",
         installed.isoformat() if installed else None),
        ("dynamic", "circularity", "lifecycleEvents", "authorised",
         [{"event": e.event, "date": e.date.isoformat(), "actor": e.actor_id, "role": e.actor_role} for e in evs]),
        ("dynamic", "vehicle", "vin", "authority", vin),
        ("dynamic", "circularity", "eventSites", "authority",
         [{"eventId": e.id, "site": e.site, "districtCode": e.district_code, "ref": e.ref} for e in evs]),
        ("dynamic", "compliance", "reportChecks", "authority",
         [{"eventId": r.event_id, "article": r.article, "state": r.state,
           "deadline": r.deadline.isoformat() if r.deadline else None}
          for r in check_reports(conn, as_of or dt.date.today(), codes=[code])]),
    ]  # fmt: skip
    static: dict[str, dict[str, Any]] = {}
    dynamic: dict[str, dict[str, Any]] = {}
    access: dict[str, Audience] = {}
    withheld: list[str] = []
    for part, group, key, level, value in entries:
        path = f"{part}.{group}.{key}"
        access[path] = level
        if _RANK[level] > _RANK[audience]:
            withheld.append(path)
            continue
        (static if part == "static" else dynamic).setdefault(group, {})[key] = value
    ident = "urn:gbt34014:" + code.lower()
    prov = {
        "status": unit.status,
        "source": unit.source,
        "as_of": unit.as_of.isoformat() if unit.as_of else None,
    }
    return Passport(ident, audience, static, dynamic, access, withheld, prov)
