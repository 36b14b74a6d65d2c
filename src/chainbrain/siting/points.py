"""Demand points and candidate sites read from CSV files, every bad cell named by file, row and column."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from chainbrain.errors import os_reason
from chainbrain.siting._base import MAX_VALUE
from chainbrain.siting.errors import InputError

_TRUE = {"1", "true", "yes", "y", "是", "t"}
_FALSE = {"0", "false", "no", "n", "否", "f", ""}


@dataclass
class Points:
    """Points with ids, lon/lat (degrees), weights (demand) or capacities and existing flags (candidates)."""

    ids: list[str]
    lonlat: np.ndarray
    weight: np.ndarray
    capacity: np.ndarray | None = None
    fixed: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def __len__(self) -> int:
        return len(self.ids)


def _rows(path: Path, required: tuple[str, ...]) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            header = [(c or "").strip() for c in (reader.fieldnames or [])]
            rows = [
                (
                    k,
                    {
                        (a or "").strip(): (b or "").strip()
                        for a, b in raw.items()
                        if isinstance(b, str) or b is None
                    },
                )
                for k, raw in enumerate(reader, start=2)
            ]
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise InputError(f"无法读取 {path}：{os_reason(e)}") from e
    lacking = [c for c in required if c not in header]
    if lacking:
        raise InputError(f"{path.name}：缺少列 {'、'.join(lacking)}（需要 {','.join(required)}）")
    if not rows:
        raise InputError(f"{path.name}：没有数据行")
    return header, rows


def _number(path: Path, rowno: int, col: str, text: str, lo: float, hi: float) -> float:
    try:
        v = float(text)
    except ValueError as e:
        raise InputError(f"{path.name} 第 {rowno} 行 {col} 列：{text!r} 不是数字") from e
    if not (math.isfinite(v) and lo <= v <= hi):
        raise InputError(f"{path.name} 第 {rowno} 行 {col} 列：{text!r} 应在 {lo:g} 到 {hi:g} 之间")
    return v


def _read(
    path: Path, required: tuple[str, ...]
) -> tuple[list[str], list[str], np.ndarray, list[tuple[int, dict]]]:
    header, rows = _rows(path, required)
    ids: list[str] = []
    seen: dict[str, int] = {}
    lonlat = np.zeros((len(rows), 2))
    for k, (rowno, row) in enumerate(rows):
        sid = row.get("id", "")
        if not sid:
            raise InputError(f"{path.name} 第 {rowno} 行 id 列：不能为空")
        if sid in seen:
            raise InputError(f"{path.name} 第 {rowno} 行 id 列：{sid!r} 与第 {seen[sid]} 行重复")
        seen[sid] = rowno
        ids.append(sid)
        lonlat[k, 0] = _number(path, rowno, "lon", row.get("lon", ""), -180.0, 180.0)
        lonlat[k, 1] = _number(path, rowno, "lat", row.get("lat", ""), -90.0, 90.0)
    return header, ids, lonlat, rows


def read_demand(path: Path) -> Points:
    """Demand points from a CSV with columns ``id,lon,lat,weight`` (weight ≥ 0)."""
    _, ids, lonlat, rows = _read(path, ("id", "lon", "lat", "weight"))
    w = np.array([_number(path, r, "weight", row.get("weight", ""), 0.0, MAX_VALUE) for r, row in rows])
    return Points(ids, lonlat, w)


def read_candidates(path: Path) -> Points:
    """Candidate sites from a CSV with columns ``id,lon,lat`` and optionally ``capacity`` (≥ 0) and ``fixed``
    (1/0, true/false, 是/否: an existing site that must stay open)."""
    header, ids, lonlat, rows = _read(path, ("id", "lon", "lat"))
    cap = None
    if "capacity" in header:
        cap = np.array(
            [_number(path, r, "capacity", row.get("capacity", ""), 0.0, MAX_VALUE) for r, row in rows]
        )
    fixed = np.zeros(len(ids), dtype=bool)
    if "fixed" in header:
        for k, (r, row) in enumerate(rows):
            text = row.get("fixed", "").lower()
            if text in _TRUE:
                fixed[k] = True
            elif text not in _FALSE:
                raise InputError(
                    f"{path.name} 第 {r} 行 fixed 列：{row.get('fixed')!r} 应为 1/0、true/false 或 是/否"
                )
    return Points(ids, lonlat, np.ones(len(ids)), cap, fixed)
