"""Valid 统一社会信用代码 for synthetic firms, computed for whole arrays at once (GB 32100-2015).

The layout and both check characters follow :mod:`chainbrain.schema.credit_code`; this module only
vectorises them with numpy so that a hundred thousand codes take milliseconds.
"""

from __future__ import annotations

import numpy as np

from chainbrain.schema.credit_code import CHARSET, WEIGHTS

_CHARS = np.array(list(CHARSET))
#: GB 11714 value of each CHARSET character (digits as such, letters A=10 … Z=35)
_ORG_VALUE = np.array([int(c) if c.isdigit() else ord(c) - ord("A") + 10 for c in CHARSET])
_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2])
_X = CHARSET.index("X")
#: ``MA`` opens the organisation code of firms registered under the unified system
_MA = [CHARSET.index("M"), CHARSET.index("A")]
_SPAN = 31**6


def credit_codes(district_codes: np.ndarray, serial: np.ndarray, salt: int = 0) -> np.ndarray:
    """One valid credit code per firm: dept 9 (市场监管), kind 1 (企业), the firm's district, ``MA`` + 6
    characters that are a bijection of ``serial`` (distinct serials give distinct codes), both checks.

    ``district_codes``: array of 6-digit strings; ``serial``: non-negative integers below 31**6.
    """
    n = len(serial)
    idx = np.zeros((n, 18), dtype=np.int64)
    idx[:, 0] = 9
    idx[:, 1] = 1
    d = np.asarray(district_codes).astype("<U6")
    digits = d.view("<U1").reshape(n, 6)
    idx[:, 2:8] = digits.astype(np.int64)
    # an affine map with a multiplier coprime to 31 permutes 0 … 31**6 - 1, so serials stay distinct
    v = (np.asarray(serial, dtype=np.int64) * 1_000_003 + salt) % _SPAN
    idx[:, 8:10] = _MA
    for pos in range(15, 9, -1):
        idx[:, pos] = v % 31
        v //= 31
    r = 11 - (_ORG_VALUE[idx[:, 8:16]] * _ORG_WEIGHTS).sum(axis=1) % 11
    idx[:, 16] = np.where(r == 10, _X, np.where(r == 11, 0, r))
    idx[:, 17] = (31 - (idx[:, :17] * np.array(WEIGHTS)).sum(axis=1) % 31) % 31
    chars = np.ascontiguousarray(_CHARS[idx])
    return chars.view("<U18").ravel()
