"""Reading commands: articles, show, read, unread, star, unstar."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from termnews.cli.argtypes import article_id, positive_int
from termnews.cli.context import EXIT_INPUT, EXIT_OK, Context
from termnews.cli.output import age, article_json, error_line, print_json, section_named
from termnews.core.models import Article
from termnews.core.text import (
    byline_author,
    cjk_line_spans,
    clean_block,
    clean_line,
    fit_cells,
    has_cjk,
    lines_of_parts,
    plural,
    terminal_form,
)
from termnews.core.title_echo import without_title_echo

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
    from rich.text import Text


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add the reading subcommands."""
    p = sub.add_parser("articles", parents=parents, help="list cached articles, newest first")
    p.add_argument("--section", help="only this section (or All, Unread, Starred)")
    p.add_argument("--feed", help="only this feed (id, URL, path or title)")
    p.add_argument("--unread", action="store_true", help="only unread articles")
    p.add_argument("--starred", action="store_true", help="only starred articles")
    p.add_argument("--limit", type=positive_int, default=50, help="at most N articles (default 50)")
    p.add_argument("--json", action="store_true", help="print JSON (see README)")
    p.set_defaults(func=cmd_articles)

    p = sub.add_parser("show", parents=parents, help="print an article as readable text")
    p.add_argument("article", type=article_id, metavar="ARTICLE_ID")
    p.add_argument("--json", action="store_true", help="print JSON with the body")
    p.add_argument("--keep-unread", action="store_true", help="do not mark it read")
    p.set_defaults(func=cmd_show)

    for name, column, value, text in (
        ("read", "read", True, "mark articles read"),
        ("unread", "read", False, "mark articles unread"),
        ("star", "starred", True, "star articles"),
        ("unstar", "starred", False, "unstar articles"),
    ):
        p = sub.add_parser(name, parents=parents, help=text)
        if column == "read":
            p.add_argument("ids", nargs="*", type=article_id, metavar="ARTICLE_ID")
            every = p.add_mutually_exclusive_group()
            every.add_argument("--feed", help="every article of this feed (id, URL, path or title)")
            every.add_argument("--section", help="every article of this section")
            every.add_argument("--all", action="store_true", help="every article")
        else:
            p.add_argument("ids", nargs="+", type=article_id, metavar="ARTICLE_ID")
        p.add_argument("--json", action="store_true", help="print JSON (see README)")
        p.set_defaults(func=cmd_flag, column=column, value=value)


def cmd_articles(ctx: Context) -> int:
    """``termnews articles``: newest first, filtered."""
    args = ctx.args
    feed_id = ctx.store.find_feed(args.feed).id if args.feed else None
    section = args.section
    if section:
        names = [s.name for s in ctx.store.sections()]
        found = section_named(names, section)
        if found is None:
            error_line(f"no section named {section!r} (have: {', '.join(names)})")
            return EXIT_INPUT
        section = found
    articles = ctx.store.articles(
        section=section,
        feed_id=feed_id,
        unread=args.unread,
        starred=args.starred,
        limit=args.limit,
        with_body=False,  # neither the listing nor its JSON shows a body
    )
    if args.json:
        print_json([article_json(a) for a in articles])
        return EXIT_OK
    out = sys.stdout
    for a in articles:
        flags = ("*" if a.starred else " ") + ("N" if not a.read else " ")
        out.write(
            f"{a.id:>7} {flags} {age(a.published or a.updated):>6}  "
            f"{fit_cells(clean_line(a.section), 12)} {fit_cells(clean_line(a.feed_title), 18)} "
            f"{clean_line(a.title)}\n"
        )
    if not articles:
        print(_nothing_listed(ctx), file=sys.stderr)
    return EXIT_OK


def _nothing_listed(ctx: Context) -> str:
    """Why ``articles`` listed nothing: no feeds, nothing fetched yet, or the filters.

    "Add a feed" was the answer to every empty listing, also to a user with feeds
    whose ``--unread`` or ``--section`` simply matched nothing.
    """
    args = ctx.args
    if args.section or args.feed or args.unread or args.starred:
        return "No articles match these filters."
    if not ctx.store.feeds():
        return "No articles. Add a feed with: termnews add URL_OR_PATH"
    return "No articles cached yet. Fetch them with: termnews refresh"


def render_article(article: Article) -> None:
    """Print an article like a news page: section, headline, byline, body.

    Rich pads each line of Markdown to the console's width; on a terminal that is
    invisible, but into a pipe or a file it is runs of trailing spaces, so there the
    text is captured and each line right-stripped.
    """
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=False)
    if console.is_terminal:
        # The emoji forms every terminal draws at Rich's widths (core/text.py): a
        # skin tone is two cells more in tmux, and a line padded to the width by
        # Rich wrapped there. A pipe or a file gets the text as stored.
        _print_article(console, article, terminal_form)
        return
    with console.capture() as captured:
        _print_article(console, article)
    sys.stdout.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))


def _markdown(body: str) -> RenderableType:
    """``body`` as Rich Markdown, a table without a header row drawn without one.

    core/content.py writes a headerless HTML table with an empty header row (Markdown
    tables must have one); Rich drew it as a blank line over a heavy rule.
    """
    from rich import box
    from rich.markdown import Markdown, MarkdownElement, Paragraph, TableElement
    from rich.table import Table

    class _Table(TableElement):
        def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
            header = self.header.row.cells if self.header and self.header.row else []
            if any(cell.content.plain.strip() for cell in header):
                yield from super().__rich_console__(console, options)
                return
            table = Table(box=box.SIMPLE_HEAVY, show_header=False)
            for _ in header:
                table.add_column()
            for row in self.body.rows if self.body is not None else []:
                table.add_row(*(cell.content for cell in row.cells))
            yield table

    class _Paragraph(Paragraph):
        def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
            if not has_cjk(self.text.plain):
                yield from super().__rich_console__(console, options)
                return
            yield from cjk_lines(self.text, options.max_width)

    class _Markdown(Markdown):
        elements: ClassVar[dict[str, type[MarkdownElement]]] = {
            **Markdown.elements,
            "table_open": _Table,
            "paragraph_open": _Paragraph,
        }

    return _Markdown(body, hyperlinks=False)


def cjk_lines(text: Text, width: int) -> list[Text]:
    """``text`` broken into lines as the reader breaks Chinese and Japanese text.

    Rich wraps at spaces and folds a longer run at any character, so ``show``
    could start a line with "。" or "」" and cut a Latin word inside Chinese text;
    the reader's pane follows CJK line-breaking rules (core/text.cjk_line_spans)
    and so does this. Each line keeps its part of the styles.
    """
    lines: list[Text] = []
    for paragraph in text.split("\n", allow_blank=True):
        lines.extend(paragraph[start:end] for start, end in cjk_line_spans(paragraph.plain, width))
    return lines


def _print_article(console: Console, article: Article, shown: Callable[[str], str] = str) -> None:
    """Print ``article``; ``shown``: the form its text is printed in (see render_article)."""
    from rich.text import Text

    from termnews.core.content import reading_time_minutes as reading_time
    from termnews.core.dates import long_date

    # "By": as the reader's byline; an author who is the feed itself is said once.
    author = byline_author(article.author, article.feed_title)
    parts = [
        p
        for p in (
            clean_line(article.section).upper(),
            clean_line(article.feed_title),
            f"By {author}" if author else "",
            long_date(article.published or article.updated),
            f"{reading_time(article.body)} min read" if article.body.strip() else "",
        )
        if p
    ]
    for byline in lines_of_parts(parts, console.width):
        console.print(Text(shown(byline), style="dim"))
    title = Text(shown(clean_line(article.title)), style="bold")
    for line in cjk_lines(title, console.width) if has_cjk(title.plain) else [title]:
        console.print(line)
    console.print()
    # The body was cleaned at ingest, but a cache written by an older version or
    # another tool must not reach the terminal raw either (Rich passes ESC through).
    body = without_title_echo(clean_block(article.body), article.title, article.link)
    console.print(_markdown(shown(body) or "(no text)"))
    if article.full_error:
        console.print(
            Text(f"(full text unavailable: {clean_line(article.full_error)})", style="dim")
        )
    if article.link:
        console.print()
        console.print(Text(f"Original: {clean_line(article.link)}", style="dim"))


def cmd_show(ctx: Context) -> int:
    """``termnews show``: the article as readable text (marks it read)."""
    article = ctx.store.article(ctx.args.article)
    if not ctx.args.keep_unread and not article.read:
        ctx.store.set_read([article.id], True)
    if ctx.args.json:
        print_json(article_json(article, with_body=True))
    else:
        render_article(article)
    return EXIT_OK


_STATES = {("read", True): "read", ("read", False): "unread",
           ("starred", True): "starred", ("starred", False): "unstarred"}  # fmt: skip


def cmd_flag(ctx: Context) -> int:
    """``termnews read|unread|star|unstar``: articles by id, or (read and unread) every
    article of a feed, a section or the cache, as newsboat users mark them from scripts."""
    args = ctx.args
    state = _STATES[(args.column, args.value)]
    every = args.column == "read" and (args.feed or args.section or args.all)
    if every and args.ids:
        error_line(f"{state}: give article ids or --feed, --section or --all, not both")
        return EXIT_INPUT
    if args.column == "read" and not every and not args.ids:
        error_line(f"{state}: give article ids, or --feed F, --section S or --all")
        return EXIT_INPUT
    if every:
        return _flag_every(ctx, state)
    ids: list[int] = args.ids
    found = ctx.store.existing_ids(ids)
    missing = [i for i in ids if i not in found]
    if args.column == "read":
        changed = ctx.store.set_read(found, args.value)
    else:
        changed = ctx.store.set_starred(found, args.value)
    if args.json:
        print_json({"state": state, "changed": changed, "missing": missing})
    if missing:
        # The ids found were changed all the same: the error alone read as if
        # nothing had been (seen by qa18: 'read 1 99999' marked 1 read). The JSON
        # says so itself ("changed").
        done = f" (the other {len(found)} marked {state})" if found and not args.json else ""
        error_line(f"no article with id {', '.join(map(str, missing))}{done}")
        return EXIT_INPUT
    return EXIT_OK


def _flag_every(ctx: Context, state: str) -> int:
    """Mark every article of ``--feed``, ``--section`` or ``--all`` read or unread."""
    args = ctx.args
    store = ctx.store
    feed_id: int | None = None
    section: str | None = None
    if args.feed:
        feed = store.find_feed(args.feed)  # NotFoundError: one line, exit 2
        feed_id, where = feed.id, f"feed [{feed.id}] {clean_line(feed.title)}"
    elif args.section:
        names = [s.name for s in store.sections()]
        section = section_named(names, args.section)
        if section is None:
            error_line(f"no section named {args.section!r} (have: {', '.join(names)})")
            return EXIT_INPUT
        where = f"section {clean_line(section)}"
    else:
        where = "every feed"
    changed = store.mark_all_read(section=section, feed_id=feed_id, read=state == "read")
    if args.json:
        print_json({"state": state, "changed": changed, "missing": []})
    else:
        print(f"{plural(changed, 'article')} marked {state} ({where}).")
    return EXIT_OK
