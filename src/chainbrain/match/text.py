"""Chinese text relevance: jieba word segmentation and Okapi BM25 (bm25s), nothing downloaded at run time.

Tokens are jieba's search-mode cut (long words are also split into their dictionary sub-words, so 激光雷达
matches 雷达), lower-cased, without punctuation, white space or the stop words below. The chain taxonomy's
names are added to jieba's dictionary once, so 4D毫米波雷达 or 域控制器 stay whole as well. jieba and bm25s
load on first use, not when this module is imported.

BM25 (Robertson & Zaragoza 2009, *Foundations and Trends in IR* 3(4)) with bm25s defaults (k1 = 1.5,
b = 0.75, Lucene variant). Scores are returned raw; callers scale them by the best score of the query.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import bm25s

STOP = frozenset(
    "的 了 和 与 及 或 等 为 在 对 于 由 从 按 可 能 需 需要 要求 提供 我们 我司 公司 企业 用于 符合 具备 具有 "
    "年 月 日 件 套 台 万 个 以上 以下 不 低于 高于 一 批 项目 产品 相关 进行 主要 能力".split()
)
_PUNCT = re.compile(r"^[\s\W_]+$", re.UNICODE)
_LOCK = threading.Lock()
_ADDED: set[str] = set()

#: domain words jieba's general dictionary splits badly
DOMAIN_WORDS = (
    "激光雷达", "毫米波雷达", "4D毫米波雷达", "域控制器", "座舱域控制器", "智驾域控制器", "碳化硅", "功率模块",
    "电驱", "电驱动", "电控", "电机控制器", "热管理", "热泵", "电池包", "电芯", "磷酸铁锂", "三元锂", "固态电池",
    "线控制动", "线控转向", "电子驻车", "空气悬架", "抬头显示", "车载摄像头", "环视", "前视", "高算力",
    "芯片", "车规级", "功能安全", "压铸", "一体化压铸", "铝合金", "镁合金", "高强钢", "轻量化", "增程器",
    "燃料电池", "电堆", "储氢", "充电桩", "超充", "换电", "T-BOX", "C-V2X", "OTA", "中间件", "操作系统",
    "电动压缩机", "电子水泵", "电转向", "电制动", "电空调", "线束", "高压线束", "连接器", "BMS", "IGBT", "MCU",
    "SoC", "IATF16949", "ISO26262", "ASPICE", "整车控制器", "区域控制器", "车身控制器", "冷却板", "液冷",
)  # fmt: skip


_jieba: ModuleType | None = None


def _add(jieba: ModuleType, words: Iterable[str]) -> None:
    # the caller holds _LOCK
    for w in words:
        w = w.strip()
        if len(w) >= 2 and w not in _ADDED:
            jieba.add_word(w, freq=20000)
            _ADDED.add(w)


def _segmenter() -> ModuleType:
    """jieba, imported and taught :data:`DOMAIN_WORDS` on first use (its dictionary costs ~0.4 s)."""
    global _jieba
    if _jieba is None:
        with _LOCK:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                _add(jieba, DOMAIN_WORDS)
                _jieba = jieba
    return _jieba


def add_words(words: Iterable[str]) -> None:
    """Teach jieba domain words (segment names); idempotent and thread-safe."""
    jieba = _segmenter()
    with _LOCK:
        _add(jieba, words)


def tokenize(text: str) -> list[str]:
    """Search-mode jieba tokens of ``text``, lower-cased, without punctuation and stop words."""
    out = []
    for t in _segmenter().lcut_for_search(text or ""):
        t = t.strip().lower()
        if not t or _PUNCT.match(t) or t in STOP:
            continue
        out.append(t)
    return out


class Bm25Index:
    """A BM25 index over a list of documents (already tokenised or raw text)."""

    def __init__(self, docs: Sequence[str | list[str]]) -> None:
        self.tokens = [d if isinstance(d, list) else tokenize(d) for d in docs]
        self.n = len(self.tokens)
        self._bm25: bm25s.BM25 | None = None
        if self.n and any(self.tokens):
            import bm25s

            self._bm25 = bm25s.BM25()
            # bm25s drops empty documents' vocabulary; a placeholder keeps positions aligned
            self._bm25.index([t or ["\u0000"] for t in self.tokens], show_progress=False)

    def scores(self, query: str | list[str]) -> list[float]:
        """BM25 score of every document for ``query`` (0 for all when nothing matches)."""
        q = query if isinstance(query, list) else tokenize(query)
        if self._bm25 is None or not q:
            return [0.0] * self.n
        vocab = self._bm25.vocab_dict
        q = [t for t in q if t in vocab]
        if not q:
            return [0.0] * self.n
        return [float(x) for x in self._bm25.get_scores(q)]
