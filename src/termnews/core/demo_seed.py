"""Seeding a cache with the bundled sample feeds (``--demo`` and first run).

The sample files are subscribed and read through the ordinary local-source
path, exactly like a user's own feed files. Their dates are fixed in the files,
so after loading, the articles are shifted as one block to end "just now": the
demo reads like today's news whenever it is opened, and relative order, ages
and the trending window all still make sense.
"""

from __future__ import annotations

import time

from termnews.core.refresh import RefreshReport, refresh
from termnews.core.store import Store


def seed_demo(store: Store, shift_dates: bool = True) -> RefreshReport:
    """Subscribe the bundled feeds and ingest them; returns the refresh report."""
    from termnews.demo import demo_feeds

    feeds = []
    for demo in demo_feeds():
        feed, _new = store.add_feed(str(demo.path), title=demo.title, section=demo.section)
        feeds.append(feed)
    report = refresh(store, feeds, offline=True)
    if shift_dates:
        _shift_to_now(store)
    return report


def _shift_to_now(store: Store) -> None:
    row = store.conn.execute("SELECT max(sort_ts) FROM articles").fetchone()
    newest = row[0] if row else None
    if newest is None:
        return
    delta = (time.time() - 15 * 60) - float(newest)
    if delta <= 0:
        return
    with store.transaction() as conn:
        conn.execute(
            "UPDATE articles SET sort_ts = sort_ts + ?, "
            "published = CASE WHEN published IS NULL THEN NULL ELSE published + ? END, "
            "updated = CASE WHEN updated IS NULL THEN NULL ELSE updated + ? END",
            (delta, delta, delta),
        )
