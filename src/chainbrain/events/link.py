"""Chinese entity linking: which firms, districts / townships and chain segments a news line names.

The dictionary is built from the store: every firm's legal name, short name, site names and vehicle
brands; the editable alias table ``entity_alias`` (migration 011; English names such as CATL, old names);
district names (full, and the short form without 区/县 for the city's own districts); townships
(``data/events/townships.csv`` with short forms, and the full names of the ``township`` registry when the
store has one); segment names and the synonyms in ``data/events/link_rules.json``.

Matching is a greedy leftmost-longest scan: at each position the longest dictionary surface starting there
wins and the scan jumps past it, so 西安长安区 is a district, not 长安 (the firm), and 中国大陆 — a *stop
surface* that links to nothing — hides 大陆 (the firm). Surfaces are looked up by their first two characters
in a hash table of the lengths present, so a scan costs O(text length × distinct lengths), whatever the
dictionary size. Latin letters match case-insensitively and only as whole words (CATL, not xCATLy).

Disambiguation rules (documented in docs/events.md):

- a surface is *ambiguous* when it is also a common Chinese word: listed as ambiguous in the rules or in
  the alias table, or a short name / brand of at most two characters whose frequency in jieba's general
  dictionary is at least ``ambiguous_min_freq`` (理想, 吉利, 大陆 …), unless listed as unambiguous;
- an ambiguous mention is linked only when a firm suffix or a model code follows it at once (长安汽车,
  大陆集团, 深蓝S7 — score 0.8), or when the line has an industry context word (停产, 供应商, 芯片 …) and the mention is neither
  preceded by a qualifier (很, 最, 中国 …) nor followed by a place or adjective ending (的, 街, 区 … —
  score 0.6);
- one district name shared by several districts (长安区 in 西安 and in 石家庄) is resolved by the city
  name just before it, else left unlinked (it still hides the firm).

Scores: legal name 1.0, site name 0.95, short name and alias 0.9, brand 0.85, ambiguous as above.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import duckdb

from chainbrain.store.records import fetch_dicts

SCORES = {"name": 1.0, "site": 0.95, "short": 0.9, "alias": 0.9, "brand": 0.85}
AMBIGUOUS_SUFFIX_SCORE = 0.8
AMBIGUOUS_CONTEXT_SCORE = 0.6
CITY_DISTRICT_PREFIX = "50"  # the city's own districts also match by their short form (渝北 → 渝北区)


@dataclass(frozen=True)
class FirmLink:
    enterprise_id: str
    name: str
    mention: str
    score: float
    start: int
    end: int


@dataclass(frozen=True)
class DistrictLink:
    code: str
    name: str
    mention: str
    start: int
    end: int
    township: str | None = None


@dataclass(frozen=True)
class SegmentLink:
    segment_id: str
    name: str
    mention: str
    start: int
    end: int


@dataclass(frozen=True)
class SiteLink:
    """A site of a linked firm the text names by a word of the site's own name (宜宾 → 四川时代宜宾基地)."""

    site_id: str
    enterprise_id: str
    name: str
    mention: str
    start: int
    end: int


@dataclass
class LinkResult:
    """The links of one text; ``links`` holds each firm once (its best-scoring mention)."""

    text: str
    links: list[FirmLink] = field(default_factory=list)
    sites: list[SiteLink] = field(default_factory=list)
    districts: list[DistrictLink] = field(default_factory=list)
    segments: list[SegmentLink] = field(default_factory=list)
    spans: list[tuple[int, int, str, str]] = field(default_factory=list)  # (start, end, kind, target)


@dataclass(frozen=True)
class Entry:
    """One surface form: kind is firm / district / township / segment / stop."""

    kind: str
    target: str  # enterprise id, district code (several, comma-separated, when shared), segment id
    source: str  # name / site / short / alias / brand (firms); full / short (districts)
    ambiguous: bool = False
    city: str = ""  # prefecture of a district, for shared names
    site: str = ""  # the site a site-name surface names


@cache
def rules() -> dict[str, Any]:
    path = resources.files("chainbrain.data") / "events" / "link_rules.json"
    return dict(json.loads(path.read_text(encoding="utf-8")))


def bundled_townships() -> list[tuple[str, str]]:
    path = resources.files("chainbrain.data") / "events" / "townships.csv"
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return [(a, b) for a, b in (ln.split(",") for ln in lines if ln.strip())]


def _norm_char(c: str) -> str:
    n = unicodedata.normalize("NFKC", c)
    return (n if len(n) == 1 else c).lower()


def normalise(text: str) -> str:
    """Character-wise NFKC and lower case: the same length as ``text``, so offsets carry over."""
    return "".join(_norm_char(c) for c in text)


def _latin(c: str) -> bool:
    return c.isascii() and c.isalnum()


def _common_word(word: str, threshold: int) -> bool:
    import jieba

    jieba.initialize()
    return len(word) <= 2 and (jieba.dt.FREQ.get(word) or 0) >= threshold


class Dictionary:
    """Surface forms → entries, with a first-two-characters index of the lengths present."""

    def __init__(self) -> None:
        self.entries: dict[str, list[Entry]] = defaultdict(list)
        self.names: dict[tuple[str, str], str] = {}  # (kind, target) → display name
        # firm → (site id, site name, distinctive words of the site's name)
        self.sites: dict[str, list[tuple[str, str, list[str]]]] = {}
        self._lengths: dict[str, set[int]] = defaultdict(set)
        self._sorted: dict[str, list[int]] = {}

    def add(self, surface: str, entry: Entry) -> None:
        key = normalise(surface.strip())
        if len(key) < 2 or entry in self.entries[key]:
            return
        self.entries[key].append(entry)
        self._lengths[key[:2]].add(len(key))
        self._sorted.pop(key[:2], None)

    def lengths(self, prefix: str) -> list[int]:
        got = self._sorted.get(prefix)
        if got is None:
            got = sorted(self._lengths.get(prefix, ()), reverse=True)
            self._sorted[prefix] = got
        return got

    def firm_surfaces(self) -> list[str]:
        return [s for s, es in self.entries.items() if any(e.kind == "firm" for e in es)]


def build_dictionary(conn: duckdb.DuckDBPyConnection) -> Dictionary:
    """The linking dictionary of the store's firms, sites, brands, aliases, districts and segments."""
    r = rules()
    threshold = int(r["ambiguous_min_freq"])
    listed_ambiguous, unambiguous = set(r["ambiguous"]), set(r["unambiguous"])
    d = Dictionary()

    def firm(surface: str | None, eid: str, source: str, flagged: bool = False, site: str = "") -> None:
        if not surface:
            return
        s = surface.strip()
        amb = (flagged or s in listed_ambiguous or (source != "name" and _common_word(s, threshold))) and (
            s not in unambiguous
        )
        d.add(s, Entry("firm", eid, source, amb, site=site))

    for e in fetch_dicts(conn, "SELECT id, name, short_name FROM enterprise ORDER BY id"):
        d.names[("firm", e["id"])] = e["name"]
        firm(e["name"], e["id"], "name")
        firm(e["short_name"], e["id"], "short")
    site_rows = fetch_dicts(conn, "SELECT id, enterprise_id, name FROM site ORDER BY id")
    for s in site_rows:
        firm(s["name"], s["enterprise_id"], "site", site=s["id"])
    for b in fetch_dicts(conn, "SELECT DISTINCT oem_id, brand FROM vehicle_model WHERE brand IS NOT NULL"):
        firm(b["brand"], b["oem_id"], "brand")
    for a in fetch_dicts(
        conn,
        "SELECT a.alias, a.enterprise_id, a.ambiguous FROM entity_alias a"
        " JOIN enterprise e ON e.id = a.enterprise_id ORDER BY a.alias",
    ):
        firm(a["alias"], a["enterprise_id"], "alias", bool(a["ambiguous"]))

    by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in fetch_dicts(conn, "SELECT id, name, city FROM district ORDER BY id"):
        by_name[row["name"]].append(row)
        d.names[("district", row["id"])] = row["name"]
    for name, rows in by_name.items():
        for row in rows:
            d.add(name, Entry("district", row["id"], "full", city=(row["city"] or "").removesuffix("市")))
            short = re.sub(r"(土家族苗族自治县|苗族土家族自治县|土家族自治县|自治县|区|县)$", "", name)
            if row["id"].startswith(CITY_DISTRICT_PREFIX) and len(short) >= 2 and short != name:
                d.add(short, Entry("district", row["id"], "short", _common_word(short, threshold)))
    for tname, code in bundled_townships():
        d.add(tname, Entry("township", code, tname))
        d.add(re.sub(r"(街道|镇|乡)$", "", tname), Entry("township", code, tname, True))
    has_townships = conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'township'"
    ).fetchone()
    if has_townships and has_townships[0]:  # the township registry (migration 012): full names only
        for t in fetch_dicts(conn, "SELECT name, district_code FROM township ORDER BY id"):
            d.add(t["name"], Entry("township", t["district_code"], t["name"]))
    for seg in fetch_dicts(conn, "SELECT id, name_zh FROM segment ORDER BY id"):
        d.names[("segment", seg["id"])] = seg["name_zh"]
        d.add(seg["name_zh"], Entry("segment", seg["id"], "name"))
    for word, sid in r["segment_synonyms"].items():
        if ("segment", sid) in d.names:
            d.add(word, Entry("segment", sid, "synonym"))
    for word in r["stop_surfaces"]:
        d.add(word, Entry("stop", "", "stop"))
    _site_words(d, site_rows, r["site_generic"])
    return d


def _site_words(d: Dictionary, site_rows: list[dict[str, Any]], generic: list[str]) -> None:
    """Distinctive words of each site's name: jieba words of the name (brackets dropped) that are not
    generic (基地, 工厂 …), not part of a surface of the same firm, and not in another site of the firm."""
    import jieba

    firm_surfaces: dict[str, list[str]] = defaultdict(list)
    for surface, entries in d.entries.items():
        for e in entries:
            if e.kind == "firm" and e.source != "site":
                firm_surfaces[e.target].append(surface)
    by_firm: dict[str, list[tuple[str, str, set[str]]]] = defaultdict(list)
    for s in site_rows:
        name = normalise(re.sub(r"[（(][^）)]*[）)]", "", s["name"]))
        surfaces = firm_surfaces.get(s["enterprise_id"], [])
        words = {
            w
            for w in jieba.lcut(name, HMM=False)
            if len(w) >= 2 and w not in generic and not any(w in f for f in surfaces)
        }
        by_firm[s["enterprise_id"]].append((s["id"], s["name"], words))
    for eid, rows in by_firm.items():
        if len(rows) < 2:
            continue  # a firm with one site needs no choice
        counts: dict[str, int] = defaultdict(int)
        for _, _, words in rows:
            for w in words:
                counts[w] += 1
        d.sites[eid] = [(sid, name, sorted(w for w in words if counts[w] == 1)) for sid, name, words in rows]


class Linker:
    """Links texts against one dictionary (build once, link many)."""

    def __init__(self, dictionary: Dictionary) -> None:
        self.d = dictionary
        r = rules()
        self.suffixes = [normalise(s) for s in r["suffixes"]]
        self.context = [normalise(s) for s in r["context"]]
        self.not_before = [normalise(s) for s in r["not_before"]]
        self.not_after = [normalise(s) for s in r["not_after"]]

    @classmethod
    def from_store(cls, conn: duckdb.DuckDBPyConnection) -> Linker:
        return cls(build_dictionary(conn))

    def _scan(self, norm: str) -> list[tuple[int, int, list[Entry]]]:
        out = []
        i, n = 0, len(norm)
        while i < n - 1:
            hit = None
            for length in self.d.lengths(norm[i : i + 2]):
                if i + length > n:
                    continue
                got = self.d.entries.get(norm[i : i + length])
                if got is None:
                    continue
                if _latin(norm[i]) and (
                    (i > 0 and _latin(norm[i - 1])) or (i + length < n and _latin(norm[i + length]))
                ):
                    continue
                hit = (i, i + length, got)
                break
            if hit is None:
                i += 1
                continue
            out.append(hit)
            i = hit[1]
        return out

    def _ambiguous_ok(self, norm: str, start: int, end: int) -> float | None:
        if any(norm.startswith(s, end) for s in self.suffixes) or (end < len(norm) and _latin(norm[end])):
            return AMBIGUOUS_SUFFIX_SCORE
        if any(norm.endswith(p, 0, start) for p in self.not_before):
            return None
        if any(norm.startswith(a, end) for a in self.not_after):
            return None
        if any(c in norm for c in self.context):
            return AMBIGUOUS_CONTEXT_SCORE
        return None

    def link(self, text: str) -> LinkResult:
        norm = normalise(text)
        res = LinkResult(text)
        best: dict[str, FirmLink] = {}
        order: list[str] = []
        seen_d: set[str] = set()
        seen_s: set[str] = set()
        has_city = "重庆" in norm or "渝" in norm
        for start, end, entries in self._scan(norm):
            mention = text[start:end]
            kinds = {e.kind for e in entries}
            if "stop" in kinds:
                continue
            firms = [e for e in entries if e.kind == "firm"]
            if firms:
                for e in firms:  # one surface may name two firms (rare); each gets its own link
                    score: float | None = SCORES[e.source]
                    if e.ambiguous:
                        score = self._ambiguous_ok(norm, start, end)
                    if score is None:
                        continue
                    link = FirmLink(e.target, self.d.names[("firm", e.target)], mention, score, start, end)
                    res.spans.append((start, end, "firm", e.target))
                    if e.site:
                        res.sites.append(SiteLink(e.site, e.target, mention, mention, start, end))
                    if e.target not in best:
                        order.append(e.target)
                        best[e.target] = link
                    elif score > best[e.target].score:
                        best[e.target] = link
                continue
            places = [e for e in entries if e.kind in ("district", "township")]
            if places:
                chosen = self._place(norm, start, places, has_city)
                if chosen is not None and chosen.target not in seen_d:
                    seen_d.add(chosen.target)
                    town = chosen.source if chosen.kind == "township" else None
                    name = self.d.names.get(("district", chosen.target), chosen.target)
                    res.districts.append(DistrictLink(chosen.target, name, mention, start, end, town))
                if chosen is not None:
                    res.spans.append((start, end, "district", chosen.target))
                continue
            for e in entries:
                if e.kind == "segment" and e.target not in seen_s:
                    seen_s.add(e.target)
                    name = self.d.names[("segment", e.target)]
                    res.segments.append(SegmentLink(e.target, name, mention, start, end))
                    res.spans.append((start, end, "segment", e.target))
        res.links = [best[k] for k in order]
        res.sites += [
            x for x in self._sites(text, norm, res) if x.site_id not in {y.site_id for y in res.sites}
        ]
        return res

    def _sites(self, text: str, norm: str, res: LinkResult) -> list[SiteLink]:
        taken = [(a, b) for a, b, kind, _ in res.spans if kind == "firm"]
        out = []
        for link in res.links:
            for sid, name, words in self.d.sites.get(link.enterprise_id, ()):
                for w in words:
                    at = norm.find(w)
                    while at >= 0 and any(a <= at < b for a, b in taken):
                        at = norm.find(w, at + 1)
                    if at >= 0:
                        out.append(
                            SiteLink(sid, link.enterprise_id, name, text[at : at + len(w)], at, at + len(w))
                        )
                        break
        return out

    def _place(self, norm: str, start: int, places: list[Entry], has_city: bool) -> Entry | None:
        places = [p for p in places if not p.ambiguous or has_city]
        if len(places) <= 1:
            return places[0] if places else None
        local = [p for p in places if p.target.startswith(CITY_DISTRICT_PREFIX)]
        if len(local) == 1:
            return local[0]
        before = norm[max(0, start - 7) : start].removesuffix("市")
        named = [p for p in places if p.city and before.endswith(normalise(p.city))]
        return named[0] if len(named) == 1 else None


def link_texts(conn: duckdb.DuckDBPyConnection, texts: list[str]) -> list[LinkResult]:
    """Link each text against the store's dictionary (built once for the batch)."""
    linker = Linker.from_store(conn)
    return [linker.link(t) for t in texts]


class JiebaBaseline:
    """The baseline the issue names: jieba (precise mode, no HMM) with every firm surface as a user word;
    a token equal to a surface links that surface's firm(s). No context rules, no stop surfaces."""

    def __init__(self, dictionary: Dictionary) -> None:
        import jieba

        self.d = dictionary
        self.tok = jieba.Tokenizer()
        self.tok.initialize()
        self.firms: dict[str, list[str]] = {}
        for s in dictionary.firm_surfaces():
            self.tok.add_word(s, freq=20000)
            self.firms[s] = [e.target for e in dictionary.entries[s] if e.kind == "firm"]

    def link(self, text: str) -> list[str]:
        out: list[str] = []
        for t in self.tok.lcut(normalise(text), HMM=False):
            for eid in self.firms.get(t, ()):
                if eid not in out:
                    out.append(eid)
        return out
