"""供需对接: rank suppliers for a need, and needs for an offer; every match says why.

Supplier candidates for a need are the open offers, plus a *profile* for every non-OEM firm that makes
something at a site but has posted no open offer (its site segments and main segment, its name and note as
text, the capacity of its sites for the need's segment minus what those sites already ship in it). A firm
keeps its best-scoring candidate.

Score = Σ weight × part, each 0–1 (:data:`WEIGHTS`):

``segment`` (0.30)   1 the offer covers the need's segment; 0.6 a parent or child of it; 0.3 a sibling; else 0.
``text`` (0.25)      BM25 of the need's title, spec and segment name against the candidate's text, over the best
                     BM25 among the candidates (:mod:`.text`).
``capacity`` (0.10)  min(1, spare / annual volume); 0.5 when either is unknown.
``certs`` (0.15)     share of the required certifications the candidate holds (1 when none are required;
                     names compared without spaces or case: IATF 16949 = IATF16949).
``distance`` (0.10)  1 − d / 1000 km (floored at 0), d from the nearest supplying site to the delivery point (the
                     receiving plant, else the delivery district's point, else the buyer's first vehicle
                     plant); 0 when unknown.
``local`` (0.10)     1 when a supplying site lies inside the boundary (local first), else 0.

Candidates with neither segment fit nor any text match are dropped. Ties break on the firm id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from chainbrain.chain.boundary import haversine_km, parse_boundary
from chainbrain.match.records import Need, Offer, get_need, get_offer, list_needs, list_offers, norm_cert
from chainbrain.match.text import Bm25Index, add_words, tokenize
from chainbrain.store.records import fetch_dicts

WEIGHTS = {"segment": 0.30, "text": 0.25, "capacity": 0.10, "certs": 0.15, "distance": 0.10, "local": 0.10}
PART_ZH = {"segment": "环节匹配", "text": "文本相关度", "capacity": "富余产能", "certs": "资质认证",
           "distance": "距离", "local": "本地企业"}  # fmt: skip
DISTANCE_KM = 1000.0


@dataclass
class MatchPart:
    key: str
    name_zh: str
    value: float
    weight: float
    points: float
    explain: str


@dataclass
class Match:
    """One ranked answer: a supplier (for a need) or a need (for an offer)."""

    id: str  # supplier enterprise id, or need id
    name: str
    score: float
    parts: list[MatchPart]
    offer_id: str | None = None
    need_id: str | None = None
    local: bool = False
    distance_km: float | None = None
    evidence: dict[str, list[str]] = field(default_factory=dict)
    #: the firm the answer is about: the supplier (for a need) or the need's buyer (for an offer)
    enterprise_id: str = ""


@dataclass
class _Cand:
    ent: str
    name: str
    offer_id: str | None
    segments: list[str]
    text: str
    spare: float | None
    certs: list[str]
    sites: list[dict[str, Any]]


class _World:
    """Lookups shared by one ranking: segments, sites, districts, firms."""

    def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
        self.parent = dict(conn.execute("SELECT id, parent_id FROM segment").fetchall())
        self.seg_name = dict(conn.execute("SELECT id, name_zh FROM segment").fetchall())
        add_words(self.seg_name.values())
        self.sites = {r["id"]: r for r in fetch_dicts(conn, "SELECT * FROM site")}
        self.district = {r["id"]: r for r in fetch_dicts(conn, "SELECT id, name, lon, lat FROM district")}
        self.ents = {r["id"]: r for r in fetch_dicts(conn, "SELECT * FROM enterprise")}
        self.plants = {r[0] for r in conn.execute("SELECT DISTINCT site_id FROM vehicle_model").fetchall()}
        self.sites_of: dict[str, list[dict]] = {}
        for s in self.sites.values():
            self.sites_of.setdefault(s["enterprise_id"], []).append(s)

    def seg_fit(self, need_seg: str, offer_segs: list[str]) -> float:
        best = 0.0
        for s in offer_segs:
            if s == need_seg:
                return 1.0
            if self.parent.get(s) == need_seg or self.parent.get(need_seg) == s:
                best = max(best, 0.6)
            elif self.parent.get(s) is not None and self.parent.get(s) == self.parent.get(need_seg):
                best = max(best, 0.3)
        return best

    def name(self, ent: str) -> str:
        e = self.ents.get(ent)
        return (e["short_name"] or e["name"]) if e else ent

    def point(self, need: Need) -> tuple[float, float] | None:
        s = self.sites.get(need.buyer_site_id or "")
        if s and s["lon"] is not None and s["lat"] is not None:
            return float(s["lon"]), float(s["lat"])
        d = self.district.get(need.delivery_district or "")
        if d and d["lon"] is not None and d["lat"] is not None:
            return float(d["lon"]), float(d["lat"])
        for s in self.sites_of.get(need.buyer_id, []):  # the buyer's first plant with a point
            if s["id"] in self.plants and s["lon"] is not None and s["lat"] is not None:
                return float(s["lon"]), float(s["lat"])
        return None


def _offer_cand(w: _World, o: Offer) -> _Cand:
    sites = [w.sites[s] for s in o.site_ids if s in w.sites] or w.sites_of.get(o.supplier_id, [])
    text = " ".join([o.title, o.text, *(w.seg_name.get(s, "") for s in o.segment_ids)])
    return _Cand(
        o.supplier_id, w.name(o.supplier_id), o.id, o.segment_ids, text, o.spare, o.certifications, sites
    )


def _profiles(w: _World, skip: set[str]) -> list[_Cand]:
    """One candidate per non-OEM firm that makes something and posted no open offer (spare set per need)."""
    out = []
    for eid, e in sorted(w.ents.items()):
        if eid in skip or "OEM" in (e["roles"] or []):
            continue
        sites = [s for s in w.sites_of.get(eid, []) if s["segment_id"]]
        segs = sorted(
            {s["segment_id"] for s in sites} | ({e["main_segment_id"]} if e["main_segment_id"] else set())
        )
        if not segs:
            continue
        text = " ".join(
            [e["name"], e["short_name"] or "", e["note"] or "", *(w.seg_name.get(s, "") for s in segs)]
        )
        out.append(_Cand(eid, w.name(eid), None, segs, text, None, [], sites))
    return out


class SupplierPool:
    """Every supplier candidate and their BM25 index, built once and reused for many needs."""

    def __init__(self, conn: duckdb.DuckDBPyConnection, boundary: str = "city") -> None:
        self.conn = conn
        self.boundary = parse_boundary(boundary)
        self.world = _World(conn)
        offers = list_offers(conn, state="open")
        self.cands = [_offer_cand(self.world, o) for o in offers]
        self.cands += _profiles(self.world, {o.supplier_id for o in offers})
        self.index = Bm25Index([c.text for c in self.cands])
        self._shipped: dict[str, dict[str, float]] = {}

    def profile_view(self, c: _Cand, segment: str) -> tuple[float | None, list[dict]]:
        """(spare, supplying sites) of a profile for ``segment``: its sites' capacity minus what they ship."""
        if segment not in self._shipped:
            self._shipped[segment] = dict(self.conn.execute(
                "SELECT supplier_site_id, sum(coalesce(volume, 0)) FROM supply_link WHERE segment_id = ?"
                " GROUP BY 1", [segment]).fetchall())  # fmt: skip
        seg_sites = [s for s in c.sites if s["segment_id"] == segment]
        caps = [s["capacity"] for s in seg_sites]
        if not seg_sites or any(x is None for x in caps):
            return None, seg_sites or c.sites
        shipped = self._shipped[segment]
        return max(sum(caps) - sum(shipped.get(s["id"], 0.0) for s in seg_sites), 0.0), seg_sites


def _geo(sites: list[dict], point: tuple[float, float] | None, b: Any) -> tuple[bool, float | None]:
    local = any(b.contains_code(s["district_code"]) for s in sites)
    if point is None:
        return local, None
    ds = [haversine_km(point[0], point[1], s["lon"], s["lat"]) for s in sites if s["lon"] is not None]
    return local, (min(ds) if ds else None)


def _parts(
    w: _World, seg: float, seg_txt: str, text: float, spare: float | None, volume: float | None,
    required: list[str], held: list[str], local: bool, km: float | None,
) -> list[MatchPart]:  # fmt: skip
    req = {norm_cert(c): c for c in required}
    have = {norm_cert(c) for c in held}
    got = [c for k, c in req.items() if k in have]
    lack = [c for k, c in req.items() if k not in have]
    if spare is not None and volume:
        cap, cap_txt = min(1.0, spare / volume), f"富余产能 {spare:,.0f}，需求 {volume:,.0f}"
    else:
        cap, cap_txt = 0.5, "产能或需求量未知，按中性计"
    vals = {
        "segment": (seg, seg_txt),
        "text": (text, f"文本相关度 {text:.2f}（相对本次最佳）"),
        "capacity": (cap, cap_txt),
        "certs": (len(got) / len(req) if req else 1.0, certs_text(got, lack)),
        "distance": ((max(0.0, 1 - km / DISTANCE_KM), f"最近厂区距交付地 {km:,.0f} 公里") if km is not None
                     else (0.0, "距离未知")),
        "local": (1.0 if local else 0.0, "本地企业（重庆）" if local else "市外企业"),
    }  # fmt: skip
    return [MatchPart(k, PART_ZH[k], v, WEIGHTS[k], WEIGHTS[k] * v, t) for k, (v, t) in vals.items()]


def certs_text(got: list[str], lack: list[str]) -> str:
    """The certificates part in plain Chinese: what the supplier holds of those required, and what it lacks."""
    if not got and not lack:
        return "需求未要求认证"
    if not lack:
        return f"已具备所需认证 {'、'.join(got)}"
    if not got:
        return f"尚无所需认证 {'、'.join(lack)}"
    return f"已具备 {'、'.join(got)}，尚缺 {'、'.join(lack)}"


def _seg_txt(w: _World, fit: float, need_seg: str) -> str:
    name = w.seg_name.get(need_seg, need_seg)
    return {1.0: f"供应{name}", 0.6: f"供应{name}的上/下级环节", 0.3: f"供应{name}的同级环节"}.get(
        fit, "环节不同"
    )


def rank_suppliers(
    conn: duckdb.DuckDBPyConnection,
    need: Need | str,
    *,
    top: int | None = 10,
    boundary: str = "city",
    weights: dict[str, float] | None = None,
    pool: SupplierPool | None = None,
) -> list[Match]:
    """Suppliers for a need (a :class:`Need` or a stored need id), best first (see the module).

    ``weights`` replaces :data:`WEIGHTS` (for ablations); ``pool`` reuses candidates across many needs.
    """
    if isinstance(need, str):
        need = get_need(conn, need)
    wts = weights or WEIGHTS
    pool = pool or SupplierPool(conn, boundary)
    w, b = pool.world, pool.boundary
    query = " ".join([need.title, need.spec, w.seg_name.get(need.segment_id, "")])
    raw = pool.index.scores(tokenize(query))
    keep = [i for i, c in enumerate(pool.cands) if c.ent != need.buyer_id]
    best_raw = max((raw[i] for i in keep), default=0.0)
    point = w.point(need)
    by_firm: dict[str, Match] = {}
    for i in keep:
        c = pool.cands[i]
        seg = w.seg_fit(need.segment_id, c.segments)
        text = raw[i] / best_raw if best_raw > 0 else 0.0
        if seg == 0 and text == 0:
            continue
        spare, sites = (c.spare, c.sites) if c.offer_id else pool.profile_view(c, need.segment_id)
        local, km = _geo(sites, point, b)
        parts = _parts(w, seg, _seg_txt(w, seg, need.segment_id), text, spare, need.annual_volume,
                       need.certifications, c.certs, local, km)  # fmt: skip
        for p in parts:
            p.weight = wts.get(p.key, 0.0)
            p.points = p.weight * p.value
        score = sum(p.points for p in parts)
        m = Match(c.ent, c.name, score, parts, offer_id=c.offer_id, local=local, distance_km=km,
                  evidence={"sites": [s["id"] for s in sites], "offers": [c.offer_id] if c.offer_id else []},
                  enterprise_id=c.ent)  # fmt: skip
        if c.ent not in by_firm or score > by_firm[c.ent].score:
            by_firm[c.ent] = m
    out = sorted(by_firm.values(), key=lambda m: (-m.score, m.id))
    return out[:top] if top else out


def rank_needs(
    conn: duckdb.DuckDBPyConnection, offer: Offer | str, *, top: int | None = 10, boundary: str = "city"
) -> list[Match]:
    """Open needs an offer could answer, best first, scored with the same parts as :func:`rank_suppliers`."""
    if isinstance(offer, str):
        offer = get_offer(conn, offer)
    b = parse_boundary(boundary)
    w = _World(conn)
    needs = [n for n in list_needs(conn, state="open") if n.buyer_id != offer.supplier_id]
    docs = [" ".join([n.title, n.spec, w.seg_name.get(n.segment_id, "")]) for n in needs]
    cand = _offer_cand(w, offer)
    raw = Bm25Index(docs).scores(tokenize(cand.text))
    best_raw = max(raw, default=0.0)
    out = []
    for n, r in zip(needs, raw, strict=True):
        seg = w.seg_fit(n.segment_id, offer.segment_ids)
        text = r / best_raw if best_raw > 0 else 0.0
        if seg == 0 and text == 0:
            continue
        local, km = _geo(cand.sites, w.point(n), b)
        parts = _parts(w, seg, _seg_txt(w, seg, n.segment_id), text, offer.spare, n.annual_volume,
                       n.certifications, offer.certifications, local, km)  # fmt: skip
        out.append(Match(n.id, f"{w.name(n.buyer_id)}：{n.title}", sum(p.points for p in parts), parts,
                         offer_id=offer.id, need_id=n.id, local=local, distance_km=km,
                         evidence={"needs": [n.id], "sites": [s["id"] for s in cand.sites]},
                         enterprise_id=n.buyer_id))  # fmt: skip
    out.sort(key=lambda m: (-m.score, m.id))
    return out[:top] if top else out
