"""Settings of the web app, read from the environment (prefix ``CHAINBRAIN_``) like the rest."""

from __future__ import annotations

from typing import Annotated

from pydantic import field_validator
from pydantic_settings import NoDecode

from chainbrain.settings import Settings


class ApiSettings(Settings):
    """The store and boundary of :class:`chainbrain.settings.Settings`, plus the web app's own.

    ``CHAINBRAIN_ALLOW_ANONYMOUS=1`` lets visitors who are not logged in read what a viewer reads
    (aggregates only); by default every API call but login needs a login.

    Lists (``CHAINBRAIN_TRUSTED_PROXIES``, ``CHAINBRAIN_ALLOWED_ORIGINS``) are comma-separated.
    """

    allow_anonymous: bool = False
    #: compute the slow first-visit results (target assessments, 招商 lists) on start-up, in the
    #: background (:mod:`chainbrain.api.warm`); ``chainbrain serve`` turns it on
    warm_caches: bool = False
    #: hours a login stays valid
    session_hours: int = 12
    #: failed logins for one user name (from any address) within ``login_window_s`` before the next
    #: login for that name is refused (429)
    login_max_failures: int = 5
    #: failed logins from one address (for any name) within ``login_window_s`` before it is refused
    login_max_failures_per_ip: int = 20
    login_window_s: int = 300
    #: addresses of reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed; empty: none
    #: (then the client address is the TCP peer, and a forged header changes nothing)
    trusted_proxies: Annotated[list[str], NoDecode] = []
    #: origins (``https://brain.example.cn``) besides the request's own host that may send cookie-
    #: authenticated writes (the CSRF check)
    allowed_origins: Annotated[list[str], NoDecode] = []
    #: largest upload accepted by the import routes, in bytes
    max_upload_bytes: int = 20 * 1024 * 1024

    @field_validator("trusted_proxies", "allowed_origins", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value
