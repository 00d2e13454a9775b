"""Subscription commands: add, remove, feeds, refresh."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from termnews.cli.background import as_background_work, stop_signals_cancel
from termnews.cli.context import EXIT_INPUT, EXIT_OK, EXIT_SOURCES_FAILED, Context
from termnews.cli.output import error_line, feed_json, iso, notice_line, print_json, section_named
from termnews.core.errors import NotFoundError, SourceError
from termnews.core.models import Feed
from termnews.core.refresh_progress import FORMAT_JSONL, LineWriter
from termnews.core.text import clean_line, plural

if TYPE_CHECKING:
    from datetime import datetime

    from termnews.core.refresh import FeedOutcome, RefreshReport

# The refresh and local-source modules bring the whole fetch and parse stack (feedparser,
# lxml, httpx: ~150 ms); every command module is imported to build the parser, so they are
# imported inside the commands that use them, keeping `termnews articles` and the reader quick.


NO_FEEDS_HINT = (
    "No subscriptions yet. Add one with: termnews add URL_OR_PATH [--section NAME]\n"
    "or start with well-known news feeds: termnews import --starter"
)
"""What ``feeds`` and a ``refresh`` of nothing say to a user with no feeds."""


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add the subscription subcommands."""
    p = sub.add_parser("add", parents=parents, help="subscribe to a feed URL, file or directory")
    p.add_argument(
        "source",
        metavar="URL_OR_PATH",
        help="feed URL, web page, feed file, OPML list, article file (.html .md .txt), or a "
        "folder: its feeds, OPML lists and article pages, subfolders included",
    )
    p.add_argument(
        "--section",
        help="section to put it in (default: General; in a folder, a feed's subfolder path, "
        "and the folder's name for its articles; an OPML list's own folders)",
    )
    p.add_argument("--title", help="title to show instead of the feed's own")
    p.add_argument("--json", action="store_true", help="print the added feeds as JSON")
    p.add_argument("--all", action="store_true", dest="all_feeds",
                   help="on a web page that lists several feeds, add every one "
                   "(default: the first)")  # fmt: skip
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("remove", parents=parents, help="unsubscribe (cached articles go too)")
    p.add_argument("feeds", nargs="+", metavar="FEED", help="feed id, URL, path or title")
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("feeds", parents=parents, help="list subscriptions and their status")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_feeds)

    p = sub.add_parser("refresh", parents=parents, help="fetch new articles")
    p.add_argument(
        "feeds", nargs="*", metavar="FEED", help="feed id, URL, path or title (default: all)"
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="ignore caching hints and Retry-After; re-read everything",
    )
    p.add_argument("--json", action="store_true", help="print per-feed outcomes as JSON")
    p.add_argument("--section", metavar="NAME", help="only the feeds in this section")
    p.add_argument(
        "--progress",
        choices=("jsonl",),
        help="jsonl: one JSON object per finished feed on stdout as it happens, "
        "then a summary line (for programs; the reader runs its refresh this way)",
    )
    p.add_argument(
        "--index",
        action="store_true",
        help="then bring the search index and related stories up to date before exiting "
        "(as 'termnews index'; otherwise they are built on first use)",
    )
    p.add_argument(
        "--low-priority",
        action="store_true",
        help="run as background work (Linux SCHED_IDLE, else nice 10): interactive "
        "programs always get the CPU first",
    )
    p.set_defaults(func=cmd_refresh)


def _add_local(
    ctx: Context,
    ref: str,
    section: str | None,
    title: str | None,
    failed: list[str],
    already: list[str],
) -> list[Feed]:
    """Subscribe what a local path holds; returns the feeds to read right away.

    OPML lists (named, or found in a folder) are imported as ``termnews import``
    does: subscribed, not fetched, so a failing web feed of the list is not
    unsubscribed again the way an unreadable local file is.
    """
    from termnews.core.sources.local import KIND_ARTICLES, KIND_OPML, discover_local

    notes: list[str] = []
    sources = discover_local(ref, notes)
    for note in notes:
        notice_line(note)
    added: list[Feed] = []
    known = {f.url for f in ctx.store.feeds()}
    feed_sources = [s for s in sources if s.kind != KIND_OPML]
    for source in sources:
        if source.kind == KIND_OPML:
            try:
                _import_local_opml(ctx, source.path, section)
            except SourceError as exc:
                if len(sources) == 1:  # the list the user named: an input error
                    raise
                error_line(f"{exc} (not imported)")
                failed.append(source.url)
            continue
        if source.url in known:
            print(f"already subscribed: {clean_line(source.url)}", file=sys.stderr)
            already.append(source.url)
            continue
        default_section = (
            source.path.name
            if source.kind == KIND_ARTICLES and source.path.is_dir()
            else source.section
        )
        feed, _new = ctx.store.add_feed(
            source.url,
            title=title if len(feed_sources) == 1 else None,
            section=section or default_section,
            kind=source.kind,
        )
        added.append(feed)
    return added


def _import_local_opml(ctx: Context, path: Path, section: str | None) -> None:
    """Import one OPML file met by ``add`` (raises :class:`SourceError` if it is unusable)."""
    from termnews.core.sources.local import read_bytes
    from termnews.core.sources.opml import MAX_OPML_BYTES, import_opml, parse_opml

    document = parse_opml(read_bytes(path, limit=MAX_OPML_BYTES), str(path))
    report = import_opml(ctx.store, document, section=section)
    for warning in report.warnings:
        notice_line(f"warning: {clean_line(str(path))}: {warning}")
    existing = report.already_subscribed
    already = f", {existing} already subscribed" if existing else ""
    hint = "; run 'termnews refresh' to fetch them" if report.added else ""
    print(
        f"imported {plural(len(report.added), 'feed')} from {clean_line(str(path))}{already}"
        + hint,
        file=sys.stderr if ctx.args.json else sys.stdout,
    )


def cmd_add(ctx: Context) -> int:
    """``termnews add``: subscribe and read the new feed(s) right away."""
    from termnews.core.refresh import refresh
    from termnews.core.refresh_progress import STATUS_FAILED, STATUS_SKIPPED
    from termnews.core.sources.local import is_local_ref

    args = ctx.args
    ref: str = args.source
    if not ref.strip():  # "" resolved to the current directory and was searched as a folder
        error_line("give a feed URL or a local file or folder to add")
        return EXIT_INPUT
    before = {f.id for f in ctx.store.feeds()}
    failed_lists: list[str] = []
    known: list[str] = []
    if is_local_ref(ref):
        feeds = _add_local(ctx, ref, args.section, args.title, failed_lists, known)
    else:
        from termnews.core.subscribe import add_remote

        notes: list[str] = []
        feeds = add_remote(
            ctx.store,
            ref,
            section=args.section,
            title=args.title,
            offline=ctx.offline,
            settings=ctx.config,
            all_feeds=getattr(args, "all_feeds", False),
            notes=notes,
        )
        for note in notes:
            notice_line(note)
        feeds = _apply_asked(ctx, feeds, before, args.section, args.title)
    # Stored only, as by 'termnews refresh': the indexes follow on first use (or the
    # reader's index pass), so adding a feed never waits for a backlog of them.
    report = refresh(
        ctx.store,
        feeds,
        offline=ctx.offline,
        settings=ctx.config,
        index=ctx.config.general.index_on_refresh,
    )
    if is_local_ref(ref):
        # A local file that cannot be read is not worth a subscription: undo it.
        for outcome in report.outcomes:
            if outcome.status == STATUS_FAILED and outcome.feed_id not in before:
                ctx.store.remove_feed(outcome.feed_id)
    by_id = {f.id: f for f in ctx.store.feeds()}
    if args.json:
        print_json(
            {
                "feeds": [feed_json(by_id[f.id]) for f in feeds if f.id in by_id],
                "refresh": report_json(report),
            }
        )
    else:
        for outcome in report.outcomes:
            feed = by_id.get(outcome.feed_id)
            name = clean_line(feed.title if feed else outcome.title)
            where = clean_line(feed.section if feed else "")
            if outcome.status == STATUS_FAILED:
                error_line(f"{outcome.url}: {outcome.error} (not added)")
            else:
                # add_remote hands back a feed already subscribed (the URL, or the
                # feed a page or a redirect leads to): it was not added again.
                verb = "already subscribed:" if outcome.feed_id in before else "added"
                new = plural(outcome.new, "new article")
                if outcome.status == STATUS_SKIPPED:
                    # "0 new articles" read as an empty feed; with --offline it was
                    # not even looked at (its title is still the URL).
                    why = clean_line(outcome.error or "skipped")
                    new = f"not fetched ({why}); 'termnews refresh' reads it"
                print(f"{verb} [{outcome.feed_id}] {name} in {where}: {new}")
            for warning in outcome.warnings:
                # On stderr, apart from the "added" line on stdout: name the feed.
                notice_line(f"warning: [{outcome.feed_id}] {name}: {clean_line(warning)}")
    if is_local_ref(ref) and report.failed and not known and not set(by_id) - before:
        # Nothing could be subscribed and nothing was already: the file (or every file
        # of the folder) is bad input, as a bad URL is (exit 2), not "some sources
        # failed" (exit 1).
        return EXIT_INPUT
    return EXIT_SOURCES_FAILED if report.failed or failed_lists else EXIT_OK


def _apply_asked(
    ctx: Context, feeds: list[Feed], before: set[int], section: str | None, title: str | None
) -> list[Feed]:
    """An already subscribed feed added again with ``--section``/``--title`` moves or is
    renamed, keeping its articles and their read state.

    It stayed as it was, and the line said "already subscribed: ... in Tech" after
    ``--section Podcasts``: there was no other way to move a feed than to remove it
    (and its read state) and add it again.
    """
    changed = False
    for feed in feeds:
        if feed.id not in before:
            continue
        wanted_section = clean_line(section) if section is not None else ""
        if wanted_section and wanted_section != feed.section:
            ctx.store.set_feed_section(feed.id, wanted_section)
            notice_line(f"[{feed.id}] {clean_line(feed.title)}: moved to {wanted_section}")
            changed = True
        wanted_title = clean_line(title) if title is not None else ""
        if wanted_title and len(feeds) == 1 and wanted_title != feed.title:
            ctx.store.update_feed(feed.id, title=wanted_title)
            notice_line(f"[{feed.id}] {clean_line(feed.title)}: renamed {wanted_title}")
            changed = True
    if not changed:
        return feeds
    return [ctx.store.feed(f.id) for f in feeds]


def cmd_remove(ctx: Context) -> int:
    """``termnews remove``: unsubscribe from one or more feeds."""
    feeds = [ctx.store.find_feed(ref) for ref in ctx.args.feeds]
    for feed in feeds:
        n = ctx.store.remove_feed(feed.id)
        print(f"removed [{feed.id}] {clean_line(feed.title)} ({n} cached articles)")
    return EXIT_OK


def cmd_feeds(ctx: Context) -> int:
    """``termnews feeds``: subscriptions with counts and last status."""
    feeds = ctx.store.feeds()
    if ctx.args.json:
        print_json([feed_json(f) for f in feeds])
        return EXIT_OK
    if not feeds:
        print(NO_FEEDS_HINT)
        return EXIT_OK
    section = None
    for f in feeds:
        if f.section != section:
            section = f.section
            print(f"{clean_line(section)}")
        if f.dead:
            status = "DEAD (HTTP 410 Gone: kept, no longer fetched; refresh --force retries)"
        elif f.failures:
            last_ok = f"last ok {_stamp(f.last_success)}" if f.last_success else "never fetched"
            status = f"FAILING x{f.failures}: {clean_line(f.last_error)} ({last_ok})"
        elif f.last_success:
            status = f"ok {_stamp(f.last_success)}"
        else:
            status = "never refreshed"
        print(f"  [{f.id}] {clean_line(f.title)}  ({f.unread}/{f.total} unread)  {status}")
        print(f"       {clean_line(f.url)}")
    return EXIT_OK


def _stamp(when: datetime) -> str | None:
    """A time for people to read: ISO 8601 UTC to the second (JSON keeps microseconds)."""
    return iso(when.replace(microsecond=0))


def outcome_json(o: FeedOutcome) -> dict[str, Any]:
    """The documented JSON shape of one feed's refresh outcome."""
    return {
        "feed_id": o.feed_id,
        "title": o.title,
        "url": o.url,
        "status": o.status,
        "new": o.new,
        "updated": o.updated,
        "error": o.error,
        "warnings": list(o.warnings),
    }


def report_json(report: RefreshReport) -> dict[str, Any]:
    """The documented JSON shape of ``termnews refresh --json``."""
    return {"feeds": [outcome_json(o) for o in report.outcomes], "totals": report.totals()}


def _skipped_note(skipped: int, offline: bool, cancelled: int = 0, by: str = "SIGTERM") -> str:
    """Why feeds were skipped, for the summary line.

    Feeds a stop signal (``by``: SIGTERM, SIGHUP) kept from being reached are said to
    be so: the summary called them "not due yet or gone; --force fetches them",
    --force given or not.
    """
    if not skipped:
        return ""
    if cancelled >= skipped:
        return f", {skipped} skipped (cancelled: stopped by {by})"
    why = "offline" if offline else "not due yet or gone; --force fetches them"
    if cancelled:
        why = f"{cancelled} cancelled: stopped by {by}; the others {why}"
    return f", {skipped} skipped ({why})"


def _refresh_selection(ctx: Context) -> list[Feed] | None:
    """The named feeds, narrowed to ``--section``; None means every feed."""
    args = ctx.args
    feeds = [ctx.store.find_feed(ref) for ref in args.feeds] if args.feeds else None
    section = args.section
    if section is not None and args.progress is None:
        # Typed by a person: any case, and a name that matches nothing is an error,
        # as for 'articles --section' (it refreshed "0 feeds" and exited 0). The
        # reader's child (--progress) keeps exact names: its section may be gone.
        names = list(ctx.store.section_names())
        found = section_named(names, section)
        if found is None:
            have = ", ".join(names) or "none yet"
            raise NotFoundError(f"no section named {section!r} (have: {have})")
        section = found
        # A named feed outside the section was dropped silently: "0 feeds", exit 0.
        for feed in feeds or ():
            if feed.section != section:
                raise NotFoundError(
                    f"feed [{feed.id}] {clean_line(feed.title)} is in section "
                    f"'{clean_line(feed.section)}', not '{clean_line(section)}'"
                )
    if section is not None:
        feeds = [f for f in feeds or ctx.store.feeds_to_check() if f.section == section]
    if args.feeds and feeds:
        feeds = [_due_when_named(f) for f in feeds]
    return feeds


def _due_when_named(feed: Feed) -> Feed:
    """A feed named on the command line is due now, whatever its own TTL says.

    Named, it is asked for now: by a person, or by the reader's ``r`` on one feed,
    which skipped it "not due yet" for up to a day (a feed's ``<ttl>``), with no way
    to fetch it from the reader. The fetch stays conditional (ETag/Last-Modified).
    A server's Retry-After (the feed failing: 429/503) and a 410 still hold, as
    without a name; ``--force`` overrides those.
    """
    if feed.next_check is None or feed.failures or feed.dead:
        return feed
    return replace(feed, next_check=None)


def cmd_refresh(ctx: Context) -> int:
    """``termnews refresh``: read every (or the named) source and report per feed."""
    from termnews.core.refresh import refresh
    from termnews.core.refresh_progress import STATUS_FAILED, STATUS_SKIPPED

    args = ctx.args
    if args.low_priority:
        as_background_work()
    try:
        feeds = _refresh_selection(ctx)
    except SourceError as exc:
        error_line(str(exc))
        return EXIT_INPUT
    from termnews.cli.progress import refresh_progress

    lines = LineWriter(sys.stdout) if args.progress == FORMAT_JSONL else None
    cancel = threading.Event()
    stopped_by: list[int] = []
    bar = not args.json and lines is None and sys.stderr.isatty()
    listed = (ctx.store.feeds_to_check() if feeds is None else feeds) if bar else ()
    with refresh_progress(bar, listed) as progress, stop_signals_cancel(cancel, stopped_by):
        if lines is not None:
            progress = lambda o, done, total: lines.feed(outcome_json(o), done, total)  # noqa: E731
        report = refresh(
            ctx.store,
            feeds,
            force=args.force,
            offline=ctx.offline,
            progress=progress,
            settings=ctx.config,
            cancel=cancel,
            index=False,
        )
    if lines is not None:
        lines.done(report.totals())
    elif args.json:
        print_json(report_json(report))
    else:
        for o in report.outcomes:
            if o.status == STATUS_FAILED:
                # A feed never read yet is titled by its URL: name it once, not twice.
                title, url = clean_line(o.title), clean_line(o.url)
                error_line(f"{title} ({url}): {o.error}" if title != url else f"{url}: {o.error}")
        t = report.totals()
        cancelled = sum(
            o.status == STATUS_SKIPPED and o.error == "cancelled" for o in report.outcomes
        )
        print(
            f"{plural(t['feeds'], 'feed')}: {plural(t['new_articles'], 'new article')},"
            f" {t['updated_articles']} "
            f"updated, {t['not_modified']} not modified, {t['unchanged']} unchanged, "
            f"{t['failed']} failed"
            + _skipped_note(t["skipped"], ctx.offline, cancelled, *_signal_names(stopped_by))
        )
        if not t["feeds"] and feeds is None and not ctx.store.feeds():
            # A first 'termnews refresh' said "0 feeds: 0 new articles, ..." and no more.
            print(NO_FEEDS_HINT, file=sys.stderr)
    if not stopped_by and (args.index or ctx.config.general.index_on_refresh):
        # After the summary (and the reader's "done" line): the new headlines can be
        # read while the indexes are built.
        from termnews.cli.maintenance_commands import run_index

        with stop_signals_cancel(cancel, stopped_by):
            run_index(ctx, cancel, quiet=args.json or lines is not None)
    if stopped_by:
        from termnews.core.hangup import signal_exit_code

        return signal_exit_code(stopped_by[0])
    return EXIT_SOURCES_FAILED if report.failed else EXIT_OK


def _signal_names(received: list[int]) -> list[str]:
    """The name of the signal that stopped a refresh, if one did (for its summary)."""
    return [signal.Signals(received[0]).name] if received else []
