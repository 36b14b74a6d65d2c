"""What a role may read of the 招商 and 培育 lists when it may not see a firm's confidential figures.

A firm's revenue and head count, its R&D spending and the values and volumes of its supply links are
confidential: admins and analysts read them, an enterprise user reads its own firm's, nobody else. Hiding the
raw figure is not enough when a figure computed from it stays in view, so this module withholds every part
that is a function of a confidential figure, and recomputes what is built from the parts:

招商 (:func:`public_targets`), for a candidate firm the reader may not see:

``strength``
    0.5 × size + 0.5 × labels, where size comes from revenue (or employees): the labels are public, so the
    part's value would give size, and size below its cap is revenue ÷ 100亿元. Withheld whole.
``incumbent``
    the firm's share of the segment's outside purchases (the ``outside_value`` part shows that total), so
    share × total is the firm's sales to local OEMs. Withheld when the firm has such links.
``rate_gain``
    withheld (with ``capacity``, ``rate_after`` and ``gain``) when the capacity it assumes is the volume the
    firm now ships to local OEMs, a supply-link figure.

The candidate's ``score`` is then the sum of the parts left (``score_note`` says which were left out): the
full total minus the visible parts would otherwise give the withheld ones. The order of the list follows the
score shown, and the ``top`` cut is taken after redaction, since ranking by the full score would leak its
hidden parts through the order. Link ids of other firms are dropped from the evidence everywhere.

培育 (:func:`public_assessments`): a check that reads a confidential figure (:data:`CONFIDENTIAL_FIELDS`),
or whose revenue band is chosen by revenue, reads ``withheld`` with its figures 仅分析员可见; met / missed /
unknown and the ranking count only the checks left. Listing still implies the firm is not known to exceed the
SME line (1000 人 / 4 亿元): the list is defined as firms that could still qualify.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from chainbrain.invest.attract import LABEL_POINTS, WEIGHTS, Candidate, Part, SegmentTargets
from chainbrain.invest.cultivate import Assessment, Check

WITHHELD_ZH = "仅分析员可见"

#: firm_attr / enterprise fields a reader who may not see the firm never gets, nor a test that reads them:
#: money and head count, and the R&D intensity (R&D spend ÷ revenue) that would give revenue from R&D spend
CONFIDENTIAL_FIELDS = frozenset({"revenue", "employees", "rd_expense", "rd_share", "rd_share_prev"})

Visible = Callable[[str], bool]


def _withhold(p: Part, explain: str) -> None:
    p.raw = None
    p.value = None
    p.points = None
    p.explain = explain
    p.withheld = WITHHELD_ZH


def _redact_candidate(c: Candidate, firm_visible: bool) -> None:
    """Redact ``c`` in place for a reader who sees all links only of ``c`` itself (or of nobody)."""
    sells_here = any(p.key == "incumbent" and p.evidence.get("links") for p in c.parts)
    for p in c.parts:
        if not (firm_visible and p.key == "incumbent"):  # a firm may read its own links, no others
            p.evidence.pop("links", None)
    if firm_visible:
        return
    left_out = []
    for p in c.parts:
        if p.key == "strength":
            labels = p.evidence.get("labels", [])
            lab = min(1.0, sum(LABEL_POINTS.get(x, 0.0) for x in labels))
            _withhold(
                p,
                f"营收、从业人数{WITHHELD_ZH}，本项不计入得分；标签：{'、'.join(labels) or '无'}（标签分 {lab:.2f}）",
            )
            left_out.append(f"{p.name_zh}（依据营收、从业人数）")
        elif p.key == "incumbent" and sells_here:
            _withhold(p, f"已从市外向本地整车供货（金额{WITHHELD_ZH}，本项不计入得分）")
            left_out.append(f"{p.name_zh}（依据供货金额）")
        elif p.key == "rate_gain" and c.capacity_basis == "现向本地整车供货量":
            _withhold(p, f"按该企业现向本地整车供货量测算（供货量{WITHHELD_ZH}，本项不计入得分）")
            c.capacity = None
            c.rate_after = None
            c.gain = None
            left_out.append(f"{p.name_zh}（依据供货量）")
    c.score = sum(p.points or 0.0 for p in c.parts)
    full = sum(WEIGHTS[p.key] for p in c.parts if p.withheld)
    c.score_note = (
        f"得分不含{'、'.join(left_out)}：这些数据{WITHHELD_ZH}（共占权重 {full:.0%}），得分为其余各项之和"
        if left_out
        else None
    )


def public_targets(targets: list[SegmentTargets], visible: Visible, top: int | None) -> list[SegmentTargets]:
    """The 招商 list as a reader sees it who may see only the firms for which ``visible(id)`` holds.

    ``targets`` should be the full lists (``recommend(..., top=None)``): the cut to ``top`` candidates per
    segment is made here, after the scores are recomputed. The input is not changed.
    """
    out = []
    for t in targets:
        t = copy.deepcopy(t)
        t.outside_links = []
        for c in t.candidates:
            _redact_candidate(c, visible(c.enterprise_id))
        t.candidates.sort(key=lambda c: (-c.score, c.enterprise_id))
        if top:
            t.candidates = t.candidates[:top]
        out.append(t)
    out.sort(
        key=lambda s: (-(s.candidates[0].score if s.candidates else 0.0), -s.outside_value, s.segment_id)
    )
    return out


def _reads_confidential(ch: Check) -> bool:
    return bool(CONFIDENTIAL_FIELDS & set(ch.values)) or bool(ch.band_zh)


def public_assessment(a: Assessment, firm_visible: bool) -> Assessment:
    """One firm's checks as a reader sees them; a copy, ``a`` is not changed."""
    a = copy.deepcopy(a)
    if firm_visible:
        return a
    for ch in a.checks:
        if not _reads_confidential(ch):
            continue
        ch.status = "withheld"
        ch.values = {k: (WITHHELD_ZH if k in CONFIDENTIAL_FIELDS else v) for k, v in ch.values.items()}
        if ch.band_zh:  # the band (营业收入1亿元以上 …) and its thresholds follow from revenue
            ch.name_zh = ch.name_zh.removesuffix(f"（{ch.band_zh}）")
            ch.band_zh = ""
            ch.tests = []
        ch.reason = f"依据营业收入、从业人数或研发投入（{WITHHELD_ZH}），结果{WITHHELD_ZH}"
    a.met = [c.key for c in a.checks if c.status == "met"]
    a.missed = [c.key for c in a.checks if c.status == "missed"]
    a.unknown = [c.key for c in a.checks if c.status == "unknown"]
    a.withheld = [c.key for c in a.checks if c.status == "withheld"]
    a.score = len(a.met) / len(a.checks) if a.checks else 0.0
    return a


def public_assessments(items: list[Assessment], visible: Visible, top: int | None) -> list[Assessment]:
    """A 培育 list as a reader sees it; ``items`` should be the whole list, ranked and cut here."""
    out = [public_assessment(a, visible(a.enterprise_id)) for a in items]
    out.sort(key=lambda a: (-len(a.met), len(a.missed), len(a.unknown), a.enterprise_id))
    return out[:top] if top else out
