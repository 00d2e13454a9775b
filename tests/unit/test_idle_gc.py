"""IdleCollector: full collections only once due and only after a pause in key presses."""

from __future__ import annotations

import gc

from termnews.app.idle_gc import DEFERRED_FULL_AFTER, IDLE_S, IdleCollector


def test_a_due_collection_waits_for_a_pause_then_runs() -> None:
    now = [100.0]
    collector = IdleCollector(clock=lambda: now[0])
    before = gc.get_threshold()
    collector.install()
    try:
        assert gc.get_threshold() == (before[0], before[1], DEFERRED_FULL_AFTER)
        gc.collect()
        assert not collector.due()
        now[0] += 10 * IDLE_S
        assert not collector.tick()  # idle, but nothing due
        kept = [[] for _ in range(200_000)]  # long-lived objects: a full collection due
        assert collector.due()
        collector.input_seen()
        now[0] += IDLE_S / 2
        assert not collector.tick()  # a key half a pause ago: not yet
        assert collector.due()
        now[0] += IDLE_S
        assert collector.tick()
        assert collector.collections == 1 and not collector.due()
        del kept
    finally:
        collector.uninstall()
    assert gc.get_threshold() == before


def test_not_installed_it_never_collects() -> None:
    now = [0.0]
    collector = IdleCollector(clock=lambda: now[0])
    kept = [[] for _ in range(200_000)]
    now[0] += 10 * IDLE_S
    assert not collector.tick()
    del kept
