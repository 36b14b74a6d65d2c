"""Matching quality, measured: precision@k and mean reciprocal rank over an evaluation set.

An evaluation case is a need (stored or written out in full) and the set of suppliers that are right for it.
For a ranked list of supplier ids:

* precision@k = |top-k ∩ relevant| / k (Manning, Raghavan & Schütze, *Introduction to Information
  Retrieval*, 2008, §8.4). A case with fewer than k right answers cannot reach 1; :func:`evaluate` reports
  that ceiling beside the mean.
* reciprocal rank = 1 / (rank of the first relevant supplier), 0 when none is ranked; MRR is its mean
  (Voorhees, TREC-8 QA track, 1999).

The bundled set (``data/invest/match_eval.json``) holds needs built from the demo's supply links (the right
answer: the firms that really supply that segment to that buyer) and hand-written Chinese needs whose right
suppliers were chosen by reading the firms' profiles.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from chainbrain.data.invest.files import read_text, segment_terms
from chainbrain.match.engine import WEIGHTS, SupplierPool, rank_suppliers
from chainbrain.match.records import Need


def precision_at_k(ranked: Sequence[str], relevant: set[str] | Sequence[str], k: int = 5) -> float:
    """|top-k ∩ relevant| / k."""
    if k <= 0:
        raise ValueError(f"k must be positive, got {k}")
    rel = set(relevant)
    return sum(1 for x in ranked[:k] if x in rel) / k


def reciprocal_rank(ranked: Sequence[str], relevant: set[str] | Sequence[str]) -> float:
    """1 / rank of the first relevant item; 0 when none is ranked."""
    rel = set(relevant)
    for i, x in enumerate(ranked, start=1):
        if x in rel:
            return 1.0 / i
    return 0.0


@dataclass
class CaseResult:
    id: str
    ranked: list[str]
    relevant: list[str]
    precision: float
    rr: float


@dataclass
class EvalReport:
    k: int
    cases: int
    precision_at_k: float
    mrr: float
    ceiling: float  # the best precision@k the set allows
    results: list[CaseResult] = field(default_factory=list)


def load_cases(name: str = "match_eval.json") -> list[dict[str, Any]]:
    """The bundled evaluation cases."""
    text = read_text(name)
    try:
        return json.loads(text)["cases"]
    except (json.JSONDecodeError, KeyError) as e:
        raise ValueError(f"data/invest/{name} is not a valid evaluation set: {e}") from e


def resolve_cases(conn: duckdb.DuckDBPyConnection, specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Turn evaluation specs into cases: fill demo needs' text from the segment terms and resolve the rules.

    ``relevant_rule`` may name ``segments`` (firms making one of them: a site or the main segment) or
    ``supplies_to`` (firms supplying the need's segment to that buyer's sites). Cases whose buyer is not in
    the store are left out.
    """
    names = dict(conn.execute("SELECT id, name_zh FROM segment").fetchall())
    ents = {r[0] for r in conn.execute("SELECT id FROM enterprise").fetchall()}
    out = []
    for spec in specs:
        need = dict(spec["need"])
        if need["buyer_id"] not in ents:
            continue
        seg = need["segment_id"]
        if "title" not in need:
            words, certs = segment_terms().get(seg, ([], ["IATF 16949"]))
            need["title"] = f"{names.get(seg, seg)}采购需求"
            need["spec"] = "、".join(words)
            need.setdefault("certifications", certs[:1])
        rel = set(spec.get("relevant", []))
        rule = spec.get("relevant_rule", {})
        if rule.get("segments"):
            segs = list(rule["segments"])
            rel |= {r[0] for r in conn.execute(
                "SELECT id FROM enterprise WHERE main_segment_id IN ? UNION"
                " SELECT enterprise_id FROM site WHERE segment_id IN ?", [segs, segs]).fetchall()}  # fmt: skip
        if rule.get("supplies_to"):
            rel |= {r[0] for r in conn.execute(
                "SELECT DISTINCT s.enterprise_id FROM supply_link l JOIN site b ON b.id = l.buyer_site_id"
                " JOIN site s ON s.id = l.supplier_site_id WHERE b.enterprise_id = ? AND l.segment_id = ?",
                [rule["supplies_to"], seg]).fetchall()}  # fmt: skip
        rel.discard(need["buyer_id"])
        out.append({"id": spec["id"], "kind": spec.get("kind", ""), "need": need, "relevant": sorted(rel)})
    return out


def evaluate(
    conn: duckdb.DuckDBPyConnection,
    cases: list[dict[str, Any]],
    *,
    k: int = 5,
    ranker: Callable[[duckdb.DuckDBPyConnection, Need], list[str]] | None = None,
) -> EvalReport:
    """Rank suppliers for every case's need and score the rankings; ``ranker`` replaces the matcher (ablations)."""
    results = []
    pool = SupplierPool(conn) if ranker is None else None
    for c in cases:
        need = Need.model_validate({"id": c["id"], **c["need"]})
        if ranker is None:
            ranked = [m.id for m in rank_suppliers(conn, need, top=None, pool=pool)]
        else:
            ranked = ranker(conn, need)
        rel = list(c["relevant"])
        results.append(CaseResult(c["id"], ranked[: max(k, 10)], rel, precision_at_k(ranked, rel, k),
                                  reciprocal_rank(ranked, rel)))  # fmt: skip
    n = len(results)
    return EvalReport(
        k=k,
        cases=n,
        precision_at_k=sum(r.precision for r in results) / n if n else 0.0,
        mrr=sum(r.rr for r in results) / n if n else 0.0,
        ceiling=sum(min(len(r.relevant), k) / k for r in results) / n if n else 0.0,
        results=results,
    )


#: weight sets compared by :func:`ablation`: the full matcher, each signal alone, and a naive baseline
#: (all weights 0: candidates that share the segment family or any word, in firm-id order)
ABLATIONS: dict[str, dict[str, float]] = {
    "完整（默认权重）": dict(WEIGHTS),
    "去掉文本": {k: v for k, v in WEIGHTS.items() if k != "text"},
    "仅环节": {"segment": 1.0},
    "仅文本": {"text": 1.0},
    "环节+文本": {"segment": WEIGHTS["segment"], "text": WEIGHTS["text"]},
    "基线（编号顺序）": {},
}


def ablation(
    conn: duckdb.DuckDBPyConnection, cases: list[dict[str, Any]], *, k: int = 5
) -> list[dict[str, Any]]:
    """precision@k and MRR of each weight set in :data:`ABLATIONS`, on hand-written and demo cases apart."""
    pool = SupplierPool(conn)
    out = []
    for name, w in ABLATIONS.items():

        def ranker(c: duckdb.DuckDBPyConnection, need: Need, w: dict[str, float] = w) -> list[str]:
            return [m.id for m in rank_suppliers(c, need, top=None, weights=w or {"_": 0.0}, pool=pool)]

        row: dict[str, Any] = {"variant": name}
        for kind in ("hand", "demo", "all"):
            sub = [c for c in cases if kind == "all" or c.get("kind") == kind]
            rep = evaluate(conn, sub, k=k, ranker=ranker)
            row[kind] = {"cases": rep.cases, "precision_at_k": rep.precision_at_k, "mrr": rep.mrr,
                         "ceiling": rep.ceiling}  # fmt: skip
        out.append(row)
    return out
