"""The web app's accounts, as the routes import them: :mod:`chainbrain.store.accounts` (users, sessions,
the audit log and login throttling, with their SQL) under the name the API layer has always used."""

from chainbrain.store.accounts import *  # noqa: F403
