"""Vehicle identification numbers (车辆识别代号), GB 16735-2019 / ISO 3779.

Seventeen characters from ``0-9`` and ``A-Z`` without I, O and Q. Position 9 is the check digit: each
character is transliterated to a number (digits as themselves; A–H → 1–8, J–N → 1–5, P → 7, R → 9,
S–Z → 2–9), multiplied by its position's weight ``8 7 6 5 4 3 2 10 0 9 8 7 6 5 4 3 2``; the sum modulo
11 is the check digit, 10 written as ``X``. GB 16735 makes the check digit mandatory for vehicles made
for China; the same rule is the North American one (49 CFR 565), hence the widely published test VIN
``1M8GDM9AXKP042788``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LENGTH = 17
WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_LETTERS = {
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
VALUE = {**{str(d): d for d in range(10)}, **_LETTERS}


@dataclass(frozen=True)
class VinCheck:
    """A VIN read: ``valid`` only when ``errors`` is empty; ``expected_check`` when computable."""

    vin: str
    wmi: str | None = None
    expected_check: str | None = None
    errors: tuple[str, ...] = field(default_factory=tuple)

    @property
    def valid(self) -> bool:
        return not self.errors


def check_digit(vin: str) -> str:
    """The check digit (position 9) for a 17-character VIN; its own position 9 is ignored."""
    if len(vin) != LENGTH:
        raise ValueError(f"车辆识别代号应为{LENGTH}位，实际为{len(vin)}位")
    total = 0
    for i, (ch, w) in enumerate(zip(vin, WEIGHTS, strict=True), start=1):
        if ch not in VALUE:
            raise ValueError(f"车辆识别代号第{i}位“{ch}”不是允许的字符（0-9、A-Z，不用 I、O、Q）")
        total += VALUE[ch] * w
    r = total % 11
    return "X" if r == 10 else str(r)


def check_vin(text: str) -> VinCheck:
    """Validate a VIN: length, characters (each bad one named by position), then the check digit."""
    vin = text.strip()
    if len(vin) != LENGTH:
        return VinCheck(vin, errors=(f"车辆识别代号应为{LENGTH}位，实际为{len(vin)}位",))
    errors = []
    for i, ch in enumerate(vin, start=1):
        if ch not in VALUE:
            why = (
                "应为大写"
                if ch.isascii() and ch.islower()
                else "不用 I、O、Q"
                if ch in "IOQ"
                else "应为 0-9 或 A-Z"
            )
            errors.append(f"第{i}位“{ch}”：{why}")
    if errors:
        return VinCheck(vin, errors=tuple(errors))
    expected = check_digit(vin)
    if vin[8] != expected:
        return VinCheck(
            vin, vin[:3], expected, (f"第9位校验位“{vin[8]}”错误：按 GB 16735 计算应为“{expected}”",)
        )
    return VinCheck(vin, vin[:3], expected)
