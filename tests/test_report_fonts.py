"""The CJK font is found even when matplotlib's font cache predates its installation."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator

import pytest
from matplotlib import font_manager

from chainbrain.report import charts


def _installed_cjk() -> bool:
    exe = shutil.which("fc-list")
    if exe is None:
        return False
    out = subprocess.run([exe, ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout
    return any(f in out for f in charts.CJK_FAMILIES)


@pytest.fixture
def stale_cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[font_manager.FontManager]:
    """A live font manager whose list lacks every CJK face, as when the cache was written before install."""
    manager = font_manager.fontManager
    saved = (list(manager.ttflist), list(manager.afmlist))
    manager.ttflist = [f for f in manager.ttflist if f.name not in charts.CJK_FAMILIES]
    charts._forget_lookups(manager)
    charts.cjk_font.cache_clear()
    yield manager
    manager.ttflist, manager.afmlist = saved
    charts._forget_lookups(manager)
    charts.cjk_font.cache_clear()


def test_stale_cache_is_rebuilt(stale_cache: font_manager.FontManager) -> None:
    if not _installed_cjk():
        pytest.skip("fontconfig 未列出 Noto Sans CJK（apt-get install fonts-noto-cjk）")
    assert not {f.name for f in stale_cache.ttflist} & set(charts.CJK_FAMILIES)
    fam = charts.cjk_font()
    assert fam in charts.CJK_FAMILIES
    # the face is usable for rendering, not only listed: findfont resolves it to a Noto CJK file
    path = font_manager.findfont(font_manager.FontProperties(family=fam), fallback_to_default=False)
    assert "NotoSansCJK" in path or "NotoSerifCJK" in path


def test_fc_list_files_are_added_when_rebuild_misses_them(
    stale_cache: font_manager.FontManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not _installed_cjk():
        pytest.skip("fontconfig 未列出 Noto Sans CJK（apt-get install fonts-noto-cjk）")
    empty = font_manager.FontManager.__new__(font_manager.FontManager)
    empty.ttflist, empty.afmlist = [], []
    monkeypatch.setattr(font_manager, "_load_fontmanager", lambda try_read_cache=True: empty)
    assert charts.cjk_font() in charts.CJK_FAMILIES
    assert any(f.fname in charts._fc_list_files() for f in stale_cache.ttflist)


def test_missing_font_names_the_package(
    stale_cache: font_manager.FontManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = font_manager.FontManager.__new__(font_manager.FontManager)
    empty.ttflist, empty.afmlist = [], []
    monkeypatch.setattr(font_manager, "_load_fontmanager", lambda try_read_cache=True: empty)
    monkeypatch.setattr(charts, "_fc_list_files", lambda: [])
    with pytest.raises(charts.FontMissing, match="fonts-noto-cjk"):
        charts.cjk_font()
