"""Option values coerced without building a pydantic ``TypeAdapter`` for the common cases.

Typer 0.29 coerces every option value through a pydantic ``TypeAdapter`` built for that option on first use:
importing pydantic and building the first adapters costs about half as much CPU as opening a DuckDB
store, which every command pays for its ``--db``, ``--by`` or ``--top``. Most values are plain: a string, a
path, a decimal integer or number as typed. :func:`install` gives each option a coercion that handles
exactly those values the way the adapter does and hands everything else (a bound not met, ``1e3``,
``007``, a list, an enum, a file) to the adapter Typer would have built, so errors and unusual spellings
come out unchanged. tests/test_cli_fastparams.py compares both on each kind of value.

:func:`install` changes Typer's ``_TyperParameter.get_runtime_param`` (a private hook, pinned by uv.lock);
when a Typer release no longer has it, nothing is changed and every option goes through the adapter.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PosixPath
from typing import Any

#: handed to the adapter: the fast path cannot say for certain what the adapter would answer
SLOW: Any = object()

_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")
_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?")


def _in_range(value: float, info: Any) -> bool:
    return (info.min is None or value >= info.min) and (info.max is None or value <= info.max)


def _as_str(value: Any, info: Any) -> Any:
    return value if type(value) is str else SLOW


def _as_bool(value: Any, info: Any) -> Any:
    return value if type(value) is bool else SLOW


def _as_int(value: Any, info: Any) -> Any:
    if type(value) is str and _INT.fullmatch(value):
        value = int(value)
    elif type(value) is not int:
        return SLOW
    return value if _in_range(value, info) else SLOW


def _as_float(value: Any, info: Any) -> Any:
    if type(value) is str and _FLOAT.fullmatch(value):
        value = float(value)
    elif type(value) is not float:
        return SLOW
    return value if _in_range(value, info) else SLOW


def _as_path(value: Any, info: Any) -> Any:
    if type(value) is str:
        value = Path(value)
    elif type(value) is not PosixPath:
        return SLOW
    try:
        os.stat(value)
    except OSError:
        return value  # a path that need not exist, given as typed
    if info.readable and not os.access(value, os.R_OK):
        return SLOW  # the adapter words the refusal
    return value


def _plain_path(info: Any) -> bool:
    """A path option with none of the checks that word their own errors (exists, file/dir only, …)."""
    return (
        not info.exists
        and info.file_okay
        and info.dir_okay
        and not info.writable
        and not info.resolve_path
        and not info.allow_dash
        and info.path_type is None
    )


def fast_convert(descriptor: Any) -> Callable[[Any, Any], Any] | None:
    """The fast coercion for an option's resolved type, or None when only the adapter will do."""
    info = descriptor.parameter_info
    if descriptor.file_annotation is not None or info.parser is not None or info.clamp:
        return None
    annotation = descriptor.annotation
    if annotation is str:
        return _as_str
    if annotation is bool:
        return _as_bool
    if annotation is int:
        return _as_int
    if annotation is float:
        return _as_float
    if annotation is Path and _plain_path(info):
        return _as_path
    return None


def install() -> bool:
    """Give Typer's options the fast coercion; False (and nothing changed) when Typer lacks the hook."""
    try:
        from typer import _coercion, core
    except ImportError:  # pragma: no cover - a Typer without the adapter layer
        return False
    param_cls = getattr(core, "_TyperParameter", None)
    runtime_cls = getattr(_coercion, "RuntimeParam", None)
    build = getattr(_coercion, "build_runtime_param", None)
    if (
        param_cls is None
        or runtime_cls is None
        or build is None
        or not hasattr(param_cls, "get_runtime_param")
    ):
        return False
    if getattr(param_cls.get_runtime_param, "_chainbrain_fast", False):
        return True
    adapter_param: Callable[[Any], Any] = build

    @dataclass(frozen=True)
    class FastRuntimeParam(runtime_cls):  # type: ignore[misc, valid-type]
        """Coercion of plain values in Python; any other value goes to the adapter Typer builds."""

        convert: Callable[[Any, Any], Any]
        descriptor: Any

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            out = self.convert(value, self.parameter_info)
            if out is SLOW:
                return adapter_param(self.descriptor)._coerce_value(value, param=param, ctx=ctx)
            return out

    def get_runtime_param(self: Any) -> Any:
        if self._runtime_param is None:
            descriptor = self.type_descriptor
            convert = fast_convert(descriptor)
            if convert is None:
                self._runtime_param = adapter_param(descriptor)
            else:
                self._runtime_param = FastRuntimeParam(
                    parameter_info=descriptor.parameter_info,
                    annotation=descriptor.annotation,
                    convert=convert,
                    descriptor=descriptor,
                )
        return self._runtime_param

    get_runtime_param._chainbrain_fast = True  # type: ignore[attr-defined]
    get_runtime_param._typer_own = param_cls.get_runtime_param  # type: ignore[attr-defined]
    param_cls.get_runtime_param = get_runtime_param
    return True


def uninstall() -> None:
    """Put Typer's own coercion back (tests compare the CLI's answers with and without the fast path)."""
    from typer import core

    param_cls = getattr(core, "_TyperParameter", None)
    own = getattr(getattr(param_cls, "get_runtime_param", None), "_typer_own", None)
    if param_cls is not None and own is not None:
        param_cls.get_runtime_param = own
