"""The two settings every command may need — the store and the default boundary — read without pydantic-settings.

:class:`chainbrain.settings.Settings` (pydantic-settings) is the one definition of the settings; importing it
costs about as much CPU as opening a DuckDB store, which a command such as ``chainbrain chain local-rate``
would pay only to learn that ``CHAINBRAIN_BOUNDARY`` is unset. :func:`core_settings` gives the same values
as ``Settings()`` for those two fields by reading the environment as pydantic-settings does (prefix
``CHAINBRAIN_``, names case-insensitive, the value taken as it is), and hands over to ``Settings()`` itself
whenever the environment sets anything else that ``Settings`` validates (so a bad ``CHAINBRAIN_ULTRA_GUN_KW``
still fails the same way) or names a field twice in different cases. tests/test_envsettings.py checks both
paths against ``Settings()``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PREFIX = "chainbrain_"
#: every field of :class:`chainbrain.settings.Settings` (the test fails when the two lists differ)
SETTINGS_FIELDS = ("db", "boundary", "ultra_gun_kw", "coverage_radius_km", "infra_as_of")
#: the fields read here, with their defaults as declared on ``Settings``
DEFAULTS = {"db": "chainbrain.duckdb", "boundary": "city"}


@dataclass(frozen=True)
class CoreSettings:
    """The store file (``CHAINBRAIN_DB``) and the default boundary of "local" (``CHAINBRAIN_BOUNDARY``)."""

    db: Path
    boundary: str


def core_settings() -> CoreSettings:
    """``db`` and ``boundary`` as ``chainbrain.settings.Settings()`` would give them in this environment."""
    found: dict[str, str] = {}
    for key, value in os.environ.items():
        low = key.lower()
        if not low.startswith(PREFIX):
            continue
        field = low[len(PREFIX) :]
        if field not in SETTINGS_FIELDS:
            continue  # Settings ignores names it does not declare (extra="ignore")
        if field not in DEFAULTS or field in found:
            return _from_settings()
        found[field] = value
    return CoreSettings(
        db=Path(found.get("db", DEFAULTS["db"])), boundary=found.get("boundary", DEFAULTS["boundary"])
    )


def _from_settings() -> CoreSettings:
    from chainbrain.settings import get_settings

    s = get_settings()
    return CoreSettings(db=s.db, boundary=s.boundary)
