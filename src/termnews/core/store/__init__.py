"""The SQLite cache: schema, migrations and the :class:`Store` API."""

from termnews.core.store.store import IngestResult, Store, entry_key

__all__ = ["IngestResult", "Store", "entry_key"]
