"""The five plans and reports the bundled data cites (the seeds), by key.

Every verified record of the demo names one of these documents as its ``source`` and the clause it
relies on (e.g. ``三(二) 专栏2``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Document:
    key: str
    title: str
    issued: dt.date


DOCUMENTS: dict[str, Document] = {
    d.key: d
    for d in (
        Document(
            "D0",
            "《重庆日报》：市政府印发《发展规划》 2030年建成世界级智能网联新能源汽车产业集群（新闻发布会报道）",
            dt.date(2022, 9, 9),
        ),
        Document(
            "D1",
            "《重庆日报》：锚定智能网联新能源汽车之都建设 重庆聚能加力创新发展（2025年全国两会报道）",
            dt.date(2025, 3, 6),
        ),
        Document(
            "D2",
            "《重庆市加速构建完善的智能新能源汽车产业生态行动计划（征求意见稿）》（市经济信息委，2021年12月29日）",
            dt.date(2021, 12, 29),
        ),
        Document(
            "D3",
            "《重庆市建设世界级智能网联新能源汽车产业集群发展规划(2022—2030年)》（渝府发〔2022〕38号）",
            dt.date(2022, 8, 19),
        ),
        Document(
            "D4",
            "《重庆市智能网联新能源汽车产业链“渝链智擎”行动计划(2025—2027)》（征求意见稿）",
            dt.date(2025, 7, 16),
        ),
    )
}


def cite(key: str, clause: str) -> str:
    """``《title》clause`` for a document key and a clause."""
    try:
        doc = DOCUMENTS[key]
    except KeyError as e:
        raise KeyError(f"unknown source document {key!r}; known: {sorted(DOCUMENTS)}") from e
    return f"{doc.title} {clause}"
