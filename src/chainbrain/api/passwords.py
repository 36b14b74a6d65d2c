"""The password policy, as the API layer imports it: :mod:`chainbrain.store.passwords`."""

from chainbrain.store.passwords import *  # noqa: F403
