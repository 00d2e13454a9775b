"""The SQLite cache: schema, migrations and the :class:`Store` API."""

from termnews.core.store.rows import FeedRows, entry_key
from termnews.core.store.store import IngestResult, Store

__all__ = ["FeedRows", "IngestResult", "Store", "entry_key"]
