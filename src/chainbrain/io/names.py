"""Names a person writes for what a row refers to — a district, a segment, a firm, a plant, a car model —
resolved to the ids the store keys them by.

A reference cell may hold the id itself or a name:

- district: 渝北区 (the name; 重庆市's district is meant when several share it — the cluster's own city),
  渝北 (the name without 区/县), 浙江省宁波市江北区 or 宁波市江北区 (qualified by province and/or city), or
  the 6-digit code;
- segment: the Chinese name (电池包, case-insensitive for MCU / OTA) or the id;
- firm: the full name, the short name (简称) or the id;
- plant (site): its name (within the row's firm when the row names one) or its id; a blank plant with a
  firm that has exactly one plant means that plant;
- car model: its name (within the row's OEM when given) or its id.

Text written like an id (ASCII without spaces) that matches no name is passed on as an id: the
foreign-key check then says that no record has it.

Names are looked up among the store's records and the rows of the same workbook read before (a firm on the
企业 sheet, its plant on the 场所 sheet), so a new firm and its links import in one file. An unknown or
ambiguous name is a :class:`NameProblem` (zh-CN), with candidates when some come close.

A row whose id is left blank (:data:`chainbrain.io.fields.AUTO_ID`) is matched to the stored record with
the same names (a firm by full name, a plant by firm and name, …) and otherwise gets a new id derived from
those names, so importing the same file twice updates rather than duplicates.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import duckdb

from chainbrain.chain.boundary import in_city
from chainbrain.io.cells import CellError
from chainbrain.store.records import fetch_dicts

#: candidates listed in an error message
MAX_CANDIDATES = 8
_SUFFIXES = ("土家族苗族自治县", "苗族土家族自治县", "土家族自治县", "自治县", "新区", "区", "县", "市")


class NameProblem(CellError):
    """A name that matches nothing, or more than one record (the message names the candidates)."""


def _fold(text: str) -> str:
    return text.strip().lower().replace(" ", "").replace("\u3000", "")


def _strip_suffix(name: str) -> str:
    for s in _SUFFIXES:
        if name.endswith(s) and len(name) > len(s) + 1:
            return name[: -len(s)]
    return name


def _id_like(text: str) -> bool:
    """Text that is written as an id (ASCII without spaces: 500112, battery.pack, E0001), not a name."""
    return text.isascii() and text.isprintable() and " " not in text


def _listing(labels: Iterable[str]) -> str:
    items = list(dict.fromkeys(labels))
    shown = "、".join(items[:MAX_CANDIDATES])
    return shown + (f" 等 {len(items)} 个" if len(items) > MAX_CANDIDATES else "")


@dataclass
class _Index:
    """Records of one kind: id → label, and folded name → ids."""

    what: str  # 区县, 环节, 企业, …
    labels: dict[str, str] = field(default_factory=dict)
    by_name: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, id_: str, label: str, names: Iterable[str | None]) -> None:
        self.labels[id_] = label
        for n in names:
            if n:
                self.by_name[_fold(n)].add(id_)

    def close(self, text: str) -> list[str]:
        """Labels of records whose names contain the text or are contained in it."""
        t = _fold(text)
        if not t:
            return []
        hits = [
            i for name, ids in self.by_name.items() if t in name or (len(name) > 1 and name in t) for i in ids
        ]
        return [self.labels[i] for i in sorted(set(hits))]


class Names:
    """What names mean in one import: the store's records and the rows of the workbook added so far."""

    def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
        self.conn = conn
        self._home: set[str] = set()
        self.firm_names: dict[str, str] = {}  # full name (folded) → id, for blank ids
        self.firm_forms: dict[str, tuple[str, str | None]] = {}  # id → (full name, short name)
        self.site_firm: dict[str, str] = {}
        self.sites_of: dict[str, list[str]] = defaultdict(list)
        self.model_oem: dict[str, str] = {}

    # each kind is read from the store when first needed: a file of firms never loads the links
    @cached_property
    def districts(self) -> _Index:
        self.__dict__["districts"] = _Index("区县")
        for d in fetch_dicts(self.conn, "SELECT id, name, province, city FROM district ORDER BY id"):
            self.add_district(d)
        return self.__dict__["districts"]

    @cached_property
    def segments(self) -> _Index:
        self.__dict__["segments"] = _Index("环节")
        for s in fetch_dicts(self.conn, "SELECT id, name_zh FROM segment ORDER BY id"):
            self.add_segment(s)
        return self.__dict__["segments"]

    @cached_property
    def firms(self) -> _Index:
        self.__dict__["firms"] = _Index("企业")
        for e in fetch_dicts(self.conn, "SELECT id, name, short_name FROM enterprise ORDER BY id"):
            self.add_firm(e)
        return self.__dict__["firms"]

    @cached_property
    def sites(self) -> _Index:
        self.__dict__["sites"] = _Index("场所")
        for s in fetch_dicts(self.conn, "SELECT id, name, enterprise_id FROM site ORDER BY id"):
            self.add_site(s)
        return self.__dict__["sites"]

    @cached_property
    def models(self) -> _Index:
        self.__dict__["models"] = _Index("车型")
        for m in fetch_dicts(self.conn, "SELECT id, name, oem_id FROM vehicle_model ORDER BY id"):
            self.add_model(m)
        return self.__dict__["models"]

    @cached_property
    def keys(self) -> dict[tuple[str, tuple[Any, ...]], str]:
        """(table, natural key) → stored id, for BOM lines and links with a blank id."""
        keys: dict[tuple[str, tuple[Any, ...]], str] = {}
        for r in fetch_dicts(self.conn, "SELECT id, model_id, segment_id FROM bom_line"):
            keys[("bom_lines", (r["model_id"], r["segment_id"]))] = r["id"]
        sql = "SELECT id, buyer_site_id, supplier_site_id, segment_id FROM supply_link"
        for r in fetch_dicts(self.conn, sql):
            keys[("supply_links", (r["buyer_site_id"], r["supplier_site_id"], r["segment_id"]))] = r["id"]
        return keys

    # -- adding records (the store's, then the workbook's rows as they are read) ------------------------

    def add_district(self, d: dict[str, Any]) -> None:
        code, name, province, city = d["id"], d["name"], d.get("province") or "", d.get("city") or ""
        home = in_city(code)
        if home:
            self._home.add(code)
        label = f"{name}（{code}）" if home else f"{province}{city}{name}（{code}）"
        self.districts.add(code, label, [name, _strip_suffix(name), province + city + name, city + name,
                                         province + name])  # fmt: skip

    def district_label(self, code: str) -> str:
        """The drop-down text for a district: its name in the home city, else qualified."""
        label = self.districts.labels[code]
        return label.rsplit("（", 1)[0]

    def add_segment(self, s: dict[str, Any]) -> None:
        self.segments.add(s["id"], f"{s.get('name_zh') or s['id']}", [s.get("name_zh")])

    def add_firm(self, e: dict[str, Any]) -> None:
        short = e.get("short_name")
        label = f"{short}（{e['name']}）" if short else e["name"]
        self.firms.add(e["id"], label, [e["name"], short])
        self.firm_forms[e["id"]] = (e["name"], short)
        self.firm_names[_fold(e["name"])] = e["id"]

    def add_site(self, s: dict[str, Any]) -> None:
        self.sites.add(s["id"], s["name"], [s["name"]])
        firm = s.get("enterprise_id")
        if firm:
            old = self.site_firm.get(s["id"])
            if old is not None and s["id"] in self.sites_of[old]:
                self.sites_of[old].remove(s["id"])
            self.site_firm[s["id"]] = firm
            self.sites_of[firm].append(s["id"])

    def add_model(self, m: dict[str, Any]) -> None:
        self.models.add(m["id"], m["name"], [m["name"]])
        if m.get("oem_id"):
            self.model_oem[m["id"]] = m["oem_id"]

    def add_rows(self, table: str, rows: Iterable[dict[str, Any]]) -> None:
        """Rows of the workbook (after their checks): later sheets may name them."""
        add = {
            "districts": self.add_district,
            "segments": self.add_segment,
            "enterprises": self.add_firm,
            "sites": self.add_site,
            "vehicle_models": self.add_model,
        }.get(table)
        for r in rows:
            if add is not None and r.get("id"):
                add(r)
            if table == "bom_lines" and r.get("id"):
                self.keys[("bom_lines", (r.get("model_id"), r.get("segment_id")))] = r["id"]
            if table == "supply_links" and r.get("id"):
                key = (r.get("buyer_site_id"), r.get("supplier_site_id"), r.get("segment_id"))
                self.keys[("supply_links", key)] = r["id"]

    # -- resolving ----------------------------------------------------------------------------------

    def _one(self, index: _Index, text: str, among: set[str] | None = None, hint: str = "") -> str:
        """The id ``text`` means in ``index`` (optionally only ``among`` these ids)."""
        t = text.strip()
        if t in index.labels and (among is None or t in among):
            return t
        ids = set(index.by_name.get(_fold(t), set()))
        if among is not None:
            ids &= among
        if len(ids) == 1:
            return next(iter(ids))
        if len(ids) > 1:
            labels = _listing(index.labels[i] for i in sorted(ids))
            raise NameProblem(f"{index.what}“{t}”不唯一，有 {len(ids)} 个：{labels}；请填写全称或编号")
        if _id_like(t):
            return t  # an id that is not stored: the foreign-key check names it, as for any id
        close = index.close(t)
        if among is not None:
            close = [index.labels[i] for i in sorted(among)] or close
        more = f"；相近的有：{_listing(close)}" if close else ""
        raise NameProblem(f"没有名为“{t}”的{index.what}{hint}{more}")

    def district(self, text: str) -> str:
        t = text.strip()
        self.districts  # noqa: B018 - loads the home city's codes too
        if t in self.districts.labels:
            return t
        ids = self.districts.by_name.get(_fold(t), set())
        home = ids & self._home
        if len(ids) > 1 and len(home) == 1:
            return next(iter(home))  # 江北区 is 重庆市江北区 here; 宁波市江北区 must be written so
        return self._one(self.districts, t, hint="（重庆市外的区县请写全称，如 四川省宜宾市翠屏区）")

    def segment(self, text: str) -> str:
        return self._one(self.segments, text, hint="（请写产业链环节的中文名称，如 电池包）")

    def firm(self, text: str) -> str:
        return self._one(self.firms, text, hint="（数据库和本工作簿的“企业”表中都没有）")

    def site(self, text: str | None, firm: str | None) -> str:
        """The plant ``text`` names (within ``firm`` when given); with no text, the firm's only plant."""
        self.sites  # noqa: B018 - loads which firm has which plants
        if firm is not None:
            own = set(self.sites_of.get(firm, []))
            firm_label = self.firms.labels.get(firm, firm)
            if not text:
                if len(own) == 1:
                    return next(iter(own))
                if not own:
                    raise NameProblem(f"企业“{firm_label}”还没有场所：请先在“场所”表中填写它的工厂")
                names = _listing(self.sites.labels[i] for i in sorted(own))
                raise NameProblem(f"企业“{firm_label}”有 {len(own)} 个场所，请填写其中一个：{names}")
            t = text.strip()
            anywhere = ({t} & set(self.sites.labels)) | self.sites.by_name.get(_fold(t), set())
            if anywhere and not anywhere & own:
                raise NameProblem(f"场所“{t}”不属于企业“{firm_label}”")
            return self._one(self.sites, text, among=own, hint=f"（企业“{firm_label}”的场所中）")
        if not text:
            raise NameProblem("请填写场所名称，或填写企业（该企业只有一个场所时）")
        return self._one(self.sites, text, hint="（数据库和本工作簿的“场所”表中都没有）")

    def model(self, text: str, oem: str | None) -> str:
        self.models  # noqa: B018 - loads which OEM makes which model
        own = {m for m, o in self.model_oem.items() if o == oem} if oem is not None else None
        return self._one(self.models, text, among=own or None)

    def choices(self) -> dict[str, list[str]]:
        """What a template's drop-downs offer, each a name this resolver accepts: districts of the home
        city by name then the others qualified (四川省宜宾市翠屏区), segments by Chinese name, firms by
        short name (full name when the short one is missing or shared), plants and car models by name."""

        def unique(index: _Index, name: str | None) -> bool:
            return bool(name) and len(index.by_name.get(_fold(name or ""), ())) == 1

        self.districts, self.firms, self.sites, self.models  # noqa: B018
        home = sorted(self._home)
        others = sorted(set(self.districts.labels) - self._home)
        districts = [self.district_label(c) for c in home] + [self.district_label(c) for c in others]
        firms = [
            short if short and unique(self.firms, short) else full for full, short in self.firm_forms.values()
        ]
        return {
            "district": list(dict.fromkeys(districts)),
            "segment": [self.segments.labels[i] for i in sorted(self.segments.labels)],
            "firm": sorted(set(firms)),
            "site": sorted(set(self.sites.labels.values())),
            "model": sorted(set(self.models.labels.values())),
        }

    def stored_firm_by_name(self, name: str) -> str | None:
        self.firms  # noqa: B018
        return self.firm_names.get(_fold(name))

    def stored_site(self, firm: str, name: str) -> str | None:
        self.sites  # noqa: B018
        for s in self.sites_of.get(firm, []):
            if _fold(self.sites.labels[s]) == _fold(name):
                return s
        return None

    def stored_model(self, oem: str, name: str) -> str | None:
        self.models  # noqa: B018
        for m, o in self.model_oem.items():
            if o == oem and _fold(self.models.labels[m]) == _fold(name):
                return m
        return None


def new_id(prefix: str, *parts: Any) -> str:
    """A stable id for a new record from its names: the same names give the same id."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:12]
    return f"{prefix}-{digest}"
