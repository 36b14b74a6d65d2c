"""Targets, observations, trajectories and early warnings (监测预警 + 辅助研判).

- :mod:`~chainbrain.monitor.registry` — the plans' targets with citations (bundled and in the store);
- :mod:`~chainbrain.monitor.observations` — append-only observations with checks;
- :mod:`~chainbrain.monitor.live` — indicators measured from the chain data, store snapshots;
- :mod:`~chainbrain.monitor.trajectory` — required path and projection;
- :mod:`~chainbrain.monitor.status` — status rule, warning list, catch-up levels;
- :mod:`~chainbrain.monitor.io` — the ``observations`` table for import / export / template;
- :mod:`~chainbrain.monitor.demo` — demo observations.
"""
