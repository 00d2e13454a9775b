"""Related-stories commands: ``termnews related`` and ``termnews trending``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from termnews.cli.argtypes import article_id, hours, positive_int
from termnews.cli.context import EXIT_OK, Context
from termnews.cli.output import age, iso, print_json
from termnews.core.text import clean_line, fit_cells

if TYPE_CHECKING:  # imported by the commands: every command builds this module's parser
    from termnews.core.related import RelatedItem, TrendingStory


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add the related-stories subcommands."""
    p = sub.add_parser(
        "related",
        parents=parents,
        help="list cached stories related to an article (same story from other sources first)",
    )
    p.add_argument("article", type=article_id, metavar="ARTICLE_ID")
    p.add_argument(
        "--limit", type=positive_int, help="at most N stories (default: [related] limit, 6)"
    )
    p.add_argument("--json", action="store_true", help="print JSON (see README)")
    p.set_defaults(func=cmd_related)

    p = sub.add_parser(
        "trending", parents=parents, help="stories told by the most sources in recent hours"
    )
    p.add_argument(
        "--hours", type=hours, help="window in hours (default: [related] trending_hours, 24)"
    )
    p.add_argument("--limit", type=positive_int, default=30, help="at most N stories (default 30)")
    p.add_argument("--json", action="store_true", help="print JSON (see README)")
    p.set_defaults(func=cmd_trending)


def related_json(item: RelatedItem) -> dict[str, Any]:
    """The documented JSON shape of a related story."""
    return {
        "id": item.article_id,
        "title": item.title,
        "section": item.section,
        "feed": item.feed_title,
        "feed_id": item.feed_id,
        "published": iso(item.published),
        "score": round(item.score, 4),
        "same_story": item.same_story,
    }


def trending_json(story: TrendingStory) -> dict[str, Any]:
    """The documented JSON shape of a trending story."""
    return {
        "story_id": story.story_id,
        "id": story.article_id,
        "title": story.title,
        "section": story.section,
        "feed": story.feed_title,
        "sources": story.sources,
        "articles": story.articles,
        "latest": iso(story.latest),
    }


def _indexes_ready(ctx: Context) -> None:
    """Related stories and stories told by many sources need every article indexed.

    A refresh leaves that to the pass after it (:mod:`termnews.core.indexing`): the
    first ``related`` or ``trending`` after one runs it (a second or two per 10,000
    new articles). A cache that cannot be written just now is read as it is.
    """
    from termnews.core.indexing import catch_up_all

    catch_up_all(ctx.store, ctx.config)


def cmd_related(ctx: Context) -> int:
    """``termnews related ARTICLE_ID``: most related first."""
    args = ctx.args
    limit = args.limit or ctx.config.related.limit
    from termnews.core.related import related_articles

    _indexes_ready(ctx)
    items = related_articles(ctx.store, args.article, limit=limit)
    if args.json:
        print_json([related_json(i) for i in items])
        return EXIT_OK
    out = sys.stdout
    if not items:
        out.write("no related stories in the cache\n")
    for i in items:
        mark = "same story" if i.same_story else f"{i.score:.2f}"
        out.write(
            f"{i.article_id:>7}  {mark:>10}  {age(i.published):>4}  "
            f"{fit_cells(clean_line(i.feed_title), 24)}  {clean_line(i.title)}\n"
        )
    return EXIT_OK


def cmd_trending(ctx: Context) -> int:
    """``termnews trending``: stories with the most distinct sources in the window."""
    args = ctx.args
    hours = args.hours or float(ctx.config.related.trending_hours)
    from termnews.core.related import trending

    _indexes_ready(ctx)
    stories = trending(ctx.store, hours=hours, limit=args.limit)
    if args.json:
        print_json([trending_json(s) for s in stories])
        return EXIT_OK
    out = sys.stdout
    if not stories:
        out.write(f"no story was told by two or more sources in the last {hours:g} hours\n")
    for s in stories:
        out.write(
            f"{s.article_id:>7}  {s.sources:>2} sources  {age(s.latest):>4}  "
            f"{clean_line(s.title)}\n"
        )
    return EXIT_OK
