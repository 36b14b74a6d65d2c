"""Charts of a target's trajectory: observations, required path, projection with its band.

Rendered with matplotlib's Agg backend in a CJK font (Noto Sans CJK from the Debian package
``fonts-noto-cjk``) so Chinese labels show as text, not boxes.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
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


def _find_family(names: set[str]) -> str | None:
    return next((fam for fam in CJK_FAMILIES if fam in names), None)


def _fc_list_files() -> list[str]:
    """Font files fontconfig knows for the CJK families (empty when fc-list is absent)."""
    exe = shutil.which("fc-list")
    if exe is None:
        return []
    try:
        out = subprocess.run(
            [exe, ":lang=zh", "file", "family"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    files = []
    for line in out.splitlines():
        path, _, fams = line.partition(":")
        if any(fam in fams for fam in CJK_FAMILIES) and path.strip():
            files.append(path.strip())
    return sorted(set(files))


def _forget_lookups(manager: font_manager.FontManager) -> None:
    clear = getattr(getattr(manager, "_findfont_cached", None), "cache_clear", None)
    if clear is not None:
        clear()


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """The family name of an installed Noto Sans CJK font; :class:`FontMissing` names the package to install.

    matplotlib caches its font list on disk; a font installed after that cache was written is invisible to
    it. So when no CJK family is listed, the list is rebuilt once from the system's font directories, and
    files fontconfig reports for the CJK families are added directly; only then is the font missing.
    """
    fam = _find_family({f.name for f in font_manager.fontManager.ttflist})
    if fam is not None:
        return fam
    # the live manager is updated in place: matplotlib's module-level findfont is bound to it
    manager = font_manager.fontManager
    rebuilt = font_manager._load_fontmanager(try_read_cache=False)  # type: ignore[attr-defined]
    manager.ttflist, manager.afmlist = list(rebuilt.ttflist), list(rebuilt.afmlist)
    _forget_lookups(manager)
    fam = _find_family({f.name for f in manager.ttflist})
    if fam is not None:
        return fam
    for path in _fc_list_files():
        try:
            manager.addfont(path)
        except (OSError, RuntimeError, ValueError):
            continue
    _forget_lookups(manager)
    fam = _find_family({f.name for f in manager.ttflist})
    if fam is not None:
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


def check_font() -> int:
    """Print which CJK font the briefing charts use, or how to install one; 0 when found (``make demo``)."""
    try:
        fam = cjk_font()
    except FontMissing as e:
        print(f"警告：{e} Word 简报的图表需要该字体，其余功能不受影响。", file=sys.stderr)
        return 1
    print(f"简报图表字体：{fam}")
    return 0


if __name__ == "__main__":
    raise SystemExit(check_font())
