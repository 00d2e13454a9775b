"""A live Rich progress bar for ``termnews refresh`` on a terminal.

With ``--json`` or when stderr is not a terminal no bar is drawn at all, so
scripts and cron mail get only the summary.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from termnews.core.refresh import FeedOutcome, ProgressCallback
from termnews.core.refresh_progress import STATUS_FAILED


@contextmanager
def refresh_progress(enabled: bool) -> Iterator[ProgressCallback | None]:
    """Yield a progress callback that drives a bar, or None when disabled."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    counts = {"new": 0, "failed": 0}
    with Progress(
        TextColumn("Refreshing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("feeds  {task.fields[new]} new  {task.fields[failed]} failed"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("refresh", total=None, new=0, failed=0)

        def update(outcome: FeedOutcome, done: int, total: int) -> None:
            counts["new"] += outcome.new
            counts["failed"] += outcome.status == STATUS_FAILED
            bar.update(
                task, completed=done, total=total, new=counts["new"], failed=counts["failed"]
            )

        yield update
