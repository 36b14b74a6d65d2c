"""Checks shared by the commands' number options: every number that enters is finite and bounded.

Click reads ``--capacity inf``, ``nan`` and ``1e309`` as floats; pass :func:`finite` as the option's
``callback`` so such a value is refused before the command runs (exit 2, the reason in Chinese).
"""

from __future__ import annotations

import typer


def finite(ctx: typer.Context, param: typer.CallbackParam, value: float | None) -> float | None:
    """Option callback: ``value`` unchanged when finite and within ±1e15, else a usage error (exit 2)."""
    if value is None or ctx.resilient_parsing:
        return value
    # imported here: chainbrain.schema builds every pydantic model, which a command with no number given
    # (or none at all) need not pay for
    from chainbrain.schema.numbers import number_problem

    reason = number_problem(value)
    if reason is not None:
        raise typer.BadParameter(f"{value} {reason}", ctx=ctx)
    return value
