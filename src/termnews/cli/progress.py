"""A live Rich progress bar for ``termnews refresh`` on a terminal.

With ``--json`` or when stderr is not a terminal no bar is drawn at all, so
scripts and cron mail get only the summary.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from termnews.core.refresh import FeedOutcome, ProgressCallback
from termnews.core.refresh_progress import STATUS_FAILED, PendingFeeds
from termnews.core.text import clean_line, fit_cells

if TYPE_CHECKING:
    from termnews.core.models import Feed

WAITING_CELLS = 40
"""Room the 'waiting for ...' note takes at most beside the bar."""
BAR_CELLS = 30
"""The bar's width; it narrows to :data:`LEAST_BAR_CELLS` to give the note room."""
LEAST_BAR_CELLS = 10
BESIDE_CELLS = 56
"""Cells the rest of the line takes besides the bar and the note (up to 9999/9999
feeds, 99,999 new, 999 failed and an hour's clock)."""
LEAST_WAITING_CELLS = 24
"""A note cut shorter than this says too little ('waiting for Harb…') to be shown."""


@contextmanager
def refresh_progress(
    enabled: bool, feeds: Sequence[Feed] = ()
) -> Iterator[ProgressCallback | None]:
    """Yield a progress callback that drives a bar, or None when disabled.

    ``feeds`` are those the refresh will read: once none has finished for a few
    seconds, the bar names the ones it is still waiting on (a slow server held it at
    "199/200" for up to a minute, saying nothing).
    """
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.text import Text

    pending = PendingFeeds((f.id, clean_line(f.title)) for f in feeds)

    class WaitingColumn(ProgressColumn):
        """Which feeds the refresh waits on, after a quiet spell (redrawn each tick)."""

        def render(self, task: Task) -> Text:
            waiting = pending.waiting()
            spare = console.width - BESIDE_CELLS - BAR_CELLS
            if waiting is None or spare + BAR_CELLS - LEAST_BAR_CELLS < LEAST_WAITING_CELLS:
                progress_bar.bar_width = BAR_CELLS
                return Text("")
            # The bar gives up cells to the note (drawn first, it narrows next tick).
            progress_bar.bar_width = max(
                LEAST_BAR_CELLS, min(BAR_CELLS, BAR_CELLS + spare - LEAST_WAITING_CELLS)
            )
            room = min(WAITING_CELLS, console.width - BESIDE_CELLS - progress_bar.bar_width)
            return Text(fit_cells(waiting, room).rstrip(), style="dim")

    console = Console(stderr=True)
    progress_bar = BarColumn(bar_width=BAR_CELLS)
    counts = {"new": 0, "failed": 0}
    with Progress(
        TextColumn("Refreshing"),
        progress_bar,
        MofNCompleteColumn(),
        TextColumn("feeds  {task.fields[new]} new  {task.fields[failed]} failed"),
        TimeElapsedColumn(),
        WaitingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("refresh", total=None, new=0, failed=0)

        def update(outcome: FeedOutcome, done: int, total: int) -> None:
            pending.done(outcome.feed_id)
            counts["new"] += outcome.new
            counts["failed"] += outcome.status == STATUS_FAILED
            bar.update(
                task, completed=done, total=total, new=counts["new"], failed=counts["failed"]
            )

        yield update
