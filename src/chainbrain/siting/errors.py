"""Errors the siting models raise: bad input, and a solve that did not reach the status asked for."""

from __future__ import annotations


class SitingError(Exception):
    """Base class of the siting package's errors; the message is user-facing zh-CN."""


class InputError(SitingError, ValueError):
    """A problem's data is malformed: the message names what was wrong and where."""


class SolveError(SitingError):
    """The solver ended without a proven optimum; ``status`` is the solver's own status text."""

    def __init__(self, message: str, status: str) -> None:
        super().__init__(message)
        self.status = status
