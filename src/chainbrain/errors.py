"""One base for the errors the library raises on purpose, each carrying what the user should read.

A :class:`ChainbrainError` holds a message in zh-CN (``str(e)``) that names what was wrong and what to do,
the HTTP status the web app answers with (:attr:`status`) and the exit code of the command line
(:attr:`exit_code`). The app and the CLI each have one handler for the whole family, so a route or a
command only calls the library and lets its errors through.

The library's own error classes subclass one of the kinds below and keep their historical base as well
(``class BoundaryError(InvalidInput, ValueError)``), so ``except ValueError`` still catches them.
"""

from __future__ import annotations


class ChainbrainError(Exception):
    """An error with a user message in zh-CN, an HTTP status and a CLI exit code.

    ``param`` names the request parameter the message is about; the web app then prefixes it
    (``参数 stage 不正确：…``), the CLI, whose options are named by the command's own help, does not.
    """

    #: HTTP status of the API answer
    status: int = 400
    #: exit code of the command line
    exit_code: int = 1

    def __init__(self, message: str = "", *args: object, param: str | None = None) -> None:
        super().__init__(message, *args)
        self.param = param

    @property
    def message(self) -> str:
        """The user message, in zh-CN."""
        return str(self.args[0]) if self.args else ""

    def __str__(self) -> str:
        # KeyError (a base of some subclasses) would quote its message: show it as written
        return self.message

    @property
    def api_message(self) -> str:
        """What the web app answers in ``detail``: the message, after the parameter it is about."""
        return f"参数 {self.param} 不正确：{self.message}" if self.param else self.message


class InvalidInput(ChainbrainError):
    """The input (a parameter, a file, a row, a value) is not valid: 422."""

    status = 422


class NotFound(ChainbrainError):
    """The record asked for does not exist: 404."""

    status = 404


class Conflict(ChainbrainError):
    """The write collides with what is stored (a taken name, a concurrent write): 409."""

    status = 409


class Forbidden(ChainbrainError):
    """The user may not do this (another firm's record, a wrong current password): 403."""

    status = 403


class Unavailable(ChainbrainError):
    """The store or a service cannot be used as it is (a newer schema, a missing file): 503."""

    status = 503


def os_reason(e: BaseException) -> str:
    """Why a file could not be read or written, in zh-CN (the system's own text is English)."""
    if isinstance(e, UnicodeDecodeError):
        return f"不是 {e.encoding.upper()} 编码的文本（第 {e.start + 1} 个字节无法解码）"
    if isinstance(e, FileNotFoundError):
        return "文件不存在"
    if isinstance(e, IsADirectoryError):
        return "这是一个文件夹，不是文件"
    if isinstance(e, NotADirectoryError):
        return "路径中有一段不是文件夹"
    if isinstance(e, PermissionError):
        return "没有读写权限"
    if isinstance(e, FileExistsError):
        return "文件已存在"
    if isinstance(e, OSError) and e.errno == 28:  # ENOSPC
        return "磁盘空间不足"
    if isinstance(e, OSError) and e.strerror:
        return f"系统错误 {e.errno}（{e.strerror}）"
    return f"系统错误（{e}）"
