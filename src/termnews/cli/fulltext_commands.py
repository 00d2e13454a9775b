"""Full-text commands: fetch one article's page now, or switch a feed to full text."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import Any

from termnews.cli.argtypes import article_id
from termnews.cli.context import EXIT_INPUT, EXIT_OK, EXIT_SOURCES_FAILED, Context
from termnews.cli.output import error_line, print_json
from termnews.core.sources.folder import KIND_ARTICLES
from termnews.core.text import clean_line


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add fetch-full and full-text."""
    p = sub.add_parser(
        "fetch-full",
        parents=parents,
        help="fetch articles' web pages and keep their full text for offline reading",
    )
    p.add_argument("ids", nargs="+", type=article_id, metavar="ARTICLE_ID")
    p.add_argument("--json", action="store_true", help="print per-article outcomes as JSON")
    p.set_defaults(func=cmd_fetch_full)

    p = sub.add_parser(
        "full-text", parents=parents, help="fetch full text for a feed's new articles on refresh"
    )
    p.add_argument("feed", metavar="FEED", help="feed id, URL, path or title")
    p.add_argument("state", choices=["on", "off"])
    p.set_defaults(func=cmd_full_text)


def cmd_fetch_full(ctx: Context) -> int:
    """``termnews fetch-full``: on demand, for articles whose feed gives only a teaser."""
    ids: list[int] = ctx.args.ids
    found = ctx.store.existing_ids(ids)
    missing = [i for i in ids if i not in found]
    if missing:
        error_line(f"no article with id {', '.join(map(str, missing))}")
        return EXIT_INPUT
    if ctx.offline:
        error_line("--offline: not fetching article pages")
        return EXIT_INPUT
    from termnews.core.fulltext import fetch_full_texts  # the fetch stack: only when used

    outcomes = fetch_full_texts(ctx.store, ids, ctx.config)
    if ctx.args.json:
        print_json(
            [{"id": o.article_id, "ok": o.ok, "words": o.words, "error": o.error} for o in outcomes]
        )
    else:
        for o in outcomes:
            if o.ok:
                print(f"{o.article_id}: full text stored ({o.words} words)")
            else:
                error_line(f"article {o.article_id}: {clean_line(o.error)} (feed text kept)")
    return EXIT_OK if all(o.ok for o in outcomes) else EXIT_SOURCES_FAILED


def cmd_full_text(ctx: Context) -> int:
    """``termnews full-text FEED on|off``."""
    from termnews.core.fulltext import wants_full_text  # the fetcher: not at parser build

    feed = ctx.store.find_feed(ctx.args.feed)
    if ctx.args.state == "on" and feed.kind == KIND_ARTICLES:
        # Its articles are whole files with file: links; every refresh would only
        # have noted "the article has no web link" under each of them.
        error_line(
            f"[{feed.id}] {clean_line(feed.title)} is a folder or file of articles, "
            "already read in full; full text is for feeds whose articles link web pages"
        )
        return EXIT_INPUT
    ctx.store.update_feed(feed.id, full_text=int(ctx.args.state == "on"))
    if ctx.args.state == "off" and wants_full_text(replace(feed, full_text=False), ctx.config):
        # It said "full text off" while [fulltext] feeds kept fetching pages on refresh.
        where = clean_line(str(ctx.config.source or ctx.locations.config_file))
        error_line(
            f"full text stays on for [{feed.id}] {clean_line(feed.title)}: {where} lists it "
            "under [fulltext] feeds; remove it there (termnews never writes your config)"
        )
        return EXIT_INPUT
    print(f"full text {ctx.args.state} for [{feed.id}] {clean_line(feed.title)}")
    return EXIT_OK
