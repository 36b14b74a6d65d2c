"""Bundled data for 招商, 培育 and 供需对接, and the demo loader :func:`load_demo_invest`.

Files: ``transform_rules.csv`` (traditional → NEV segment rules), ``segment_terms.csv`` (Chinese product
terms and usual certifications per segment, for demo needs/offers and for evaluation needs),
``match_eval.json`` (the matching evaluation set), ``leads.csv`` (illustrative 招商 leads).
"""

from __future__ import annotations

from chainbrain.data.invest.demo import load_demo_invest
from chainbrain.data.invest.files import read_text, segment_terms

__all__ = ["load_demo_invest", "read_text", "segment_terms"]
