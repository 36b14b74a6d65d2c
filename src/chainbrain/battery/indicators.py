"""Live indicators of the battery targets, measured from the traceability ledger.

- ``battery_leading_recyclers`` (家) — recyclers whose recycled capacity is at least
  :data:`chainbrain.battery.recycling.LEADING_SHARE` of all capacity recycled in the store
  (:func:`chainbrain.battery.recycling.leading_recyclers`): 渝链智擎 二(十四) "到2027年,累计培育动力电池回收利用
  行业头部企业2家". The plan does not say what makes a 头部企业; the share threshold is chainbrain's.

The monitor's snapshot (:mod:`chainbrain.monitor.live`) records them like the chain indicators, with the
weakest status of the records in :data:`TABLES` (the bundled batteries are ``illustrative``).
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from chainbrain.battery.recycling import leading_recyclers

TABLES = ("battery_unit", "battery_event")

INDICATORS: dict[str, tuple[str, Callable[[duckdb.DuckDBPyConnection], float]]] = {
    "battery_leading_recyclers": ("动力电池再生利用头部企业数（再生利用量占全库 ≥20%）", leading_recyclers),
}
