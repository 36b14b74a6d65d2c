"""Readers for the bundled files of this package."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources


def read_text(name: str) -> str:
    """A bundled file of this package, as text."""
    return resources.files("chainbrain.data.invest").joinpath(name).read_text(encoding="utf-8")


@cache
def segment_terms() -> dict[str, tuple[list[str], list[str]]]:
    """segment id → (Chinese product terms, usual certifications)."""
    out = {}
    for r in csv.DictReader(read_text("segment_terms.csv").splitlines()):
        certs = [c for c in (r["certs"] or "").split(";") if c]
        out[r["segment_id"]] = (r["terms"].split(), certs)
    return out
