"""招商 (investment attraction) and 培育 (cultivation): who to attract, who to grow. See docs/invest.md.

* :mod:`.attract` — ranked outside candidates per gap segment, the score in named parts, the 招商地图
* :mod:`.fit` — fit of a district and its parks for a segment (渝链智擎 二(七), "1+N" parks)
* :mod:`.leads` — the lead pipeline 线索 → 洽谈 → 签约 → 投产 → 本地供货 and its funnel
* :mod:`.criteria` / :mod:`.cultivate` — the MIIT 梯度培育 criteria table and per-firm checks
* :mod:`.transform` — traditional parts firms and the NEV segments they could move to
"""

from chainbrain.invest.attract import Candidate, Part, SegmentTargets, by_district, flat, recommend
from chainbrain.invest.cultivate import Check, TierAssessment, assess, candidates, progress
from chainbrain.invest.leads import Lead, LeadError, add_lead, advance, funnel, list_leads

__all__ = [
    "TierAssessment",
    "Candidate",
    "Check",
    "Lead",
    "LeadError",
    "Part",
    "SegmentTargets",
    "add_lead",
    "advance",
    "assess",
    "by_district",
    "candidates",
    "flat",
    "funnel",
    "list_leads",
    "progress",
    "recommend",
]
