"""Cross-site request forgery: an unsafe request that a browser authenticates by its cookie must come from us.

The session cookie is SameSite=Lax, which already keeps it off most cross-site POSTs; this check does not
rely on that. A cookie-authenticated POST, PUT, PATCH or DELETE must carry an ``Origin`` header (or, when a
browser leaves it out, a ``Referer``) whose scheme, host and port are the request's own host or one of the
configured allowed origins (``CHAINBRAIN_ALLOWED_ORIGINS``). Browsers send ``Origin`` on every fetch that
is not a GET or HEAD, so the dashboard passes; a page on another site cannot forge it. A request carrying
``Authorization: Bearer`` is exempt: a browser never adds that header on its own, so whoever sends it holds
the token. OWASP's CSRF prevention cheat sheet calls this "verifying origin with standard headers".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of a URL, lower-cased, or None when it has none (``null``, garbage)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def csrf_problem(
    method: str, headers: Mapping[str, str], allowed_origins: Iterable[str] = (), *, require: bool = True
) -> str | None:
    """Why this request is refused as a possible forgery (zh-CN), or None when it may go on.

    ``require=False`` lets a request without Origin and Referer through (login, where no cookie
    authenticates anything yet); a present but foreign origin is refused either way.
    """
    if method.upper() not in UNSAFE_METHODS:
        return None
    sent = headers.get("origin")
    label = "Origin"
    if sent is None:
        sent = headers.get("referer")
        label = "Referer"
    if sent is None:
        if not require:
            return None
        return "请求缺少 Origin 和 Referer 请求头，已拒绝（防跨站请求伪造）；脚本调用请改用 Authorization: Bearer 令牌"
    origin = _origin_of(sent)
    host = headers.get("host", "").strip().lower()
    own = {f"http://{host}", f"https://{host}"} if host else set()
    allowed = own | {o.strip().rstrip("/").lower() for o in allowed_origins}
    if origin is None or origin not in allowed:
        return (
            f"请求来源（{label}: {sent[:200]!r}）与本站 {host or '?'} 不符，已拒绝（防跨站请求伪造）；"
            "经反向代理或其他域名访问时，请在 CHAINBRAIN_ALLOWED_ORIGINS 中列出该来源"
        )
    return None
