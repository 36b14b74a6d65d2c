"""Provenance per field of the named firms: which shown fields the cited clause itself supports.

A named firm is ``verified`` because a seed document names it; the clause (``firms.json`` ``clause``) quotes
the words that name it, fragments separated by "…", parts by "；", a part starting with another document's
key (``D1 …``) switching document. Its other fields — seat district, main segment, labels — come from public
knowledge or an approximation unless the quoted words contain them. :func:`unsupported_fields` lists the
shown fields the quote does not contain; :func:`firm_rows` writes them into the record's note as
"未经核实（引文未载）：…", which the profile page shows with a 近似/未经核实 tag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: a leading section number such as ``二(二)一`` or ``三(一)2`` (followed by a space)
_SECTION = re.compile(r"^[一二三四五六七八九十]+(?:\([一二三四五六七八九十]+\))?[一二三四五六七八九十\d]*\s+")
_KEY = re.compile(r"^(D\d)\s+")

UNVERIFIED_PREFIX = "未经核实（引文未载）："
FIELD_ZH = {"district": "注册区县", "segment": "主营环节", "labels": "标签"}


@dataclass(frozen=True)
class Fragment:
    doc: str  # document key, D0…D4
    text: str


def fragments(doc: str, clause: str) -> list[Fragment]:
    """The quoted fragments of a clause, each with the document it quotes."""
    out = []
    key = doc
    for part in clause.split("；"):
        part = part.strip()
        m = _KEY.match(part)
        if m:
            key, part = m.group(1), part[m.end() :]
        part = _SECTION.sub("", part, count=1)
        for frag in part.split("…"):
            frag = frag.strip()
            if frag:
                out.append(Fragment(key, frag))
    return out


def quoted(doc: str, clause: str) -> str:
    """All quoted words of a clause, joined (what a field's value must appear in to count as cited)."""
    return "\n".join(f.text for f in fragments(doc, clause))


def unsupported_fields(
    firm: dict, segment_names: dict[str, str], district_names: dict[str, str]
) -> list[str]:
    """Shown fields of a firm record whose value the cited clause does not contain (keys of FIELD_ZH)."""
    text = quoted(firm["doc"], firm["clause"])
    out = []
    district = district_names.get(firm["district"], firm["district"])
    if district not in text and district.removesuffix("区").removesuffix("县") not in text:
        out.append("district")
    seg = segment_names.get(firm["segment"], firm["segment"])
    if seg not in text:
        out.append("segment")
    if any(label not in text for label in firm["labels"]):
        out.append("labels")
    return out


def unverified_note(fields: list[str]) -> str:
    return UNVERIFIED_PREFIX + "、".join(FIELD_ZH[f] for f in fields) if fields else ""
