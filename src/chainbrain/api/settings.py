"""Settings of the web app, read from the environment (prefix ``CHAINBRAIN_``) like the rest."""

from __future__ import annotations

from functools import lru_cache

from chainbrain.settings import Settings


class ApiSettings(Settings):
    """The store and boundary of :class:`chainbrain.settings.Settings`, plus the web app's own.

    ``CHAINBRAIN_ALLOW_ANONYMOUS=1`` lets visitors who are not logged in read what a viewer reads
    (aggregates only); by default every API call but login needs a login.
    """

    allow_anonymous: bool = False
    #: hours a login stays valid
    session_hours: int = 12
    #: failed logins per user name and address within ``login_window_s`` before the next is refused (429)
    login_max_failures: int = 5
    login_window_s: int = 300
    #: largest upload accepted by the import routes, in bytes
    max_upload_bytes: int = 20 * 1024 * 1024


@lru_cache
def get_api_settings() -> ApiSettings:
    return ApiSettings()
