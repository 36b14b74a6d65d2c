"""What a role may read of the 招商 and 培育 lists when it may not see firms' confidential figures.

A firm's revenue and head count, its R&D spending and the values and volumes of its supply links are
confidential: admins and analysts read them, an enterprise user reads its own firm's, nobody else. Hiding the
raw figure is not enough when a figure computed from it stays in view, so this module withholds every part
that is a function of a confidential figure, and recomputes what is built from the parts.

招商 (:func:`public_targets`). For every candidate:

``outside_value``
    V_s is an aggregate only when enough firms make it up (:mod:`chainbrain.chain.disclosure`): in a segment
    whose roll-up is withheld, V_s (the segment's ``outside_value`` too) is withheld; elsewhere the part is
    V_s ÷ the largest V_s shown, since V_s ÷ the largest of all would give that one back.
``rate_gain``
    the gain is the value of the links the new capacity would displace over the area total, so gain × total
    (the total is on the cockpit) is a sum of named firms' link values, often one link: withheld, with
    ``rate_before``, ``rate_after`` and ``gain``.
``district_fit``
    its proximity is a purchase-value-weighted distance to the buying plants, and asking for every district
    (``?district=``) gives one such distance each, enough to solve for the plants' purchases: recomputed as
    policy and park only (0.5 × policy + 0.2 × park), the distance left out.

and for a candidate firm the reader may not see (an enterprise user sees its own):

``strength``
    0.5 × size + 0.5 × labels, where size comes from revenue (or employees): the labels are public, so the
    part's value would give size, and size below its cap is revenue ÷ 100亿元. Withheld whole.
``incumbent``
    the firm's share of V_s, so share × V_s is the firm's sales to local OEMs. Withheld when it has such links.

The candidate's ``score`` is then the sum of the points left (``score_note`` says what was left out): the
full total minus the visible parts would otherwise give the withheld ones. The list is ordered by the score
shown and the ``top`` cut is taken after, since an order by the full score would leak its hidden parts. Link
ids are dropped from the evidence, except a firm's own in its ``incumbent`` part.

转型 (:func:`public_transform`): a target segment's outside purchases (the pull) are withheld where its roll-up
is; the pull of the others is over the largest shown, and a withheld pull counts 0 in the score.

培育 (:func:`public_assessments`): a check that reads a confidential figure (:data:`CONFIDENTIAL_FIELDS`),
or whose revenue band is chosen by revenue, reads ``withheld`` with its figures 仅分析员可见; met / missed /
unknown and the ranking count only the checks left. Listing still implies the firm is not known to exceed the
SME line (1000 人 / 4 亿元): the list is defined as firms that could still qualify.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

from chainbrain.invest.attract import LABEL_POINTS, WEIGHTS, Candidate, Part, SegmentTargets, missing_note
from chainbrain.invest.criteria import fact_zh
from chainbrain.invest.cultivate import Check, TierAssessment, firm_margin, rank_key
from chainbrain.invest.fit import FIT_WEIGHTS
from chainbrain.invest.transform import TransformCandidate

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
    p.missing = None  # whether the figures are known is itself the firm's to tell
    p.detail = {}


def _firm_parts(c: Candidate, sells_here: bool) -> list[str]:
    """Withhold the parts made of the candidate firm's own figures; the names of the parts left out."""
    left_out = []
    if c.capacity_basis == "现向本地整车供货量":  # the units it ships on its supply links
        c.capacity = None
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
    return left_out


def _segment_parts(c: Candidate, t: SegmentTargets, withheld_segment: bool, v_shown: float) -> list[str]:
    """Recompute or withhold the parts made of the area's purchases; the names of the parts left out."""
    left_out = []
    for p in c.parts:
        if p.key == "outside_value":
            if withheld_segment:
                _withhold(p, f"本地整车企业从市外采购{t.name}（由少于3家企业构成，金额{WITHHELD_ZH}）")
                left_out.append(f"{p.name_zh}（由少于3家企业构成）")
            else:
                p.value = min(1.0, p.raw / v_shown) if p.raw is not None and v_shown else 0.0
                p.points = p.weight * p.value
        elif p.key == "rate_gain":
            _withhold(
                p, f"按新增产能替代的市外供应关系测算（涉及企业供货金额，{WITHHELD_ZH}，本项不计入得分）"
            )
            c.rate_before = c.rate_after = c.gain = (
                None  # the city rate is withheld too where few firms make it
            )
            left_out.append(f"{p.name_zh}（依据替代的供应关系）")
        elif p.key == "district_fit" and p.detail:
            fw = FIT_WEIGHTS
            p.value = fw["policy"] * p.detail["policy"] + fw["park"] * p.detail["park"]
            p.raw = p.value
            p.points = p.weight * p.value
            p.detail = {"policy": p.detail["policy"], "park": p.detail["park"]}
            p.explain = re.sub(r"距采购整车厂平均 [\d,\.]+ 公里，", "", p.explain)
            p.explain += f"（与采购整车厂的距离按采购额加权，{WITHHELD_ZH}，只计政策与园区）"
    return left_out


def public_targets(
    targets: list[SegmentTargets],
    visible: Visible,
    top: int | None,
    withheld_segments: set[str] | frozenset[str] = frozenset(),
) -> list[SegmentTargets]:
    """The 招商 list as a reader sees it who may see only the firms for which ``visible(id)`` holds.

    ``withheld_segments`` are the segments whose roll-up of OEM purchases is withheld from the reader
    (:func:`chainbrain.chain.disclosure.withheld_keys`). ``targets`` should be the full lists
    (``recommend(..., top=None)``): the cut to ``top`` per segment is made here, after the scores are
    recomputed. The input is not changed.
    """
    v_shown = max(
        (t.outside_value or 0.0 for t in targets if t.segment_id not in withheld_segments), default=0.0
    )
    out = []
    for t in targets:
        t = copy.deepcopy(t)
        hidden = t.segment_id in withheld_segments
        t.outside_links = []
        for c in t.candidates:
            firm_visible = visible(c.enterprise_id)
            sells_here = any(p.key == "incumbent" and p.evidence.get("links") for p in c.parts)
            for p in c.parts:
                if not (firm_visible and p.key == "incumbent"):  # a firm may read its own links, no others
                    p.evidence.pop("links", None)
            left_out = _segment_parts(c, t, hidden, v_shown)
            if not firm_visible:
                left_out += _firm_parts(c, sells_here)
            c.score = sum(p.points or 0.0 for p in c.parts)
            share = sum(WEIGHTS[p.key] for p in c.parts if p.withheld)
            c.score_note = (
                f"得分不含{'、'.join(left_out)}：这些数据{WITHHELD_ZH}（共占权重 {share:.0%}），"
                "区县匹配只计政策与园区，得分为其余各项之和"
            )
            if gone := missing_note(c.parts):
                c.score_note += "；" + gone
        if hidden:
            t.outside_value = None
        t.candidates.sort(key=lambda c: (-c.score, c.enterprise_id))
        if top:
            t.candidates = t.candidates[:top]
        out.append(t)
    out.sort(
        key=lambda s: (
            -(s.candidates[0].score if s.candidates else 0.0),
            -(s.outside_value or 0.0),
            s.segment_id,
        )
    )
    return out


def _reads_confidential(ch: Check) -> bool:
    return bool(CONFIDENTIAL_FIELDS & set(ch.values)) or bool(ch.band_zh)


def public_assessment(a: TierAssessment, firm_visible: bool) -> TierAssessment:
    """One firm's checks as a reader sees them; a copy, ``a`` is not changed."""
    a = copy.deepcopy(a)
    if firm_visible:
        return a
    for ch in a.checks:
        if not _reads_confidential(ch):
            continue
        ch.status = "withheld"
        ch.values = {k: (WITHHELD_ZH if k in CONFIDENTIAL_FIELDS else v) for k, v in ch.values.items()}
        ch.values_zh = [fact_zh(k, v) for k, v in ch.values.items()]
        if ch.band_zh:  # the band (营业收入1亿元以上 …) and its thresholds follow from revenue
            ch.name_zh = ch.name_zh.removesuffix(f"（{ch.band_zh}）")
            ch.band_zh = ""
            ch.tests = []
            ch.tests_zh = []
        ch.reason = f"依据营业收入、从业人数或研发投入（{WITHHELD_ZH}），结果{WITHHELD_ZH}"
        ch.margin = None
    a.met = [c.key for c in a.checks if c.status == "met"]
    a.missed = [c.key for c in a.checks if c.status == "missed"]
    a.unknown = [c.key for c in a.checks if c.status == "unknown"]
    a.withheld = [c.key for c in a.checks if c.status == "withheld"]
    a.score = len(a.met) / len(a.checks) if a.checks else 0.0
    a.margin = firm_margin(a.checks)
    a.rd_share = None  # R&D intensity gives revenue from R&D spend: CONFIDENTIAL_FIELDS
    return a


def public_assessments(
    items: list[TierAssessment], visible: Visible, top: int | None
) -> list[TierAssessment]:
    """A 培育 list as a reader sees it; ``items`` should be the whole list, ranked and cut here."""
    out = [public_assessment(a, visible(a.enterprise_id)) for a in items]
    out.sort(key=rank_key)
    return out[:top] if top else out


def public_transform(
    items: list[TransformCandidate], withheld_segments: set[str] | frozenset[str], top: int | None
) -> list[TransformCandidate]:
    """The transformation list as a reader sees it (see the module); ``items`` whole, ranked and cut here."""
    items = copy.deepcopy(items)
    shown = [
        t.outside_value or 0.0 for c in items for t in c.targets if t.segment_id not in withheld_segments
    ]
    v_max = max(shown, default=0.0)
    for c in items:
        for t in c.targets:
            if t.segment_id in withheld_segments:
                t.outside_value = t.pull = None
                t.note = f"该环节市外采购由少于3家企业构成，金额{WITHHELD_ZH}，不计入得分"
            else:
                t.pull = (t.outside_value or 0.0) / v_max if v_max else 0.0
            t.score = 0.5 * t.evidence + 0.5 * (t.pull or 0.0)
        c.targets.sort(key=lambda t: (-t.score, t.segment_id))
        c.score = c.targets[0].score if c.targets else 0.0
    items.sort(key=lambda c: (-c.score, c.enterprise_id))
    return items[:top] if top else items
