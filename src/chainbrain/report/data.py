"""What both briefings show: targets, their assessments and observations, as of one date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from chainbrain.monitor.observations import Observation, observations
from chainbrain.monitor.registry import Target, list_targets
from chainbrain.monitor.status import Assessment, assess, summary, warnings

STATUS_ZH = {"verified": "已核实", "illustrative": "示意", "synthetic": "合成"}


@dataclass
class BriefingData:
    as_of: dt.date
    targets: list[Target]
    assessments: list[Assessment]
    current: dict[str, list[Observation]]
    history: list[Observation]
    summary: dict[str, int] = field(default_factory=dict)
    warnings: list[Assessment] = field(default_factory=list)

    @property
    def by_id(self) -> dict[str, Target]:
        return {t.id: t for t in self.targets}

    def data_status(self) -> dict[str, int]:
        """Observations that count, per data status (verified / illustrative / synthetic)."""
        out: dict[str, int] = {}
        for obs in self.current.values():
            for o in obs:
                out[o.status] = out.get(o.status, 0) + 1
        return out


def collect(conn: duckdb.DuckDBPyConnection, as_of: dt.date | None = None) -> BriefingData:
    as_of = as_of or dt.date.today()
    targets = list_targets(conn)
    history = observations(conn, include_superseded=True)
    current: dict[str, list[Observation]] = {}
    for o in history:
        if not o.superseded:
            current.setdefault(o.target_id, []).append(o)
    found = [assess(t, current.get(t.id, []), as_of=as_of) for t in targets]
    return BriefingData(as_of, targets, found, current, history, summary(found), warnings(found))


def fmt(v: float | None) -> str:
    """A figure as a person writes it: thousands separators, at most two decimals."""
    if v is None:
        return "—"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    digits = 1 if abs(v) >= 100 else 2
    return f"{v:,.{digits}f}".rstrip("0").rstrip(".")


def target_text(t: Target | Assessment) -> str:
    unit = t.unit
    mx = t.max_value if isinstance(t, Target) else t.max
    if mx is not None:
        return f"{fmt(t.value)}–{fmt(mx)}{unit}"
    return f"{'≤' if t.direction == 'at_most' else ''}{fmt(t.value)}{unit}"


def date_zh(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"
