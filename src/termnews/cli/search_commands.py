"""``termnews search``: the query language from the command line, plus saved searches.

The same parser, ranking and filters as the TUI's search bar. Saved searches
can be listed with their counts (``--saved``), kept (``--save NAME``) and
forgotten (``--forget NAME``); those kept from here or from the TUI live in the
cache, while ``[search] saved`` in the config file is only ever read.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

import termnews.core.search as searching
from termnews.cli.argtypes import non_negative_int, positive_int
from termnews.cli.context import EXIT_INPUT, EXIT_OK, Context
from termnews.cli.output import age, error_line, iso, notice_line, print_json
from termnews.core.search.mute import compile_rules, sync_mute_rules
from termnews.core.text import clean_line, fit_cells

if TYPE_CHECKING:
    from termnews.core.search import SearchHit

# ``searching``'s names load on first use: every command builds this module's parser,
# and only ``termnews search`` needs the query engine.


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``search`` subcommand."""
    p = sub.add_parser(
        "search",
        parents=parents,
        help='find articles: words, "phrases", section: feed: author: is: since: filters',
        description=(
            "Search cached articles. Words and quoted phrases must all appear; "
            "filters: section:NAME feed:NAME author:NAME title:WORD is:unread|read|starred|muted "
            "since:2d before:2026-01-24; -word or -filter:x excludes; a OR b. "
            "Quote the query for your shell: termnews search '\"sea level\" is:unread'."
        ),
    )
    p.add_argument("query", nargs="*", metavar="QUERY", help="the query (words are joined)")
    p.add_argument("--limit", type=positive_int, default=50, help="at most N results (default 50)")
    p.add_argument("--offset", type=non_negative_int, default=0, help="skip the first N results")
    p.add_argument("--newest", action="store_true", help="newest first instead of best first")
    p.add_argument(
        "--show-muted", action="store_true", help="include articles hidden by mute rules"
    )
    p.add_argument("--json", action="store_true", help="print JSON (see README)")
    p.add_argument("--save", metavar="NAME", help="keep the query as a saved search NAME")
    p.add_argument("--saved", action="store_true", help="list saved searches with their counts")
    p.add_argument("--forget", metavar="NAME", help="delete the saved search NAME")
    p.set_defaults(func=cmd_search)


def hit_json(hit: SearchHit) -> dict[str, Any]:
    """The documented JSON shape of one search result (README: "Search")."""
    return {
        "id": hit.article_id,
        "title": hit.title,
        "title_spans": [list(s) for s in hit.title_spans],
        "feed": hit.feed_title,
        "feed_id": hit.feed_id,
        "section": hit.section,
        "published": iso(hit.published),
        "link": hit.link,
        "author": hit.author,
        "read": hit.read,
        "starred": hit.starred,
        "muted": hit.muted,
        "score": round(hit.score, 4),
        "snippet": hit.snippet,
        "snippet_spans": [list(s) for s in hit.snippet_spans],
    }


def _styled(text: str, spans: tuple[tuple[int, int], ...], style: str) -> Any:
    from rich.text import Text

    line = Text(text)
    for start, end in spans:
        line.stylize(style, start, end)
    return line


def _print_hits(hits: list[SearchHit]) -> None:
    if not sys.stdout.isatty():
        for h in hits:
            flags = ("*" if h.starred else " ") + ("N" if not h.read else " ")
            sys.stdout.write(
                f"{h.article_id:>7} {flags} {age(h.published):>6}  "
                f"{fit_cells(clean_line(h.section), 12)} "
                f"{fit_cells(clean_line(h.feed_title), 18)} {h.title}\n"
            )
            if h.snippet:
                sys.stdout.write(f"{'':>18}{h.snippet}\n")
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False)
    for h in hits:
        flags = ("*" if h.starred else " ") + ("N" if not h.read else " ")
        head = Text(
            f"{h.article_id:>7} {flags} {age(h.published):>6}  "
            f"{fit_cells(clean_line(h.section), 12)} {fit_cells(clean_line(h.feed_title), 18)} ",
            style="dim",
        )
        head.append_text(_styled(h.title, h.title_spans, "bold reverse"))
        console.print(head, overflow="ellipsis", no_wrap=True)
        if h.snippet:
            snippet = Text(" " * 18)
            snippet.append_text(_styled(h.snippet, h.snippet_spans, "bold"))
            console.print(snippet, style="dim", overflow="ellipsis", no_wrap=True)


def _list_saved(ctx: Context) -> int:
    saved = searching.saved_searches(ctx.store, ctx.config.search.saved)
    numbers = searching.saved_search_counts(ctx.store, {s.name: s.query for s in saved})
    if ctx.args.json:
        print_json(
            [
                {
                    "name": s.name,
                    "query": s.query,
                    "source": s.source,
                    "total": numbers[s.name].total,
                    "unread": numbers[s.name].unread,
                    "error": numbers[s.name].error,
                }
                for s in saved
            ]
        )
        return EXIT_OK
    if not saved:
        print(
            "No saved searches. Save one with: termnews search QUERY --save NAME", file=sys.stderr
        )
    for s in saved:
        n = numbers[s.name]
        status = f"error: {n.error}" if n.error else f"{n.unread} unread / {n.total}"
        print(f"{clean_line(s.name):<20} {status:<22} {clean_line(s.query)}  [{s.source}]")
    return EXIT_OK


def cmd_search(ctx: Context) -> int:
    """``termnews search``: ranked results, or saved-search management."""
    args = ctx.args
    text = " ".join(args.query).strip()
    for flag, used in (("--forget", args.forget is not None), ("--saved", args.saved)):
        if used and text:  # the words were silently dropped: say so instead
            error_line(f"{flag} takes no query (got {text!r}); search for it without {flag}")
            return EXIT_INPUT
    if args.forget is not None:  # '' too: an empty name is an error, not no --forget
        if not searching.delete_saved_search(ctx.store, args.forget):
            if args.forget in ctx.config.search.saved:
                error_line(f"{args.forget!r} is in the config file ({ctx.locations.config_file}); "
                           "remove it there")  # fmt: skip
            else:
                error_line(f"no saved search named {args.forget!r}")
            return EXIT_INPUT
        return EXIT_OK
    if args.saved:
        return _list_saved(ctx)
    if not text:  # parse_query takes blank text for no search (an emptied search bar)
        error_line(str(searching.nothing_to_search(text)))
        return EXIT_INPUT
    query = searching.parse_query(text)
    if args.save is not None:  # save_search refuses an empty name
        saved = searching.save_search(ctx.store, args.save, text)
        notice_line(f"saved search {saved.name!r}: {saved.query}")
        if saved.name in ctx.config.search.saved:
            # The config wins on a name clash: the saved query was never the one used
            # (the reader's S says so; this said nothing).
            where = ctx.config.source or ctx.locations.config_file
            notice_line(
                f"warning: the config file ({where}) has a saved search {saved.name!r} "
                f"too; it wins: {clean_line(ctx.config.search.saved[saved.name])}"
            )
    report = sync_mute_rules(ctx.store, ctx.config)
    for problem in report.errors or compile_rules(ctx.config.search.mute)[1]:
        notice_line(problem)
    for warning in searching.query_warnings(ctx.store, query):
        notice_line(warning)
    hits = searching.search(
        ctx.store,
        query,
        limit=args.limit,
        offset=args.offset,
        order="newest" if args.newest else "relevance",
        include_muted=args.show_muted,
    )
    if args.json:
        print_json([hit_json(h) for h in hits])
        return EXIT_OK
    _print_hits(hits)
    if not hits:
        print(_nothing_found(ctx, query), file=sys.stderr)
    return EXIT_OK


def _nothing_found(ctx: Context, query: searching.Query) -> str:
    """Why no hit was printed: nothing matches, or ``--offset`` skipped every match.

    "No articles match." after ``--offset 40`` told a script paging through 12
    results that the search itself had found nothing.
    """
    offset: int = ctx.args.offset
    if offset:
        total = searching.counts(ctx.store, query, include_muted=ctx.args.show_muted)[0]
        if total:
            return f"No results left past {offset} (of {total})."
    return "No articles match."
