"""Precision and recall of firm linking on the bundled, hand-labelled evaluation set.

``data/events/eval_lines.jsonl``: one Chinese (or English) news-style line per record with the enterprise
ids a reader finds in it, labelled by hand from the demo store's firms (``data/firms.json``); ``kind`` is
positive (legal or short names), alias (English names, abbreviations, brands), lookalike (长安街, 中国大陆 …:
no firm) or none (no firm named). Scores are micro-averaged over (line, enterprise id) pairs.

``data/events/eval_heldout.jsonl`` (30 lines, same kinds) was written after the rules were settled and
was not used to tune them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class EvalLine:
    text: str
    firms: frozenset[str]
    kind: str


@dataclass(frozen=True)
class Scores:
    lines: int
    true_pos: int
    false_pos: int
    false_neg: int

    @property
    def precision(self) -> float:
        found = self.true_pos + self.false_pos
        return self.true_pos / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_pos + self.false_neg
        return self.true_pos / expected if expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def eval_lines(name: str = "eval_lines.jsonl") -> list[EvalLine]:
    """The main set (``eval_lines.jsonl``) or the held-out one (``eval_heldout.jsonl``)."""
    path = resources.files("chainbrain.data") / "events" / name
    out = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.strip():
            r = json.loads(raw)
            out.append(EvalLine(r["text"], frozenset(r["firms"]), r["kind"]))
    return out


def score(lines: Iterable[EvalLine], predict: Callable[[str], Iterable[str]]) -> Scores:
    """Micro precision / recall of ``predict`` (text → enterprise ids) against the labels."""
    tp = fp = fn = n = 0
    for ln in lines:
        got = set(predict(ln.text))
        tp += len(got & ln.firms)
        fp += len(got - ln.firms)
        fn += len(ln.firms - got)
        n += 1
    return Scores(n, tp, fp, fn)


def misses(lines: Iterable[EvalLine], predict: Callable[[str], Iterable[str]]) -> list[tuple[str, set, set]]:
    """Lines where ``predict`` differs from the labels: (text, expected, got)."""
    out = []
    for ln in lines:
        got = set(predict(ln.text))
        if got != ln.firms:
            out.append((ln.text, set(ln.firms), got))
    return out
