"""The district team's 招商 workbook: one writer used by the CLI (``invest export``) and the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chainbrain.invest import attract
from chainbrain.io.safe import append

#: columns of the 招商清单 sheet and of the CLI's tables: (row key, 中文表头)
CAND_COLS = [("rank", "序"), ("segment_name", "环节"), ("name", "企业"), ("score", "得分"),
             ("outside_value", "市外采购"), ("rate_gain", "配套率提升"), ("incumbent", "已供货"),
             ("strength", "实力"), ("district_fit", "区县匹配"), ("gain", "提升(百分点)"),
             ("district", "建议区县"), ("park", "建议园区")]  # fmt: skip


def _round(x: float | None, digits: int, scale: float = 1.0) -> float | None:
    """``x × scale`` rounded; None (a part withheld from the reader) stays None."""
    return None if x is None else round(x * scale, digits)


def cand_row(i: int, c: attract.Candidate) -> dict[str, Any]:
    """One candidate as a row: rank, score ×100, gain in percentage points, score parts 0–1."""
    row = {"rank": i, "segment_id": c.segment_id, "segment_name": c.segment_name or c.segment_id,
           "enterprise_id": c.enterprise_id, "name": c.name,
           "score": round(c.score * 100, 1), "district": c.district_name, "park": c.park,
           "gain": None if c.gain is None else round(c.gain * 100, 2)}  # fmt: skip
    row.update({p.key: _round(p.value, 2) for p in c.parts})
    return row


def write_xlsx(targets: list[attract.SegmentTargets], path: Path) -> int:
    """Write the workbook (招商清单, 得分依据, 环节缺口); return the number of candidates.

    Every text cell goes through :func:`chainbrain.io.safe.append`: a firm or park name is never a formula.

    Raises ``OSError`` when the file cannot be written.
    """
    from openpyxl import Workbook

    cands = attract.flat(targets)
    wb = Workbook()
    ws = wb.active
    assert ws is not None, "a new openpyxl workbook always has an active sheet"
    ws.title = "招商清单"
    append(ws, [h for _, h in CAND_COLS])
    for i, c in enumerate(cands, 1):
        r = cand_row(i, c)
        append(ws, [r.get(k) for k, _ in CAND_COLS])
    ws2 = wb.create_sheet("得分依据")
    append(ws2, ["企业", "环节", "分项", "取值", "权重", "得分", "说明", "数据依据"])
    for c in cands:
        for p in c.parts:
            ev = "；".join(
                f"{attract.EVIDENCE_ZH.get(k, k)}: {', '.join(v)}" for k, v in p.evidence.items() if v
            )
            append(ws2, [c.name, c.segment_name or c.segment_id, p.name_zh, _round(p.value, 4), p.weight, _round(p.points, 2, 100),
                        p.explain, ev])  # fmt: skip
    ws3 = wb.create_sheet("环节缺口")
    append(ws3, ["环节", "环节编号", "问题", "市外采购(亿元/年)", "产能缺口", "供应关系"])
    for t in targets:
        append(ws3, [t.name, t.segment_id, "、".join(attract.FLAG_ZH[f] for f in t.flags),
                    None if t.outside_value is None else round(t.outside_value / 1e8, 2), t.shortfall, ", ".join(t.outside_links)])  # fmt: skip
    wb.save(path)
    return len(cands)
