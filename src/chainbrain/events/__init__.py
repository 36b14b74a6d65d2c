"""Event monitoring: events in (manual, files, feeds, webhook), Chinese entity linking, what an event is
and how long it lasts, its exposure through the resilience engine, alerts, and incidents until recovery.

One concept per module: :mod:`link`, :mod:`aliases`, :mod:`ingest`, :mod:`feeds`, :mod:`classify`,
:mod:`exposure`, :mod:`alerts`, :mod:`incidents`.
"""
