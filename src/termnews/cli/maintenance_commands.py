"""Cache maintenance: stats, cleanup, and a look at the config options."""

from __future__ import annotations

import argparse
import threading
from typing import TYPE_CHECKING, Any

from termnews.cli.context import EXIT_OK, Context
from termnews.cli.output import print_json
from termnews.core.config import Config, describe_options, option_value
from termnews.core.retention import cleanup
from termnews.core.text import clean_line, plural

if TYPE_CHECKING:
    from termnews.core.indexing import IndexReport


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add stats, cleanup and config."""
    p = sub.add_parser("stats", parents=parents, help="cache size and counts")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser(
        "cleanup", parents=parents, help="apply the [retention] rules and compact the cache"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--no-vacuum", action="store_true", help="do not compact the file")
    p.set_defaults(func=cmd_cleanup)

    p = sub.add_parser(
        "index",
        parents=parents,
        help="bring the search index and related stories up to date (a refresh leaves them)",
    )
    p.add_argument("--json", action="store_true", help="print what was indexed as JSON")
    p.add_argument(
        "--low-priority",
        action="store_true",
        help="run as background work (Linux SCHED_IDLE, else nice 10), as the reader does",
    )
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("config", parents=parents, help="show where files are and every option")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_config)


def _mib(n: int) -> str:
    return f"{n / 1048576:.1f} MiB"


def cmd_stats(ctx: Context) -> int:
    """``termnews stats``."""
    from termnews.core.indexing import pending

    stats = ctx.store.stats()
    search, related = pending(ctx.store)
    data = {
        **stats,
        "path": str(ctx.locations.db_path),
        "unindexed_search": search,
        "unindexed_related": related,
    }
    if ctx.args.json:
        print_json(data)
        return EXIT_OK
    print(f"cache      {ctx.locations.db_path}")
    print(f"size       {_mib(stats['bytes'])}")
    print(
        f"feeds      {stats['feeds']} in {plural(stats['sections'], 'section')}"
        f" ({stats['failing_feeds']} failing)"
    )
    print(f"articles   {stats['articles']} ({stats['unread']} unread, {stats['starred']} starred)")
    if search or related:
        print(
            f"index      {search} not yet searchable, {related} without related stories"
            " ('termnews index' builds them; a search or the reader does too)"
        )
    return EXIT_OK


def cmd_cleanup(ctx: Context) -> int:
    """``termnews cleanup``: retention rules from the config, then VACUUM."""
    rules = ctx.config.retention
    result = cleanup(ctx.store, rules, vacuum=not ctx.args.no_vacuum)
    if ctx.args.json:
        print_json(
            {
                "removed": result.removed,
                "bytes_before": result.bytes_before,
                "bytes_after": result.bytes_after,
            }
        )
        return EXIT_OK
    if not rules.max_age_days and not rules.max_per_feed:
        # With --no-vacuum it said "compacted only" of a run that compacted nothing.
        done = "nothing done (--no-vacuum)" if ctx.args.no_vacuum else "compacted only"
        print(f"No retention rules set ([retention] max_age_days / max_per_feed); {done}.")
    print(
        f"removed {plural(result.removed, 'article')}; cache {_mib(result.bytes_before)} -> "
        f"{_mib(result.bytes_after)}"
    )
    return EXIT_OK


def run_index(ctx: Context, cancel: threading.Event | None, *, quiet: bool) -> IndexReport:
    """Index what a refresh left; unless ``quiet``, say what in one line on stdout."""
    from termnews.core.indexing import index_all

    report = index_all(ctx.store, ctx.config, cancel)
    if not quiet:
        print(index_line(report))
    return report


def index_line(report: IndexReport) -> str:
    """One line for people: what an index pass added (or that nothing was left)."""
    if not report.search and not report.related:
        done = "search index and related stories were up to date"
    else:
        done = (
            f"indexed {plural(report.search, 'article')} for search,"
            f" {plural(report.related, 'article')} for related stories"
        )
    if report.muted:
        done += f"; {report.muted} muted"
    return done if report.complete else done + " (stopped before the end; run it again)"


def cmd_index(ctx: Context) -> int:
    """``termnews index``: build the indexes a refresh leaves for later."""
    from termnews.cli.background import as_background_work, stop_signals_cancel

    if ctx.args.low_priority:
        as_background_work()
    cancel = threading.Event()
    stopped_by: list[int] = []
    with stop_signals_cancel(cancel, stopped_by):
        report = run_index(ctx, cancel, quiet=ctx.args.json)
    if ctx.args.json:
        print_json(
            {
                "search": report.search,
                "related": report.related,
                "muted": report.muted,
                "complete": report.complete,
            }
        )
    if stopped_by:
        from termnews.core.hangup import signal_exit_code

        return signal_exit_code(stopped_by[0])
    return EXIT_OK


def cmd_config(ctx: Context) -> int:
    """``termnews config``: file locations and every option with its default."""
    config = ctx.config
    rows = describe_options()
    if ctx.args.json:
        # The default as a JSON value like "value" (it was the text form, "''" and
        # "False", which never equals the value a script compares it with).
        defaults = Config()
        print_json(
            {
                "config_file": str(ctx.locations.config_file),
                "config_loaded": config.source is not None,
                "data_dir": str(ctx.locations.data_dir),
                "cache": str(ctx.locations.db_path),
                "state_file": str(ctx.locations.state_file),
                "cache_dir": str(ctx.locations.cache_dir),
                "options": [
                    {
                        "key": k,
                        "default": option_value(defaults, k),
                        "help": h,
                        "value": option_value(config, k),
                    }
                    for k, _d, h in rows
                ],
            }
        )
        return EXIT_OK
    state = "found" if config.source else "not present (defaults in use)"
    print(f"config file  {ctx.locations.config_file}  [{state}]")
    print(f"data dir     {ctx.locations.data_dir}")
    # The other files README's "Where data lives" names: "where the files are" left
    # out the rebuildable ones (TERMNEWS_CACHE_DIR) and the UI state.
    print(f"  cache      {ctx.locations.db_path}")
    print(f"  UI state   {ctx.locations.state_file}")
    print(
        f"cache dir    {ctx.locations.cache_dir}  (parsed stylesheet, article body; safe to delete)"
    )
    print()
    for key, default, text in rows:
        print(f"  {key:<30} default {default:<12} {text}")
        value = repr(option_value(config, key))
        if value != default:  # what the file changed: the line a user looks for
            print(f"  {'':<30} set to  {clean_line(value)}")
    return EXIT_OK
