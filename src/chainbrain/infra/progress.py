"""The infrastructure targets against the registry: the live value now beside the monitor's assessment
(latest observation, status, projection, warning reason) of each target fed by an infra indicator."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from chainbrain.infra.indicators import INDICATORS, UNITS


@dataclass(frozen=True)
class TargetProgress:
    target_id: str
    name: str
    indicator: str
    indicator_label: str
    unit: str
    target: float
    year: int
    direction: str
    citation: str
    live_value: float | None  # measured from the registry now; None when it cannot be measured
    live_note: str | None
    progress: float | None  # live value / target (target / live for at-most ratios), 0..1+
    status: str  # 达标 / 正常 / 预警 / 滞后 / 无数据, from the monitor
    latest: float | None
    latest_period: str | None
    projected: float | None
    reason: str


def infra_targets(conn: duckdb.DuckDBPyConnection, *, as_of: dt.date | None = None) -> list[TargetProgress]:
    """Every target whose live indicator is one of the infrastructure indicators, in registry order."""
    from chainbrain.monitor.observations import observations
    from chainbrain.monitor.registry import list_targets
    from chainbrain.monitor.status import assess

    out = []
    for t in list_targets(conn):
        if t.live not in INDICATORS:
            continue
        label, fn = INDICATORS[t.live]
        try:
            value: float | None = fn(conn)
            note = None
        except LookupError as e:
            value, note = None, str(e)
        progress = None
        if value is not None and t.value > 0:
            progress = (
                (t.value / value if value > 0 else None) if t.direction == "at_most" else value / t.value
            )
        a = assess(t, observations(conn, t.id), as_of=as_of)
        out.append(
            TargetProgress(
                t.id, t.name, t.live, label, UNITS[t.live] if UNITS[t.live] == t.unit else t.unit, t.value,
                t.year, t.direction, t.citation, value, note, progress, a.status, a.latest, a.latest_period,
                a.projected, a.reason,
            )
        )  # fmt: skip
    return out
