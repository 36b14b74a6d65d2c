"""Charts of a target's trajectory: observations, required path, projection with its band.

Rendered with matplotlib's Agg backend in a CJK font (Noto Sans CJK from the Debian package
``fonts-noto-cjk``) so Chinese labels show as text, not boxes.
"""

from __future__ import annotations

import io
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib.figure import Figure

from chainbrain.monitor.observations import Observation
from chainbrain.monitor.registry import Target
from chainbrain.monitor.status import Assessment
from chainbrain.monitor.trajectory import Origin, required_at

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC")


class FontMissing(RuntimeError):
    """No CJK font for chart labels."""


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """The family name of an installed Noto Sans CJK font; :class:`FontMissing` names the package to install."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    for fam in CJK_FAMILIES:
        if fam in names:
            return fam
    raise FontMissing(
        "找不到中文字体 Noto Sans CJK，图表无法显示中文。请安装 Debian 软件包 fonts-noto-cjk"
        "（sudo apt-get install fonts-noto-cjk）后重试。"
    )


def _label(t: float) -> str:
    return f"{t:.0f}年末" if abs(t - round(t)) < 1e-9 else f"{t:.2f}"


def trajectory_png(target: Target, a: Assessment, obs: list[Observation], *, dpi: int = 110) -> bytes:
    """A PNG of the target: observations, required path, projection (with band) and the target."""
    family = cjk_font()
    fig = Figure(figsize=(6.4, 3.3), dpi=dpi)
    ax = fig.add_subplot(1, 1, 1)
    end = float(target.year)
    if a.origin is not None:
        origin = Origin(a.origin["t"], a.origin["value"], a.origin["basis"])
        steps = 24
        ts = [origin.t + (end - origin.t) * i / steps for i in range(steps + 1)]
        ax.plot(ts, [required_at(target, origin, t) for t in ts], "--", color="#7f7f7f", label="计划路径")
    pts = sorted((o.t, o.value) for o in obs)
    if pts:
        ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-", color="#1f4e79", label="观测值", ms=4)
        t_last, v_last = pts[-1]
        if a.projected is not None and t_last < end:
            ax.plot([t_last, end], [v_last, a.projected], ":", color="#c00000", label="趋势预测")
            if a.projected_low is not None and a.projected_high is not None:
                ax.fill_between(
                    [t_last, end],
                    [v_last, a.projected_low],
                    [v_last, a.projected_high],
                    color="#c00000",
                    alpha=0.12,
                    label="90%预测区间",
                )
    ax.axhline(target.value, color="#548235", lw=1)
    ax.annotate(
        f"目标 {target.value:g}{target.unit}（{target.year}年）",
        (end, target.value),
        textcoords="offset points",
        xytext=(-4, 4),
        ha="right",
        fontsize=8,
        family=family,
        color="#548235",
    )
    title = target.name if len(target.name) <= 28 else target.name[:27] + "…"
    ax.set_title(f"{title}　[{a.status}]", family=family, fontsize=10)
    ax.set_ylabel(target.unit, family=family)
    ticks = sorted(
        {round(t) for t, _ in pts} | {round(end)} | ({round(a.origin["t"])} if a.origin else set())
    )
    ax.set_xticks(ticks)
    ax.set_xticklabels([_label(t) for t in ticks], family=family, fontsize=8)
    ax.grid(alpha=0.3)
    ax.legend(prop={"family": family, "size": 7}, loc="best")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
