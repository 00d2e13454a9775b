"""Bodies kept as HTML and turned into Markdown when read (schema 4, issue 8).

Real parts only: the real parser on a hostile feed, a real SQLite cache in a
tmp dir, and a cache of the previous schema (3) brought forward.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

from termnews.core.content import html_to_markdown
from termnews.core.models import ParsedFeed
from termnews.core.sources.parse import parse_feed_bytes
from termnews.core.store import Store
from termnews.core.store.schema import SCHEMA_VERSION

URL = "https://site.example/feed.xml"


def _rss(body: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>T</title><link>https://site.example/</link>
<item><guid>g1</guid><link>https://site.example/a/1</link><title>One</title>
<description><![CDATA[{body}]]></description></item>
</channel></rss>""".encode()


HOSTILE = (
    '<p>Hello <a href="/x">world</a> <b>bold</b></p>'
    '<script>alert(\'pwned\')</script><img src="javascript:alert(1)" alt="pic">'
    "<p>\x1b[31mred\x1b[0m second paragraph</p>"
)


def _fts_ids(store: Store, word: str) -> list[int]:
    rows = store.conn.execute(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", (word,)
    ).fetchall()
    return [r[0] for r in rows]


def test_parser_keeps_html_and_gives_text_summary_and_markdown() -> None:
    entry = parse_feed_bytes(_rss(HOSTILE), URL).entries[0]
    assert entry.content_html is not None and entry.content_base == "https://site.example/a/1"
    # The plain text (search, related stories) and the summary come from one parse.
    assert entry.content.startswith("Hello world bold")
    assert entry.summary == entry.content
    for text in (entry.content, entry.summary, entry.markdown):
        assert "alert" not in text and "<" not in text and "\x1b" not in text
    assert entry.markdown == html_to_markdown(entry.content_html, entry.content_base)
    assert "[world](https://site.example/x)" in entry.markdown


def test_store_reads_markdown_and_indexes_text(tmp_path: Path) -> None:
    parsed = parse_feed_bytes(_rss(HOSTILE), URL)
    with Store.open(tmp_path / "cache.db") as store:
        feed, _ = store.add_feed(URL, "T", "World")
        assert store.ingest(feed.id, parsed).new == 1
        article = store.articles()[0]
        assert article.content == parsed.entries[0].markdown
        assert article.body.startswith("Hello [world](https://site.example/x) **bold**")
        row = store.conn.execute("SELECT content, content_html FROM articles").fetchone()
        assert row[0] == parsed.entries[0].content and "<script>" in row[1]
        store.index_pending()
        assert _fts_ids(store, "world") == [article.id]
        assert _fts_ids(store, "pwned") == []
        # Same body again: unchanged; another body: updated, and the index follows it.
        assert store.ingest(feed.id, parsed).unchanged == 1
        changed = parse_feed_bytes(_rss("<p>Goodbye planet</p>"), URL)
        assert store.ingest(feed.id, changed).updated == 1
        assert store.article(article.id).content == "Goodbye planet"
        assert _fts_ids(store, "world") == [] and _fts_ids(store, "planet") == [article.id]


def test_schema_3_cache_keeps_its_markdown_and_is_rewritten_quietly(tmp_path: Path) -> None:
    path = tmp_path / "cache.db"
    parsed = parse_feed_bytes(_rss(HOSTILE), URL)
    entry = parsed.entries[0]
    # What termnews wrote before schema 4: the Markdown in ``content``, no HTML.
    legacy = replace(entry, content=entry.markdown, content_html=None, content_base=None)
    with Store.open(path) as store:
        feed, _ = store.add_feed(URL, "T", "World")
        store.ingest(feed.id, ParsedFeed(title="T", entries=(legacy,)))
        store.index_pending()
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE articles DROP COLUMN content_html")
    conn.execute("ALTER TABLE articles DROP COLUMN content_base")
    # Schema 5 (counts kept per feed) came later: undo it too, as a schema-3 file lacks it.
    conn.execute("DROP TABLE feed_counts")
    for name in ("insert", "delete", "update", "gc"):
        conn.execute(f"DROP TRIGGER IF EXISTS feed_counts_{name}")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()

    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        (article,) = store.articles()
        assert article.content == entry.markdown
        store.set_read([article.id])
        # The same item fetched again is not "updated": it is stored in the new form.
        result = store.ingest(feed.id, parsed)
        assert (result.new, result.updated, result.unchanged) == (0, 0, 1)
        row = store.conn.execute("SELECT content, content_html FROM articles").fetchone()
        assert row[0] == entry.content and row[1] == entry.content_html
        again = store.article(article.id)
        assert again.content == entry.markdown and again.read
        assert _fts_ids(store, "world") == [article.id]
        assert store.ingest(feed.id, parsed).unchanged == 1


def test_clean_line_fast_path_matches_the_plain_definition() -> None:
    """clean_line skips work on safe text; its result must equal the full definition."""
    import re
    import unicodedata

    from termnews.core.text import _CONTROL_CHARS, _ESCAPE_SEQUENCES, clean_line

    def reference(text: str) -> str:
        text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
        text = _CONTROL_CHARS.sub("", _ESCAPE_SEQUENCES.sub("", text))
        return re.sub(r"[ \t\u00a0\u2000-\u200b\u3000]+", " ", text.replace("\n", " ")).strip()

    samples = [
        "plain words here",
        "  a  b\t\tc \n d  ",
        "x\u00a0 y\u3000z \u200b w\u2003\u2003v",
        "red \x1b[31mtext\x1b[0m and \x1b]8;;http://evil\x07link\x1b]8;;\x07",
        "bidi \u202eevil\u202c \x9b31m c1",
        "e\u0301 composed\r\nline\rbreaks",
        "tab\t \tmix \u00a0",
    ]
    for sample in samples:
        assert clean_line(sample) == reference(sample), sample
