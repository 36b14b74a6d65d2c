"""Finite, bounded numbers: the one rule every number that enters obeys (files, API bodies, CLI options).

``inf``, ``Infinity``, ``NaN`` and overflowing literals such as ``1e309`` (which Python and JSON read as
infinity) are refused, and so is any magnitude beyond :data:`MAX_ABS`: sums and products of such values
overflow inside the analytics (the resilience LPs, the local rate) and break every route that reads them.
:data:`MAX_ABS` is far above any real figure in the plans' units (a supply link of 10¹⁵ 元 would be eight
times China's 2024 GDP). Integers that are stored in 32-bit columns are bounded by :data:`MAX_INT`.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BeforeValidator

#: largest magnitude accepted for a number (any unit)
MAX_ABS = 1e15
#: largest magnitude of an integer stored in an INTEGER column
MAX_INT = 2_147_483_647


def number_problem(value: float | int) -> str | None:
    """Why ``value`` may not enter (zh-CN), or None when it is finite and within :data:`MAX_ABS`."""
    if isinstance(value, float) and not math.isfinite(value):
        return "不是有限数值（不接受 inf、Infinity、NaN 或溢出的数如 1e309）"
    if abs(value) > MAX_ABS:
        return f"数值超出允许范围：绝对值不能超过 {MAX_ABS:.0e}"
    return None


def check_number(value: float | int, what: str = "") -> float | int:
    """``value`` itself when it may enter; else ValueError naming ``what`` and the value (zh-CN)."""
    reason = number_problem(value)
    if reason is not None:
        raise ValueError(f"{what}{'：' if what else ''}{value!r} {reason}")
    return value


def _refuse_non_finite(value: Any) -> Any:
    """Before pydantic reads a float: refuse non-finite and out-of-range input with the real reason
    (without this, ``NaN`` fails ``ge=0`` and is told it is too small)."""
    number: Any = value
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return value  # not a number at all: pydantic's own error says so
    if isinstance(number, (int, float)) and not isinstance(number, bool):
        reason = number_problem(number)
        if reason is not None:
            raise ValueError(f"{value!r} {reason}")
    return value


#: a float that is finite and within ±MAX_ABS (use in every request model and record); the optional form
#: keeps the field's own bounds (``Field(None, ge=0)``) in the OpenAPI schema as minimum / maximum
FiniteFloat = Annotated[float, BeforeValidator(_refuse_non_finite)]
OptionalFiniteFloat = Annotated[float | None, BeforeValidator(_refuse_non_finite)]
