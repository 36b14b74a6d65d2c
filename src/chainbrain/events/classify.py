"""What an event is and how long it lasts: type, severity and expected duration by keyword rules.

The rules live in ``data/events/classify_rules.json`` (documented in docs/events.md):

1. **type**: the types are tried in the table's order (fire, flood/weather, power rationing, strike,
   export control, bankruptcy, quality recall, price change, capacity expansion); the first type one of
   whose keywords occurs in the text wins, else ``other``. The keyword that fired is kept as ``rule``.
2. **severity** (1 低, 2 中, 3 高, 4 严重): the type's base; +1 when a *more severe* phrase occurs
   (全面停产, 人员伤亡 …) outside any less severe one, −1 when a *less severe* one occurs (局部,
   暂无人员伤亡 …), both may apply; a
   non-positive event whose text says production stopped (停产, 停工 …) is at least 2; clamped to 1–4.
3. **duration** (days the named sites cannot ship): a figure in the text wins — 停产两天, 持续一周,
   3个月 (Chinese or Arabic numerals; 天/日, 周/星期, 个月, 小时) — else the type's default. Positive events
   and price changes interrupt nothing: duration 0.

A user corrects any of the three; the correction is stored with their name in ``classified_by``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

SEVERITY_ZH = {1: "低", 2: "中", 3: "高", 4: "严重"}
MAX_DURATION_DAYS = 365.0

_NUM = "零〇一二两三四五六七八九十百半"
_DURATION = re.compile(rf"(\d+(?:\.\d+)?|[{_NUM}]+)\s*(?:个)?(天|日|周|星期|个月|月|小时)")
_UNIT_DAYS = {"天": 1.0, "日": 1.0, "周": 7.0, "星期": 7.0, "个月": 30.0, "月": 30.0, "小时": 1 / 24}
_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


class ClassifyError(ValueError):
    """A correction is out of range; the message names the field and value (in Chinese)."""


@dataclass(frozen=True)
class EventType:
    id: str
    zh: str
    severity: int
    duration_days: float
    positive: bool
    area: bool  # hits every site of the districts it names (a flood), not only the firms named
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Classification:
    event_type: str
    type_zh: str
    severity: int
    duration_days: float
    positive: bool
    area: bool
    rule: str  # the keyword or duration phrase behind the answer, for the explanation


@cache
def _rules() -> dict[str, Any]:
    path = resources.files("chainbrain.data") / "events" / "classify_rules.json"
    return dict(json.loads(path.read_text(encoding="utf-8")))


def _type(r: dict[str, Any]) -> EventType:
    return EventType(
        r["id"], r["zh"], int(r["severity"]), float(r["duration_days"]), bool(r["positive"]), bool(r["area"]),
        tuple(r.get("keywords", ())),
    )  # fmt: skip


@cache
def event_types() -> dict[str, EventType]:
    """Every type by id, in rule order, ``other`` last."""
    rules = _rules()
    types = [_type(r) for r in rules["types"]] + [_type(rules["other"])]
    return {t.id: t for t in types}


def chinese_number(text: str) -> float | None:
    """二 → 2, 十五 → 15, 两 → 2, 半 → 0.5, 3 → 3; None when not a number below a thousand."""
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    if text == "半":
        return 0.5
    total, current = 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return float(total + current)


def duration_in_text(text: str) -> tuple[float, str] | None:
    """The first duration the text states, in days, with the phrase."""
    for m in _DURATION.finditer(text):
        n = chinese_number(m.group(1))
        if n is not None:
            return min(MAX_DURATION_DAYS, n * _UNIT_DAYS[m.group(2)]), m.group(0)
    return None


def classify(text: str) -> Classification:
    """Type, severity and expected duration of an event text by the documented rules."""
    rules = _rules()
    lowered = text.lower()
    chosen, rule = event_types()["other"], ""
    for t in list(event_types().values())[:-1]:
        hit = next((k for k in t.keywords if k.lower() in lowered), None)
        if hit is not None:
            chosen, rule = t, hit
            break
    severity = chosen.severity
    softened = text
    for w in rules["less_severe"]:
        softened = softened.replace(w, "\0")  # 暂无人员伤亡 is not 人员伤亡
    if any(w in softened for w in rules["more_severe"]):
        severity += 1
    if softened != text:
        severity -= 1
    if not chosen.positive and any(w in text for w in rules["stop_words"]):
        severity = max(severity, int(rules["stop_severity_min"]))
    severity = min(4, max(1, severity))
    duration = chosen.duration_days
    if not chosen.positive and chosen.id != "price":
        stated = duration_in_text(text)
        if stated is not None:
            duration, rule = stated[0], f"{rule}；{stated[1]}" if rule else stated[1]
    return Classification(chosen.id, chosen.zh, severity, duration, chosen.positive, chosen.area, rule)


def corrected(
    base: Classification, *, event_type: str | None, severity: int | None, duration_days: float | None
) -> Classification:
    """``base`` with a user's corrections applied (each checked)."""
    types = event_types()
    t = types[base.event_type]
    if event_type is not None:
        if event_type not in types:
            raise ClassifyError(f"事件类型 {event_type!r} 无效，应为 {'、'.join(types)} 之一")
        t = types[event_type]
    sev = base.severity if severity is None else severity
    if not isinstance(sev, int) or not 1 <= sev <= 4:
        raise ClassifyError(f"严重程度 {severity!r} 应为 1–4 的整数")
    dur = base.duration_days if duration_days is None else duration_days
    if not (isinstance(dur, (int, float)) and 0 <= dur <= MAX_DURATION_DAYS):
        raise ClassifyError(f"预计持续天数 {duration_days!r} 应在 0–{MAX_DURATION_DAYS:g} 之间")
    return Classification(t.id, t.zh, sev, float(dur), t.positive, t.area, "用户更正")
