"""The national criteria for 优质中小企业梯度培育, as ONE table: :data:`CRITERIA`.

Source: 工业和信息化部《优质中小企业梯度培育管理暂行办法》(工信部企业〔2022〕63号, June 2022),
附件2《专精特新中小企业认定标准》 and 附件3《专精特新"小巨人"企业认定标准》; the SME test (中小企业) is
《中小企业划型标准规定》(工信部联企业〔2011〕300号), 工业 row.

What was checked here (``verified_here``): the three quantitative 专精特新中小企业 thresholds (2 years in the
niche; R&D ≥ 100万元 and ≥ 3% of revenue; revenue ≥ 1000万元 or ≥ 2000万元 new equity in 2 years) were
compared with reproductions of 附件2 found in this workspace. The 小巨人 thresholds (3 years; main business
≥ 70%; growth ≥ 5%; debt ≤ 70%; national niche share ≥ 10%; R&D 3% / 6% by revenue tier, or for revenue under
5000万元 ≥ 8000万元 equity with ≥ 3000万元 R&D and ≥ 50% R&D staff; an R&D institution; ≥ 2 Ⅰ类 IP) and the SME
line (1000 people or 4亿元) are written from the measures as we know them and could NOT be checked against the
original text here: check them against the published 附件3 before relying on them.

Not assessed: 附件2 (四) (评价得分 ≥ 60 on the 13-indicator scoring sheet, or a 直通 condition such as a
provincial science award) needs figures no public source gives; it is listed, always as 缺数据. 附件3 (五)
产业链配套 and (六) 主导产品所属领域 are qualitative and left to the reviewer.

Each criterion is a set of atoms (field, operator, threshold) combined with ``all`` or ``any``; ``applies``
restricts a criterion to a revenue band (the tiered R&D test). Fields are columns of ``enterprise`` and
``firm_attr`` (money in 万元, shares as fractions), plus ``is_zjtx`` (the firm carries 专精特新 or 小巨人).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chainbrain.units import qty

MEASURES = "工信部《优质中小企业梯度培育管理暂行办法》(工信部企业〔2022〕63号)"
SME_RULE = "《中小企业划型标准规定》(工信部联企业〔2011〕300号)"


@dataclass(frozen=True)
class Atom:
    """One numeric test: ``field op threshold``."""

    field: str
    op: str  # ">=", "<", "<=", "=="
    threshold: float | bool
    unit: str = ""


@dataclass(frozen=True)
class Criterion:
    """One line of the table. Several lines may share a ``key`` when they apply to different revenue bands."""

    key: str
    tier: str  # "zjtx" 专精特新中小企业 | "xjr" 专精特新"小巨人"
    name_zh: str
    atoms: tuple[Atom, ...]
    combine: str = "all"  # "all" | "any"
    applies: tuple[float | None, float | None] | None = None  # revenue band [lo, hi) in 万元
    clause: str = ""
    verified_here: bool = False
    assessed: bool = True
    note: str = ""
    band_zh: str = field(default="")

    @property
    def cited_clause(self) -> str:
        """The clause, saying so when its threshold could not be checked against the original text."""
        return self.clause if self.verified_here else f"{self.clause}（阈值未经原文核对）"


_SME = (Atom("employees", "<", 1000, "人"), Atom("revenue", "<", 40000, "万元"))

CRITERIA: tuple[Criterion, ...] = (
    # ---- 专精特新中小企业 (附件2) ----
    Criterion("zjtx.sme", "zjtx", "属于中小企业（工业：从业人员<1000人或营业收入<4亿元）", _SME, "any",
              clause=SME_RULE),
    Criterion("zjtx.years", "zjtx", "从事特定细分市场时间达到2年以上", (Atom("years_in_field", ">=", 2, "年"),),
              clause="附件2 (一)", verified_here=True),
    Criterion("zjtx.rd", "zjtx", "上年度研发费用总额不低于100万元，且占营业收入比重不低于3%",
              (Atom("rd_expense", ">=", 100, "万元"), Atom("rd_share", ">=", 0.03, "")), "all",
              clause="附件2 (二)", verified_here=True),
    Criterion("zjtx.revenue", "zjtx", "上年度营业收入1000万元以上，或近2年新增股权融资2000万元以上",
              (Atom("revenue", ">=", 1000, "万元"), Atom("equity_financing", ">=", 2000, "万元")), "any",
              clause="附件2 (三)", verified_here=True),
    Criterion("zjtx.score", "zjtx", "评价得分60分以上或满足直通条件", (), clause="附件2 (四)", assessed=False,
              note="需按13项评价指标打分，本系统未收集"),
    # ---- 专精特新"小巨人"企业 (附件3) ----
    Criterion("xjr.zjtx", "xjr", "已认定为专精特新中小企业", (Atom("is_zjtx", "==", True, ""),),
              clause="办法 第三章（小巨人从专精特新中小企业中认定）"),
    Criterion("xjr.sme", "xjr", "属于中小企业（工业：从业人员<1000人或营业收入<4亿元）", _SME, "any",
              clause=SME_RULE),
    Criterion("xjr.years", "xjr", "从事特定细分市场时间达到3年以上", (Atom("years_in_field", ">=", 3, "年"),),
              clause="附件3 (一)"),
    Criterion("xjr.main_share", "xjr", "主营业务收入占营业收入比重不低于70%",
              (Atom("main_business_share", ">=", 0.70, ""),), clause="附件3 (一)"),
    Criterion("xjr.growth", "xjr", "近2年主营业务收入平均增长率不低于5%",
              (Atom("revenue_growth", ">=", 0.05, ""),), clause="附件3 (一)"),
    Criterion("xjr.debt", "xjr", "资产负债率不高于70%", (Atom("debt_ratio", "<=", 0.70, ""),),
              clause="附件3 (二)"),
    Criterion("xjr.market_share", "xjr", "主导产品全国细分市场占有率10%以上",
              (Atom("market_share", ">=", 0.10, ""),), clause="附件3 (三)"),
    Criterion("xjr.rd", "xjr", "近2年研发费用占营业收入比重均不低于3%",
              (Atom("rd_share", ">=", 0.03, ""), Atom("rd_share_prev", ">=", 0.03, "")), "all",
              applies=(10000, None), clause="附件3 (四)1(1)", band_zh="营业收入1亿元以上"),
    Criterion("xjr.rd", "xjr", "近2年研发费用占营业收入比重均不低于6%",
              (Atom("rd_share", ">=", 0.06, ""), Atom("rd_share_prev", ">=", 0.06, "")), "all",
              applies=(5000, 10000), clause="附件3 (四)1(1)", band_zh="营业收入5000万元至1亿元"),
    Criterion("xjr.rd", "xjr", "近2年新增股权融资8000万元以上，研发费用3000万元以上，研发人员占比50%以上",
              (Atom("equity_financing", ">=", 8000, "万元"), Atom("rd_expense", ">=", 3000, "万元"),
               Atom("rd_staff_share", ">=", 0.50, "")), "all",
              applies=(None, 5000), clause="附件3 (四)1(1)", band_zh="营业收入5000万元以下"),
    Criterion("xjr.institution", "xjr", "自建或与高校、科研机构联合建立研发机构",
              (Atom("rd_institution", "==", True, ""),), clause="附件3 (四)1(2)"),
    Criterion("xjr.ip", "xjr", "拥有2项以上与主导产品相关的Ⅰ类知识产权",
              (Atom("patents_class1", ">=", 2, "项"),), clause="附件3 (四)1(3)"),
)  # fmt: skip

TIER_ZH = {"zjtx": "专精特新中小企业", "xjr": '专精特新"小巨人"企业'}

#: the fields the atoms read, as a reader knows them: field → (中文名, unit as chainbrain.units.qty takes it;
#: 比例 = a fraction shown as per cent, 是否 = yes/no)
FIELD_ZH: dict[str, tuple[str, str]] = {
    "employees": ("从业人员", "人"),
    "revenue": ("营业收入", "万元"),
    "years_in_field": ("从事细分市场年限", "年"),
    "firm_age": ("企业成立年限", "年"),
    "rd_expense": ("研发费用", "万元"),
    "rd_share": ("研发投入占比", "比例"),
    "rd_share_prev": ("上一年研发投入占比", "比例"),
    "equity_financing": ("近2年新增股权融资", "万元"),
    "main_business_share": ("主营业务收入占比", "比例"),
    "revenue_growth": ("主营业务收入增长率", "比例"),
    "debt_ratio": ("资产负债率", "比例"),
    "market_share": ("全国细分市场占有率", "比例"),
    "rd_staff_share": ("研发人员占比", "比例"),
    "rd_institution": ("研发机构", "是否"),
    "patents_class1": ("Ⅰ类知识产权", "项"),
    "is_zjtx": ("已认定专精特新", "是否"),
}
OP_ZH = {">=": "≥", "<=": "≤", "<": "<", "==": "="}


def field_zh(name: str) -> str:
    """A field's Chinese name (the field itself when it has none)."""
    return FIELD_ZH.get(name, (name, ""))[0]


def _shown(name: str, v: object) -> str:
    unit = FIELD_ZH.get(name, (name, ""))[1]
    if isinstance(v, bool) or unit == "是否":
        return "是" if v else "否"
    if isinstance(v, int | float):
        return qty(float(v), unit)
    return str(v)


def fact_zh(name: str, v: object) -> str:
    """One figure of a firm as a reader reads it: ``从业人员 88 人``, ``研发投入占比 3.2%``; 缺数据 when None."""
    return f"{field_zh(name)} {'缺数据' if v is None else _shown(name, v)}"


def atom_zh(a: Atom) -> str:
    """One threshold in words: ``研发投入占比 ≥ 3%``, ``营业收入 < 40,000 万元``."""
    return f"{field_zh(a.field)} {OP_ZH.get(a.op, a.op)} {_shown(a.field, a.threshold)}"


#: the plan's cultivation goals to 2027 (渝链智擎 行动计划 二(四))
TIER_TARGET = {"zjtx": 400, "xjr": 80}
TARGET_CLAUSE = "渝链智擎 行动计划(2025—2027) 二(四)"


def criteria(tier: str) -> list[Criterion]:
    """The lines of one tier, in table order."""
    if tier not in TIER_ZH:
        raise ValueError(f"未知的培育层级 {tier!r}：应为 zjtx（专精特新）或 xjr（小巨人）")
    return [c for c in CRITERIA if c.tier == tier]


def criteria_table() -> list[dict]:
    """The table as plain rows (for docs, the CLI and the API)."""
    rows = []
    for c in CRITERIA:
        rows.append(
            {
                "key": c.key,
                "tier": c.tier,
                "tier_zh": TIER_ZH[c.tier],
                "name_zh": c.name_zh,
                "band_zh": c.band_zh,
                "tests": [f"{a.field} {a.op} {a.threshold}{a.unit}" for a in c.atoms],
                "tests_zh": [atom_zh(a) for a in c.atoms],
                "combine": c.combine,
                "clause": c.cited_clause if c.clause == SME_RULE else f"{MEASURES} {c.cited_clause}",
                "verified_here": c.verified_here,
                "assessed": c.assessed,
                "note": c.note,
            }
        )
    return rows
