"""DuckDB store: connection, migrations and queries. The only package that writes SQL."""

from chainbrain.store.connection import connect, memory, migrate, schema_version

__all__ = ["connect", "memory", "migrate", "schema_version"]
