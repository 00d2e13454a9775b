"""The least work a Python refresh can do: fetch, parse with lxml, store. A floor, not a reader.

Issue 8 asks for a cold refresh of 200 feeds x 50 items in half of newsboat's time.
``refresh_floor.py`` measures termnews with its extra work (related stories, the search
index) cut out; this goes further down, to what any Python program on the design card's
libraries needs for the same job, so the table can say how much room there is at all:

* one process per core (forked), each with its share of the feeds, fetching them with
  httpx (HTTP/1.1, gzip; 16 connections in all to the one loopback host, as termnews's
  benchmark profile allows);
* parsing each body as it arrives with lxml, taking only guid, link, title, date text and
  the raw body HTML of each item (no entity or date handling, no HTML to text, no
  sanitising, no encoding detection beyond lxml's own);
* inserting the rows into one SQLite table in WAL mode, unique on (feed, guid), in one
  transaction per feed.

Nothing here is used by termnews. Usage (``refresh_floor.py`` runs it as its ``bare`` side)::

    python benchmarks/bare_refresh.py URLS_FILE DB_PATH
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import sqlite3
import sys
from multiprocessing import Queue
from pathlib import Path

import httpx
from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
Row = tuple[str, str, str, str, str]
CONNECTIONS = 8
"""Connections per process: 16 in all, as termnews's benchmark profile allows (per_host)."""


def _text(node: etree._Element | None) -> str:
    return "" if node is None else (node.text or "")


def parse(body: bytes) -> list[Row]:
    """guid, link, title, date and body of each RSS item or Atom entry, as lxml gives them."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(body, parser)
    rows: list[Row] = []
    for item in root.iter("item"):
        link = _text(item.find("link"))
        content = item.find(CONTENT)
        html = _text(content if content is not None else item.find("description"))
        guid = _text(item.find("guid")) or link
        rows.append((guid, link, _text(item.find("title")), _text(item.find("pubDate")), html))
    for entry in root.iter(f"{ATOM}entry"):
        link_node = entry.find(f"{ATOM}link")
        link = "" if link_node is None else link_node.get("href", "")
        content = entry.find(f"{ATOM}content")
        html = _text(content if content is not None else entry.find(f"{ATOM}summary"))
        date = _text(entry.find(f"{ATOM}updated")) or _text(entry.find(f"{ATOM}published"))
        rows.append(
            (
                _text(entry.find(f"{ATOM}id")) or link,
                link,
                _text(entry.find(f"{ATOM}title")),
                date,
                html,
            )
        )
    return rows


def open_db(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(
        "CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, feed INTEGER, guid TEXT,"
        " link TEXT, title TEXT, date TEXT, body TEXT, UNIQUE (feed, guid))"
    )
    return db


def worker(share: list[tuple[int, str]], db_path: Path, done: Queue[int]) -> None:
    """One process: fetch its share of the feeds, parse each as it arrives, store its rows.

    Each process fetches for itself, so no body crosses a pipe (a first version that
    fetched in one process and sent the decoded bodies to a pool, the rows back, took
    0.3-0.6 s longer); SQLite serialises the writers (WAL, a busy timeout, one short
    transaction per feed).
    """
    db = open_db(db_path)
    db.execute("PRAGMA busy_timeout=30000")
    stored = 0

    async def fetch_all() -> None:
        nonlocal stored
        limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
        async with httpx.AsyncClient(limits=limits, timeout=30) as client:

            async def one(feed: int, url: str) -> None:
                nonlocal stored
                response = await client.get(url)
                rows = parse(response.content)
                db.execute("BEGIN IMMEDIATE")
                db.executemany(
                    "INSERT OR IGNORE INTO items (feed, guid, link, title, date, body)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    [(feed, *row) for row in rows],
                )
                db.execute("COMMIT")
                stored += len(rows)

            await asyncio.gather(*(one(feed, url) for feed, url in share))

    asyncio.run(fetch_all())
    db.close()
    done.put(stored)


def main(argv: list[str]) -> int:
    urls_file, db_path = Path(argv[0]), Path(argv[1])
    urls = [
        line.strip() for line in urls_file.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    open_db(db_path).close()
    processes = os.cpu_count() or 2
    context = multiprocessing.get_context("fork")
    done: Queue[int] = context.Queue()
    feeds = list(enumerate(urls))
    workers = [
        context.Process(target=worker, args=(feeds[k::processes], db_path, done))
        for k in range(processes)
    ]
    for process in workers:
        process.start()
    stored = sum(done.get() for _ in workers)
    for process in workers:
        process.join()
    print(f"{stored} items from {len(urls)} feeds")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
