"""统一社会信用代码 (unified social credit code), GB 32100-2015.

Eighteen characters from the 31-character set ``0-9 A-H J-N P-R T U W-Y`` (no I, O, S, V, Z):

1. 登记管理部门代码 (registering authority), 2. 机构类别代码 (organisation type),
3-8. 登记管理机关行政区划码 (the authority's 6-digit district code),
9-17. 主体标识码 (the GB 11714 organisation code; its 9th character is its own check),
18. the check character: ``C18 = 31 - (Σ Ci·Wi mod 31)`` with weights
``Wi = 3^(i-1) mod 31`` = 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28, and 31 written as 0.
"""

from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(CHARSET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]

# GB 11714-1997 organisation code (positions 9-17): 8 body characters 0-9A-Z, weights below, mod 11.
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def _org_value(c: str) -> int:
    return int(c) if c.isdigit() else ord(c) - ord("A") + 10


def check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters."""
    if len(first17) != 17:
        raise ValueError(f"need 17 characters, got {len(first17)}")
    total = 0
    for c, w in zip(first17.upper(), WEIGHTS, strict=True):
        if c not in _VALUE:
            raise ValueError(f"character {c!r} is not allowed in a credit code")
        total += _VALUE[c] * w
    return CHARSET[(31 - total % 31) % 31]


def org_check_char(body8: str) -> str:
    """The GB 11714 check character of an organisation code's first 8 characters."""
    total = sum(_org_value(c) * w for c, w in zip(body8.upper(), _ORG_WEIGHTS, strict=True))
    r = 11 - total % 11
    return "X" if r == 10 else ("0" if r == 11 else str(r))


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid credit code (zh-CN), or None when it is valid."""
    if not isinstance(code, str):
        return "统一社会信用代码必须是文本"
    c = code.strip().upper()
    if len(c) != 18:
        return f"统一社会信用代码应为18位，实际为{len(c)}位"
    bad = [ch for ch in c if ch not in _VALUE]
    if bad:
        return f"统一社会信用代码含非法字符 {''.join(dict.fromkeys(bad))}（不得含 I、O、S、V、Z）"
    if not c[2:8].isdigit():
        return "统一社会信用代码第3-8位应为行政区划码（6位数字）"
    expected = check_char(c[:17])
    if c[17] != expected:
        return f"统一社会信用代码校验位错误：应为 {expected}，实际为 {c[17]}"
    return None


def is_valid_credit_code(code: str) -> bool:
    return credit_code_problem(code) is None


def make_credit_code(dept: str, kind: str, district: str, body8: str) -> str:
    """Compose a valid code from its parts; the organisation-code check and the final check are computed.

    ``make_credit_code("9", "1", "500112", "MA5U0000")`` → an 18-character code that passes both checks.
    """
    body8 = body8.upper()
    if len(district) != 6 or not district.isdigit():
        raise ValueError(f"district code must be 6 digits: {district!r}")
    if len(body8) != 8:
        raise ValueError(f"organisation body must be 8 characters: {body8!r}")
    org = body8 + org_check_char(body8)
    first17 = f"{dept}{kind}{district}{org}".upper()
    return first17 + check_char(first17)
