"""The cache schema and its forward migrations, versioned with ``PRAGMA user_version``.

Each migration is a list of SQL statements applied in one transaction; the list
index + 1 is the schema version it produces. Migrations are only ever appended:
a cache written by any earlier termnews is brought forward on open.

Design notes (why the schema looks like this):

* ``articles.section`` duplicates the feed's section so that "headlines of a
  section, newest first" and "unread per section" are single index range scans
  at 100,000 articles; moving a feed updates its articles' section too.
* The FTS5 index uses external content (no second copy of the text) and is
  filled in batches after a refresh rather than by triggers: triggers made a
  cold refresh 2.7x slower on this kind of machine (shared PERF-NOTES).
  ``meta.fts_indexed_upto`` is the highest article id already indexed.
* Feed bodies are stored as their HTML (``content_html``) with their plain text
  in ``content``, and turned into Markdown only when read (schema 4): converting
  every body at ingest was most of a cold refresh's CPU time.
* Every new article goes into the UNIQUE (feed_id, guid) index and five others,
  about 70-80 ms of the writer's CPU per 10,000 articles together and 5-25 ms
  each (``benchmarks/index_cost.py``); the other partial indexes take few rows.
  Each one is the only fast path of some query, so none was dropped (session 10,
  median timings at 100,000 articles without it):
  ``idx_articles_ts``: All and Unread lists, ``termnews articles --unread``,
  since:, trending, retention by age, story sources (All list 1.0 -> 16 ms,
  ``with_sources`` 1.2 -> 17 ms); ``idx_articles_section_ts``: section lists and
  counts (count 0.4 -> 3.9 ms); ``idx_articles_feed_ts``: a feed's list in order
  (a 2,000-article feed 0.9 -> 2.2 ms; the UNIQUE index would need a sort);
  ``idx_articles_unread``: unread counts, saved searches' unread badges and
  mark-all-read of a section (badge with 5% unread 0.3 -> 11.5 ms; merged into
  the section index, 0.2 -> 1.2 ms); ``idx_articles_search``: search (an 88,000-
  match count 25 -> 58 ms); ``idx_articles_story`` served related stories
  (2 -> 160 ms without it) until schema 8 moved stories to their own table.
* Same-story membership lives in its own narrow table, ``article_stories``
  (schema 8), not in ``articles.story_id``: a cold refresh groups thousands of
  new articles, and setting a column of a 5-8 KB article row (8 KiB pages,
  overflow chains) rewrote the whole row and the partial story index, ~21 us
  an article against ~1.3 us for a narrow row. ``articles.story_id`` stays in
  the table (dropping a column rewrites every row of a large cache) but nothing
  reads or writes it any more: rows from before schema 8 keep their old value
  there, and newer rows NULL.
* ``removed_entries`` (schema 9) holds the dedupe key (``articles.guid``) of each
  article ``termnews cleanup`` removed. Feeds keep listing entries for weeks, so
  without it the next changed body of the feed brought a removed article back as
  new and unread. Ingest reads a feed's keys with one primary-key range query per
  batch, next to the one for its articles' keys, and skips those entries. A key
  is forgotten when an ingest of its feed no longer lists it (the feed has
  dropped it; listed again, it would be new), when no ingest has listed it for
  ``FORGET_REMOVED_DAYS`` (a feed that stopped changing), and with its feed;
  ``listed_at`` is when an ingest last saw it listed (or when it was removed).
  Once each feed has changed again, the table holds about what the feeds still
  list: a small row per entry instead of the 5-8 KB article row it replaced.
"""

from __future__ import annotations

FORGET_REMOVED_DAYS = 365
"""Days after which cleanup forgets a removed entry no refresh has seen listed since.

Only feeds that stopped changing keep keys that long (an ingest of a changed feed
forgets every key it no longer lists); a year is generous for a feed that still
lists an entry it published before, and it bounds what dead or abandoned feeds keep.
"""

APPLICATION_ID = 0x544E5753  # "TNWS": marks a file as a termnews cache.

MIGRATIONS: list[list[str]] = [
    # 1: feeds, articles, FTS index, meta.
    [
        """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
        """CREATE TABLE sections (
            name TEXT PRIMARY KEY,
            position INTEGER NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE feeds (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            section TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'feed',
            site_url TEXT,
            etag TEXT,
            last_modified TEXT,
            last_checked REAL,
            last_success REAL,
            last_error TEXT,
            failures INTEGER NOT NULL DEFAULT 0,
            next_check REAL,
            dead INTEGER NOT NULL DEFAULT 0,
            full_text INTEGER NOT NULL DEFAULT 0,
            ttl_minutes INTEGER,
            source_hash TEXT,
            added_at REAL NOT NULL
        )""",
        """CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
            section TEXT NOT NULL,
            guid TEXT NOT NULL,
            link TEXT,
            title TEXT NOT NULL,
            author TEXT,
            published REAL,
            updated REAL,
            sort_ts REAL NOT NULL,
            summary TEXT NOT NULL DEFAULT '',
            content TEXT NOT NULL DEFAULT '',
            categories TEXT NOT NULL DEFAULT '',
            image TEXT,
            enclosures TEXT NOT NULL DEFAULT '',
            content_hash TEXT NOT NULL,
            read INTEGER NOT NULL DEFAULT 0,
            starred INTEGER NOT NULL DEFAULT 0,
            fetched_at REAL NOT NULL,
            full_content TEXT,
            full_error TEXT,
            story_id INTEGER,
            UNIQUE (feed_id, guid)
        )""",
        "CREATE INDEX idx_articles_section_ts ON articles(section, sort_ts DESC)",
        "CREATE INDEX idx_articles_feed_ts ON articles(feed_id, sort_ts DESC)",
        "CREATE INDEX idx_articles_ts ON articles(sort_ts DESC)",
        "CREATE INDEX idx_articles_unread ON articles(section, feed_id) WHERE read = 0",
        "CREATE INDEX idx_articles_starred ON articles(sort_ts DESC) WHERE starred = 1",
        "CREATE INDEX idx_articles_link ON articles(feed_id, link)",
        "CREATE INDEX idx_articles_story ON articles(story_id) WHERE story_id IS NOT NULL",
        """CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, summary, content,
            content='articles', content_rowid='id',
            tokenize='porter unicode61 remove_diacritics 2'
        )""",
        "INSERT INTO meta(key, value) VALUES ('fts_indexed_upto', '0')",
    ],
    # 2 (search): mute rules and saved searches.
    # ``muted`` is set by termnews.core.search.mute for articles a mute rule matches;
    # lists and counts hide them. Muted articles are few, so the partial index is
    # tiny and lets counts subtract them instead of checking ``muted`` row by row
    # (which would make the covering count indexes useless).
    [
        "ALTER TABLE articles ADD COLUMN muted INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX idx_articles_muted ON articles(section, feed_id, read, starred, sort_ts)"
        " WHERE muted = 1",
        """CREATE TABLE saved_searches (
            name TEXT PRIMARY KEY,
            query TEXT NOT NULL,
            position INTEGER NOT NULL DEFAULT 0,
            created REAL NOT NULL
        )""",
        "INSERT INTO meta(key, value) VALUES ('mute_applied_upto', '0')",
    ],
    # 3: related stories (core/related.py): per-article term signatures, document
    # frequencies of terms, and the watermark of articles already indexed. Rows of
    # deleted articles go with them; document frequencies keep counting every article
    # ever seen (like the count in meta), so idf stays consistent.
    [
        """CREATE TABLE related_docs (
            article_id INTEGER PRIMARY KEY,
            sig BLOB NOT NULL,
            dup_key INTEGER NOT NULL
        )""",
        "CREATE TABLE related_df (term INTEGER PRIMARY KEY, df INTEGER NOT NULL)",
        """CREATE TRIGGER related_docs_gc AFTER DELETE ON articles BEGIN
            DELETE FROM related_docs WHERE article_id = old.id;
        END""",
        "INSERT INTO meta(key, value) VALUES ('related_indexed_upto', '0')",
        "INSERT INTO meta(key, value) VALUES ('related_docs_seen', '0')",
    ],
    # 4 (refresh speed): bodies kept as the feed's HTML, converted to Markdown when read.
    # For rows with ``content_html``, ``content`` holds the body's plain text (what the
    # FTS index and related stories read); rows written before keep their Markdown in
    # ``content`` and NULL here, and read exactly as before (models.body_markdown).
    [
        "ALTER TABLE articles ADD COLUMN content_html TEXT",
        "ALTER TABLE articles ADD COLUMN content_base TEXT",
    ],
    # 5: article counts kept per feed (total, unread, starred of articles no mute rule
    # hides), so the section list's counts cost one row per feed instead of walking
    # every article's index entry: Store.feeds() and sections() took ~60-90 ms at
    # 100,000 articles and grew with the cache (benchmarks/RESULTS.md, TUI start).
    # Triggers keep it exact through ingest, read/star/mute changes, retention and
    # unsubscribing (foreign-key cascades fire triggers too); each costs one small
    # upsert per changed article row, unlike FTS triggers (design notes above).
    [
        """CREATE TABLE feed_counts (
            feed_id INTEGER PRIMARY KEY,
            total INTEGER NOT NULL DEFAULT 0,
            unread INTEGER NOT NULL DEFAULT 0,
            starred INTEGER NOT NULL DEFAULT 0
        )""",
        """INSERT INTO feed_counts(feed_id, total, unread, starred)
            SELECT feed_id, count(*), sum(read = 0), sum(starred != 0)
            FROM articles WHERE muted = 0 GROUP BY feed_id""",
        """CREATE TRIGGER feed_counts_insert AFTER INSERT ON articles WHEN new.muted = 0 BEGIN
            INSERT INTO feed_counts(feed_id, total, unread, starred)
            VALUES (new.feed_id, 1, new.read = 0, new.starred != 0)
            ON CONFLICT(feed_id) DO UPDATE SET total = total + 1,
                unread = unread + excluded.unread, starred = starred + excluded.starred;
        END""",
        """CREATE TRIGGER feed_counts_delete AFTER DELETE ON articles WHEN old.muted = 0 BEGIN
            UPDATE feed_counts SET total = total - 1, unread = unread - (old.read = 0),
                starred = starred - (old.starred != 0)
            WHERE feed_id = old.feed_id;
        END""",
        """CREATE TRIGGER feed_counts_update AFTER UPDATE OF read, starred, muted, feed_id
            ON articles
            WHEN old.read IS NOT new.read OR old.starred IS NOT new.starred
                OR old.muted IS NOT new.muted OR old.feed_id IS NOT new.feed_id
        BEGIN
            UPDATE feed_counts SET total = total - 1, unread = unread - (old.read = 0),
                starred = starred - (old.starred != 0)
            WHERE feed_id = old.feed_id AND old.muted = 0;
            INSERT INTO feed_counts(feed_id, total, unread, starred)
            SELECT new.feed_id, 1, new.read = 0, new.starred != 0 WHERE new.muted = 0
            ON CONFLICT(feed_id) DO UPDATE SET total = total + 1,
                unread = unread + excluded.unread, starred = starred + excluded.starred;
        END""",
        """CREATE TRIGGER feed_counts_gc AFTER DELETE ON feeds BEGIN
            DELETE FROM feed_counts WHERE feed_id = old.id;
        END""",
    ],
    # 6 (search speed): every column a search filter or its ordering reads, keyed by
    # id, for the join from full-text matches to ``articles``. Through the table
    # itself each match reads a page of ~2 KB rows (one page per match: 5,000
    # matches cost 7-19 ms); this index packs ~100 rows a page (2-4 ms). Search
    # names it (INDEXED BY): SQLite's planner prefers the rowid lookup.
    [
        "CREATE INDEX IF NOT EXISTS idx_articles_search ON articles"
        "(id, sort_ts, section, feed_id, read, starred, muted, author)",
    ],
    # 7 (refresh speed): less work per inserted article, the bulk of a cold refresh's
    # writes. ``idx_articles_link`` served no query (nothing looks articles up by link;
    # the planner uses idx_articles_feed_ts or the UNIQUE index for a feed's rows) and
    # cost one more b-tree insert per article. ``feed_counts_insert`` ran an upsert per
    # inserted row; ``Store.ingest``, the only writer of article rows, now adds a feed's
    # new rows to its counts with one upsert per feed, in the same transaction. The
    # delete and update triggers stay: those writes come from many places.
    [
        "DROP INDEX IF EXISTS idx_articles_link",
        "DROP TRIGGER IF EXISTS feed_counts_insert",
    ],
    # 8 (refresh speed): same-story membership out of the article rows (design notes
    # above). An article without a story has no row here. The index serves a story's
    # members (related stories, the story group, source counts, trending's
    # representatives); the trigger drops a deleted article's row as related_docs_gc
    # does (retention, unsubscribing: foreign-key cascades fire it too). The old
    # column's partial index goes: nothing queries ``articles.story_id`` now. Each
    # statement can run again on a cache that already has them (as 6 and 7 can).
    [
        """CREATE TABLE IF NOT EXISTS article_stories (
            article_id INTEGER PRIMARY KEY,
            story_id INTEGER NOT NULL
        )""",
        """INSERT OR IGNORE INTO article_stories(article_id, story_id)
            SELECT id, story_id FROM articles WHERE story_id IS NOT NULL""",
        "CREATE INDEX IF NOT EXISTS idx_article_stories_story ON article_stories(story_id)",
        """CREATE TRIGGER IF NOT EXISTS article_stories_gc AFTER DELETE ON articles BEGIN
            DELETE FROM article_stories WHERE article_id = old.id;
        END""",
        "DROP INDEX IF EXISTS idx_articles_story",
    ],
    # 9: the keys of entries retention removed (design notes above), so a refresh does
    # not ingest them again as new, unread articles while their feed still lists them.
    # WITHOUT ROWID: the primary key is the table, and ingest reads one feed's keys as
    # a single range of it. The trigger drops an unsubscribed feed's keys, as
    # feed_counts_gc drops its counts. Re-runnable, as 8 is.
    [
        """CREATE TABLE IF NOT EXISTS removed_entries (
            feed_id INTEGER NOT NULL,
            guid TEXT NOT NULL,
            listed_at REAL NOT NULL,
            PRIMARY KEY (feed_id, guid)
        ) WITHOUT ROWID""",
        """CREATE TRIGGER IF NOT EXISTS removed_entries_gc AFTER DELETE ON feeds BEGIN
            DELETE FROM removed_entries WHERE feed_id = old.id;
        END""",
    ],
    # 10: the articles whose plain text a refresh left to be made (an empty content
    # hash: store/deferred_text.py). Nearly always empty, so a tiny index; it lets
    # the index pass find them without reading every row of its range, whose hash
    # is stored after the body (overflow pages). Re-runnable.
    [
        "CREATE INDEX IF NOT EXISTS idx_articles_text_pending ON articles(id)"
        " WHERE content_hash = ''",
    ],
]

SCHEMA_VERSION = len(MIGRATIONS)
