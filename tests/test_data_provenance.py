"""Every field a verified record shows is in the clause it cites, or the record says it is not.

The plans are the seed texts at ``../shared/seeds`` (relative to the repository root); without them the
tests that read them are skipped with the reason. The check reads the seed text itself: whitespace and
markdown emphasis are dropped and ASCII punctuation folded to full-width before searching.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chainbrain.data import firms
from chainbrain.data.demo import build_demo
from chainbrain.data.geo import china_divisions
from chainbrain.data.provenance import UNVERIFIED_PREFIX, fragments
from chainbrain.data.reference import REGION_SOURCE, segment_rows

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def _norm(s: str) -> str:
    s = re.sub(r"\s+|\*\*", "", s)
    return s.replace(",", "，").replace("(", "（").replace(")", "）").replace(":", "：").replace(";", "；")


@pytest.fixture(scope="module")
def seeds() -> dict[str, str]:
    if not SEEDS.is_dir():
        pytest.skip(f"规划原文目录不存在：{SEEDS}")
    out = {}
    for i in range(5):
        found = sorted(SEEDS.glob(f"00{i}_*.txt"))
        if not found:
            pytest.skip(f"缺少规划原文 00{i}_*.txt（{SEEDS}）")
        out[f"D{i}"] = _norm(found[0].read_text(encoding="utf-8"))
    return out


@pytest.fixture(scope="module")
def demo():
    return build_demo()


def test_every_quoted_fragment_is_in_its_seed(seeds: dict[str, str]) -> None:
    missing = []
    for f in firms._data()["firms"]:
        records = [(f["id"], f["doc"], f["clause"])]
        records += [(s["id"], s["doc"], s["clause"]) for s in f["sites"] if "doc" in s]
        for rid, doc, clause in records:
            frs = fragments(doc, clause)
            assert frs, rid
            missing += [(rid, fr.doc, fr.text) for fr in frs if _norm(fr.text) not in seeds[fr.doc]]
    assert missing == []


def test_each_shown_field_is_quoted_or_flagged(seeds: dict[str, str], demo) -> None:
    seg = {r["id"]: r["name_zh"] for r in segment_rows()}
    dist = {d.code: d.name for d in china_divisions()}
    src = {f["id"]: f for f in firms._data()["firms"]}
    rows = {e["id"]: e for e in demo.enterprises if e["id"] in src}
    assert len(rows) == len(src) and all(e["status"] == "verified" for e in rows.values())
    flagged_any = 0
    for fid, f in src.items():
        quote = _norm("".join(fr.text for fr in fragments(f["doc"], f["clause"])))
        note = rows[fid]["note"] or ""
        flagged = note.split(UNVERIFIED_PREFIX, 1)[1] if UNVERIFIED_PREFIX in note else ""
        # the name: the firm's short name (or full name) is what the clause quotes
        core = re.sub(r"(（[^）]*）)|(股份)?有限(责任)?公司$|集团$", "", _norm(f["name"]))
        core = re.sub(r"(股份)?有限(责任)?公司$|集团$", "", core)
        assert _norm(f["short"]) in quote or core in quote or "名称" in flagged, (fid, core)
        checks = {
            "注册区县": dist[f["district"]].removesuffix("区").removesuffix("县") in quote,
            "主营环节": _norm(seg[f["segment"]]) in quote,
            "标签": all(lab in quote for lab in f["labels"]),
        }
        for field, ok in checks.items():
            assert ok or field in flagged, (fid, field)
        flagged_any += bool(flagged)
    # the issue's cases: 博世's segment is not in "策划引进博世、英飞凌等汽车芯片企业"
    assert "主营环节" in rows["bosch"]["note"]
    assert flagged_any > 0


def test_verified_site_capacity_is_quoted_or_flagged(demo) -> None:
    by_id = {s["id"]: s for f in firms._data()["firms"] for s in f["sites"]}
    for s in demo.sites:
        raw = by_id.get(s["id"])
        if raw is None or "doc" not in raw or s["capacity"] is None:
            continue
        quote = "".join(fr.text for fr in fragments(raw["doc"], raw["clause"]))
        in_quote = f"{s['capacity']:g}" in quote or f"{s['capacity'] / 1e4:g}万" in quote
        if s["status"] == "verified":
            assert in_quote or "产能未经核实" in s["source"], s["id"]
            assert s["capacity"] == raw["capacity"], s["id"]  # never changed while verified
    # 赛力斯 e-drive: the fill step raised its capacity, so it is no longer verified and says why
    edrive = next(s for s in demo.sites if s["id"] == "seres.edrive")
    assert edrive["capacity"] != by_id["seres.edrive"]["capacity"]
    assert edrive["status"] == "illustrative" and "产能为示意" in edrive["source"]


def test_yuxi_membership_is_not_claimed_from_the_seeds(seeds: dict[str, str]) -> None:
    # the seeds name 渝西地区 but list no members, and the 倍增行动计划 they cite is not among them
    assert "渝西" in seeds["D4"]
    assert "渝西地区包括" not in "".join(seeds.values())
    assert "未经核实" in REGION_SOURCE
