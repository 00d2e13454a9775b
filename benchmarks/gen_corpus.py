"""Generate a deterministic benchmark corpus of news feeds.

The corpus is synthetic but shaped like real news so that every part of a reader is exercised:

* **Feeds** are RSS 2.0 (some with ``content:encoded`` in CDATA, some with escaped HTML in
  ``description``) or Atom (``content type="html"``), each with a title, site link, language and
  categories, in the proportions real feed lists have.
* **Bodies** are HTML of 1-4 KB: paragraphs, inline links, images (some in ``<figure>``), lists,
  quotes and subheadings. Accented names are common, some feeds mix in CJK text and a few
  titles carry emoji, so text handling is not tested on ASCII alone.
* **Stories and topics**: every item tells a *story*; a story is told by several feeds at
  nearby times with the same named entities and a coined keyword of its own, and belongs to a
  *topic* whose stories share vocabulary and some entities (similar but distinct events, the
  hard negatives of related-story ranking). ``truth.json`` records the story and topic of every
  item guid, so related stories and search can be scored, not just timed.

Everything is derived from ``--seed``: the same arguments always give byte-identical files
(file mtimes are set to each feed's newest item, so Last-Modified is deterministic too). Each
feed gets its own random stream, derived from the seed and its index, which lets generation
run in several processes without changing the output.

``feeds-gz/`` holds each feed gzip-compressed, as the feed server sends it (it would otherwise
spend ~10 s compressing a 1,000-feed corpus each time it starts).

The OPML needs the feed server's address, which is only known once it runs; ``write_feed_list``
rewrites ``feeds.opml`` (and a newsboat-style ``urls`` file) for a given base URL, and the
feed server serves both with its own address at ``/feeds.opml`` and ``/urls``.

Usage::

    python benchmarks/gen_corpus.py --feeds 200 --items 50 --seed 1 --out /tmp/corpus
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import os
import random
import sys
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import quoteattr

#: Placeholder written into feeds.opml when no base URL is known yet.
PLACEHOLDER_BASE_URL = "http://127.0.0.1:PORT"
#: All item times lie before this instant, so the corpus does not depend on the clock.
NOW = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)
#: Marker present in every guid and item link; the feed server's "changed" mode rewrites it
#: to make every item look new without regenerating the corpus.
GUID_MARKER = "tnb-"
#: Pre-compressed copies of the feeds, so the feed server need not gzip 300 MB as it starts.
GZIP_DIR = "feeds-gz"
GZIP_LEVEL = 6


def _words(text: str) -> list[str]:
    """Split a word list written as prose, which reads better than a long list literal."""
    return text.split()


#: Sections (OPML folders) -> topics -> the vocabulary their stories share.
SECTIONS: dict[str, dict[str, str]] = {
    "World": {
        "diplomacy": "summit treaty envoy ambassador sanctions ceasefire negotiation delegation "
        "embassy accord mediation bilateral ministers communique veto resolution",
        "migration": "border asylum refugees migrants crossing quota camp resettlement visas "
        "coastguard humanitarian corridor deportation shelter registration",
        "conflict": "troops offensive frontline shelling drone artillery casualties convoy "
        "militia blockade evacuation truce insurgents garrison checkpoint",
        "disasters": "earthquake flood wildfire cyclone landslide aftershock rescuers "
        "evacuees rubble storm surge drought relief tremor levee",
    },
    "Politics": {
        "elections": "ballot turnout polling candidate runoff campaign constituency recount "
        "electorate coalition manifesto primaries debate incumbent landslide",
        "parliament": "bill amendment committee lawmakers vote session speaker opposition "
        "filibuster quorum legislation hearing budget motion whip",
        "courts": "judge ruling appeal verdict supreme court testimony prosecutors "
        "indictment jury plaintiff injunction constitutional defendant",
        "scandal": "resignation leak investigation bribery whistleblower inquiry audit "
        "allegations lobbying donations probe ethics watchdog",
    },
    "Business": {
        "markets": "stocks shares index investors bonds yields rally selloff futures "
        "volatility traders earnings dividend valuation benchmark",
        "central-banks": "inflation interest rates monetary policy governor tightening "
        "easing currency reserves liquidity forecast basis points",
        "mergers": "merger acquisition takeover bid shareholders antitrust regulators deal "
        "valuation buyout divestiture synergies board stake",
        "trade": "tariffs exports imports shipping containers ports supply chain customs "
        "quotas freight deficit surplus negotiators",
        "energy": "oil gas pipeline refinery barrels OPEC prices solar grid utilities "
        "turbines storage emissions drilling",
    },
    "Technology": {
        "semiconductors": "chips wafer foundry lithography transistor fabrication nanometre "
        "yield packaging silicon export-controls design fab",
        "ai": "model training inference datasets benchmark neural parameters chatbot "
        "alignment GPU compute open-weights fine-tuning",
        "security": "breach ransomware vulnerability patch exploit malware phishing "
        "encryption zero-day attackers credentials firmware botnet",
        "smartphones": "handset launch camera battery display processor preorders "
        "firmware carrier foldable sensor charging",
        "open-source": "maintainers release repository license contributors fork "
        "kernel compiler package vulnerability funding governance",
    },
    "Science": {
        "space": "rocket launch orbit satellite lander probe telescope astronauts "
        "booster payload mission lunar spacecraft",
        "climate": "emissions warming glaciers carbon temperatures ice sheet heatwave "
        "adaptation methane sea levels permafrost",
        "biology": "genome species cells protein enzyme evolution fossil bacteria "
        "sequencing mutation organism specimen",
        "physics": "particle collider quantum laser detector neutrino magnet plasma "
        "superconductor experiment measurement fusion",
    },
    "Health": {
        "outbreaks": "virus cases infections vaccine outbreak epidemiologists hospital "
        "quarantine strain transmission surveillance booster",
        "medicine": "trial drug patients therapy dosage approval regulator clinicians "
        "side-effects placebo cohort treatment",
        "nutrition": "diet sugar protein vitamins obesity calories fasting study "
        "supplements metabolism gut microbiome",
    },
    "Sports": {
        "football": "striker goalkeeper midfielder penalty league transfer coach derby "
        "stadium relegation hat-trick fixture",
        "tennis": "serve tiebreak grand slam seed quarter-final racket baseline "
        "ace clay court ranking",
        "cycling": "peloton stage sprint climb breakaway yellow jersey time trial "
        "team general classification mountain",
        "athletics": "sprint marathon record relay hurdles qualifying podium "
        "championship javelin stopwatch heats",
    },
    "Culture": {
        "film": "director premiere festival box office screenplay actors sequel "
        "cinematography studio trailer awards",
        "music": "album tour concert single band festival chart record label "
        "songwriter orchestra setlist",
        "books": "novel author publisher prize memoir translation bestseller "
        "manuscript poetry library fiction",
        "art": "exhibition gallery painting sculpture museum curator auction "
        "installation retrospective collector canvas",
    },
}

FILLER = _words(
    "the of and to in a that is for on with as was it by at from be this have are has "
    "not but were had been will which their an or its after more about into than also "
    "would other some new over year years people could first last said says two three "
    "told officials week month local across while before during under against since "
    "between early later still expected report according statement plan plans group "
    "public government city country region area national international time part "
    "number percent major recent further several most many another despite however "
    "analysts experts sources spokesperson figures data early-stage long-term follow-up "
    "announced confirmed warned added noted described called urged promised rejected "
    "welcomed criticised reported suggested estimated signalled insisted acknowledged"
)

FIRST_NAMES = _words(
    "Anna James Maria David Sofia Lucas Emma Noah Olivia Liam Chen Wei Yuki Hiro Aisha Omar "
    "Fatima Ivan Olga Pedro Ines Mateo Lucia Kwame Amara Ravi Priya Sven Astrid Nikos Elena "
    "José Zoë Renée Björn Łukasz Dvořák Søren Jürgen Ayşe Çağla Mónica Raúl François Hélène "
    "Nuño Ólafur Thérèse Miloš Agnieszka"
)
LAST_NAMES = _words(
    "Smith Johnson Garcia Müller Rossi Dubois Novak Kowalski Tanaka Kim Nguyen Okafor Mensah "
    "Haddad Petrov Ivanova Silva Costa Andersen Larsen Papadopoulos Horvat Fischer Moreau "
    "Núñez Ødegaard Gómez Schröder Lefèvre Çelik Øvergaard Wójcik Sánchez Hernández Bălan "
    "Ramírez O'Brien Nakamura Singh Patel Yilmaz Jansen Bauer Weber Lindqvist Åberg"
)
ORG_SUFFIXES = _words(
    "Group Holdings Institute Systems Labs Partners Foundation Agency Council Works"
)
PLACE_SUFFIXES = _words("ville burg port field haven ford mouth stadt by dale")
SYLLABLES = _words(
    "ka lo ri ven tor mar sel quin dra vel ox an bel cor dun eth fal gor hal ist jor kel "
    "lum mor nor pel rav sol tam ul vor wen zar"
)
CJK_PHRASES = _words(
    "经济增长 市场反应 政府宣布 专家表示 最新消息 东京 大阪 新しい技術 記者会見 研究チーム "
    "国际合作 气候变化 选举结果 科学家 調査によると 서울 경제 발표 연구진"
)
EMOJI = ["🚀", "📈", "⚽", "🌍", "🔥", "✅", "🎉", "🧪", "🎬", "⚡"]
TITLE_VERBS = _words(
    "announces warns confirms rejects unveils delays approves faces wins loses expands "
    "suspends backs questions defends reveals"
)
PAPER_NOUNS = _words(
    "Courier Herald Gazette Tribune Observer Post Times Dispatch Ledger Monitor Chronicle "
    "Review Journal Wire Bulletin"
)


@dataclass(frozen=True)
class Topic:
    """A subject area; its stories share vocabulary and a pool of named entities."""

    id: str
    section: str
    vocab: tuple[str, ...]
    people: tuple[str, ...]
    orgs: tuple[str, ...]
    places: tuple[str, ...]


@dataclass(frozen=True)
class Story:
    """One event, told by several items in (usually) different feeds at nearby times."""

    id: str
    topic: str
    keyword: str
    keywords: tuple[str, ...]
    person: str
    person2: str
    org: str
    place: str
    start: datetime


@dataclass(frozen=True)
class FeedPlan:
    """What one feed file will hold: its identity and, per item, the story it tells."""

    index: int
    section: str
    kind: str  # "rss-content", "rss-description" or "atom"
    title: str
    multilingual: bool
    story_ids: tuple[str, ...]


def _coin(rng: random.Random, syllables: int) -> str:
    """Invent a pronounceable word; coined words make stories and entities unambiguous."""
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables))


def _feed_rng(seed: int, index: int) -> random.Random:
    return random.Random(f"{seed}:feed:{index}")


def build_world(
    seed: int, n_feeds: int, n_items: int
) -> tuple[list[Topic], dict[str, Story], list[FeedPlan]]:
    """Decide topics, stories and which story each item of each feed tells.

    This global plan is cheap (no text); the text of each feed is then generated from the
    plan alone, so feeds can be written independently and in parallel.
    """
    rng = random.Random(f"{seed}:world")
    topics: list[Topic] = []
    for section, section_topics in SECTIONS.items():
        for name, vocab in section_topics.items():
            people = tuple(f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(24))
            orgs = tuple(
                f"{_coin(rng, 2).capitalize()} {rng.choice(ORG_SUFFIXES)}" for _ in range(10)
            )
            places = tuple(
                f"{_coin(rng, 2).capitalize()}{rng.choice(PLACE_SUFFIXES)}" for _ in range(8)
            )
            topics.append(Topic(name, section, tuple(_words(vocab)), people, orgs, places))
    by_section: dict[str, list[Topic]] = {}
    for topic in topics:
        by_section.setdefault(topic.section, []).append(topic)
    section_names = list(SECTIONS)

    # Each feed has a home section; most of its items come from it, some from elsewhere
    # (a general paper covers sport too), which spreads stories across sections.
    feed_sections = [rng.choice(section_names) for _ in range(n_feeds)]
    slots: dict[str, list[tuple[int, int]]] = {s: [] for s in section_names}
    for feed in range(n_feeds):
        for item in range(n_items):
            home = feed_sections[feed]
            section = home if rng.random() < 0.8 else rng.choice(section_names)
            slots[section].append((feed, item))

    stories: dict[str, Story] = {}
    assignment: dict[tuple[int, int], str] = {}
    window = timedelta(days=30)
    for section in section_names:
        section_slots = slots[section]
        rng.shuffle(section_slots)
        pos = 0
        while pos < len(section_slots):
            size = rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 6, 8, 10, 12))
            chunk = section_slots[pos : pos + size]
            pos += size
            topic = rng.choice(by_section[section])
            story_id = f"s{len(stories):06d}"
            keyword = _coin(rng, 3).capitalize()
            stories[story_id] = Story(
                id=story_id,
                topic=topic.id,
                keyword=keyword,
                keywords=(keyword, *rng.sample(topic.vocab, 4)),
                person=rng.choice(topic.people),
                person2=rng.choice(topic.people),
                org=rng.choice(topic.orgs),
                place=rng.choice(topic.places),
                start=NOW - window * rng.random() - timedelta(hours=36),
            )
            for slot in chunk:
                assignment[slot] = story_id

    plans = []
    for feed in range(n_feeds):
        frng = _feed_rng(seed, feed)
        roll = frng.random()
        kind = "atom" if roll < 0.35 else "rss-description" if roll < 0.55 else "rss-content"
        title = f"The {_coin(frng, 2).capitalize()} {frng.choice(PAPER_NOUNS)}"
        plans.append(
            FeedPlan(
                index=feed,
                section=feed_sections[feed],
                kind=kind,
                title=title,
                multilingual=frng.random() < 0.06,
                story_ids=tuple(assignment[(feed, item)] for item in range(n_items)),
            )
        )
    return topics, stories, plans


class _Writer:
    """Builds the text of one feed from its plan with the feed's own random stream."""

    def __init__(self, seed: int, plan: FeedPlan, topics: dict[str, Topic]) -> None:
        self.seed = seed
        self.plan = plan
        self.topics = topics
        self.rng = random.Random(f"{seed}:text:{plan.index}")
        self.site = f"https://feed{plan.index:04d}.example.org"

    # -- text ----------------------------------------------------------------------------

    def _pool(self, story: Story) -> list[str]:
        """Words a sentence is drawn from; repetition weights filler over topic terms."""
        topic = self.topics[story.topic]
        pool = FILLER * 3 + list(topic.vocab) * 2 + list(story.keywords) * 3
        pool += [story.person, story.org, story.place, story.person2]
        if self.plan.multilingual:
            pool += CJK_PHRASES
        return pool

    def _sentence(self, pool: Sequence[str], lo: int = 8, hi: int = 22) -> str:
        words = self.rng.choices(pool, k=self.rng.randint(lo, hi))
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def _link(self, story: Story, words: str) -> str:
        slug = story.keyword.lower()
        return f'<a href="{self.site}/topics/{story.topic}/{slug}">{words}</a>'

    def _paragraph(self, pool: Sequence[str], story: Story) -> str:
        sentences = [self._sentence(pool) for _ in range(self.rng.randint(2, 5))]
        if self.rng.random() < 0.45:
            i = self.rng.randrange(len(sentences))
            anchor = " ".join(self.rng.choices(pool, k=self.rng.randint(2, 4)))
            sentences[i] = sentences[i][:-1] + ", see " + self._link(story, anchor) + "."
        return "<p>" + " ".join(sentences) + "</p>"

    def body(self, story: Story, guid: str) -> str:
        rng = self.rng
        pool = self._pool(story)
        target = rng.randint(1000, 4000)
        lead = (
            f"<p><strong>{story.place}</strong> — {story.person} of {story.org} "
            f"{rng.choice(TITLE_VERBS)} the {story.keyword} {story.keywords[1]} plan. "
            f"{self._sentence(pool)}</p>"
        )
        parts = [lead]
        size = len(lead)
        while size < target:
            roll = rng.random()
            if roll < 0.62:
                part = self._paragraph(pool, story)
            elif roll < 0.72:
                img = f"https://img.example.org/{guid}/{rng.randrange(1000):03d}.jpg"
                alt = html.escape(self._sentence(pool, 4, 8), quote=True)
                if rng.random() < 0.5:
                    part = (
                        f'<figure><img src="{img}" alt="{alt}" width="800" height="450">'
                        f"<figcaption>{self._sentence(pool, 5, 10)}</figcaption></figure>"
                    )
                else:
                    part = f'<p><img src="{img}" alt="{alt}"></p>'
            elif roll < 0.84:
                tag = "ol" if rng.random() < 0.3 else "ul"
                items = "".join(
                    f"<li>{self._sentence(pool, 4, 10)}</li>" for _ in range(rng.randint(2, 5))
                )
                part = f"<{tag}>{items}</{tag}>"
            elif roll < 0.93:
                part = (
                    f"<blockquote><p>“{self._sentence(pool, 8, 16)}”</p>"
                    f"<p>— {story.person2}</p></blockquote>"
                )
            else:
                heading = self._sentence(pool, 3, 6)[:-1]
                part = f"<h2>{heading}</h2>"
            parts.append(part)
            size += len(part)
        if rng.random() < 0.1:
            parts.append(f"<p>{rng.choice(EMOJI)} {self._sentence(pool, 3, 6)}</p>")
        return "\n".join(parts)

    def title(self, story: Story) -> str:
        rng = self.rng
        verb = rng.choice(TITLE_VERBS)
        subject = story.person if rng.random() < 0.5 else story.org
        forms = (
            f"{subject} {verb} {story.keyword} {story.keywords[1]} in {story.place}",
            f"{story.keyword}: {subject} {verb} {story.keywords[2]} deal",
            f"{story.place} {story.keywords[1]} — {subject} {verb} {story.keyword} plan",
            f"Why {story.keyword} matters for {story.org} & {story.place}",
        )
        text = rng.choice(forms)
        if rng.random() < 0.04:
            text = f"{rng.choice(EMOJI)} {text}"
        if self.plan.multilingual and rng.random() < 0.5:
            text = f"{text} {rng.choice(CJK_PHRASES)}"
        return text

    # -- items ---------------------------------------------------------------------------

    def items(
        self, stories: dict[str, Story]
    ) -> list[tuple[datetime, str, str, str, str, str, list[str], Story]]:
        """(date, guid, link, title, author, body, categories, story) per item, newest first."""
        rng = self.rng
        out = []
        for i, story_id in enumerate(self.plan.story_ids):
            story = stories[story_id]
            topic = self.topics[story.topic]
            date = story.start + timedelta(seconds=rng.randrange(36 * 3600))
            date = date.replace(microsecond=0)
            slug = f"{GUID_MARKER}{self.seed}-{self.plan.index:04d}-{i:04d}"
            link = f"{self.site}/{date:%Y/%m/%d}/{slug}-{story.keyword.lower()}"
            if self.plan.kind == "atom":
                guid = f"tag:feed{self.plan.index:04d}.example.org,2025:{slug}"
            elif self.plan.index % 2:
                guid = link  # a permalink guid, as many real RSS feeds have
            else:
                guid = slug
            categories = [topic.id, topic.section]
            if rng.random() < 0.5:
                categories.append(story.keyword)
            if rng.random() < 0.3:
                categories.append(story.person)
            author = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            title = self.title(story)
            body = self.body(story, slug)
            out.append((date, guid, link, title, author, body, categories, story))
        out.sort(key=lambda row: (row[0], row[1]), reverse=True)
        return out


def _x(text: str) -> str:
    """Escape text for an XML element."""
    return html.escape(text, quote=False)


def render_feed(
    seed: int, plan: FeedPlan, topics: dict[str, Topic], stories: dict[str, Story]
) -> tuple[str, datetime, list[tuple[str, str, str]]]:
    """Return (feed XML, newest item date, [(guid, story id, link)])."""
    writer = _Writer(seed, plan, topics)
    items = writer.items(stories)
    newest = items[0][0] if items else NOW - timedelta(days=31)
    site = writer.site
    lang = "ja" if plan.multilingual else "en"
    out: list[str] = ['<?xml version="1.0" encoding="utf-8"?>']
    truth = []
    if plan.kind == "atom":
        out.append(f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{lang}">')
        out.append(f"<title>{_x(plan.title)}</title>")
        out.append(f"<subtitle>{_x(plan.section)} news from {_x(plan.title)}</subtitle>")
        out.append(f'<link rel="alternate" type="text/html" href="{site}/"/>')
        out.append(f'<link rel="self" href="{site}/feed.atom"/>')
        out.append(f"<id>{site}/</id>")
        out.append(f"<updated>{newest.isoformat()}</updated>")
        for date, guid, link, title, author, body, cats, story in items:
            out.append("<entry>")
            out.append(f"<title>{_x(title)}</title>")
            out.append(f'<link rel="alternate" type="text/html" href="{link}"/>')
            out.append(f"<id>{guid}</id>")
            out.append(f"<published>{date.isoformat()}</published>")
            out.append(f"<updated>{date.isoformat()}</updated>")
            out.append(f"<author><name>{_x(author)}</name></author>")
            out.extend(f"<category term={quoteattr(c)}/>" for c in cats)
            summary = body.split("</p>", 1)[0].removeprefix("<p>")
            out.append(f'<summary type="html">{_x(summary)}</summary>')
            out.append(f'<content type="html">{_x(body)}</content>')
            out.append("</entry>")
            truth.append((guid, story.id, link))
        out.append("</feed>")
    else:
        out.append(
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:atom="http://www.w3.org/2005/Atom">'
        )
        out.append("<channel>")
        out.append(f"<title>{_x(plan.title)}</title>")
        out.append(f"<link>{site}/</link>")
        out.append(f"<description>{_x(plan.section)} news from {_x(plan.title)}</description>")
        out.append(f"<language>{lang}</language>")
        out.append(f"<lastBuildDate>{format_datetime(newest)}</lastBuildDate>")
        out.append(f'<atom:link href="{site}/rss.xml" rel="self" type="application/rss+xml"/>')
        for date, guid, link, title, author, body, cats, story in items:
            out.append("<item>")
            out.append(f"<title>{_x(title)}</title>")
            out.append(f"<link>{link}</link>")
            permalink = "true" if guid == link else "false"
            out.append(f'<guid isPermaLink="{permalink}">{guid}</guid>')
            out.append(f"<pubDate>{format_datetime(date)}</pubDate>")
            out.append(f"<dc:creator>{_x(author)}</dc:creator>")
            out.extend(f"<category>{_x(c)}</category>" for c in cats)
            if plan.kind == "rss-content":
                summary = body.split("</p>", 1)[0].removeprefix("<p>")
                out.append(f"<description>{_x(summary)}</description>")
                out.append(f"<content:encoded><![CDATA[{body}]]></content:encoded>")
            else:
                out.append(f"<description>{_x(body)}</description>")
            out.append("</item>")
            truth.append((guid, story.id, link))
        out.append("</channel>")
        out.append("</rss>")
    return "\n".join(out) + "\n", newest, truth


def feed_filename(index: int) -> str:
    return f"{index:04d}.xml"


def _write_one(
    args: tuple[int, FeedPlan, dict[str, Topic], dict[str, Story], str],
) -> tuple[int, list[tuple[str, str, str]]]:
    seed, plan, topics, stories, feeds_dir = args
    text, newest, truth = render_feed(seed, plan, topics, stories)
    body = text.encode("utf-8")
    path = Path(feeds_dir) / feed_filename(plan.index)
    path.write_bytes(body)
    gz_path = Path(feeds_dir).parent / GZIP_DIR / f"{path.name}.gz"
    gz_path.write_bytes(gzip_body(body))
    stamp = newest.timestamp()
    os.utime(path, (stamp, stamp))
    os.utime(gz_path, (stamp, stamp))
    return plan.index, truth


def gzip_body(body: bytes) -> bytes:
    """The gzip form the feed server sends; mtime=0 keeps it identical from run to run."""
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def render_opml(feeds: Iterable[dict[str, object]], base_url: str) -> str:
    """OPML 2.0 with one folder per section, feed URLs under ``base_url``."""
    by_section: dict[str, list[dict[str, object]]] = {}
    for feed in feeds:
        by_section.setdefault(str(feed["section"]), []).append(feed)
    base = base_url.rstrip("/")
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<opml version="2.0">',
        "<head><title>termnews benchmark corpus</title>"
        f"<dateCreated>{format_datetime(NOW)}</dateCreated></head>",
        "<body>",
    ]
    for section in sorted(by_section):
        lines.append(f"<outline text={quoteattr(section)} title={quoteattr(section)}>")
        for feed in by_section[section]:
            title = quoteattr(str(feed["title"]))
            url = quoteattr(f"{base}/feeds/{feed['file']}")
            site = quoteattr(str(feed["site"]))
            lines.append(
                f'<outline type="rss" text={title} title={title} xmlUrl={url} htmlUrl={site}/>'
            )
        lines.append("</outline>")
    lines += ["</body>", "</opml>", ""]
    return "\n".join(lines)


def render_urls(feeds: Iterable[dict[str, object]], base_url: str) -> str:
    """A newsboat ``urls`` file: one URL per line, tagged with the feed's section."""
    base = base_url.rstrip("/")
    return "".join(f'{base}/feeds/{f["file"]} "{f["section"]}"\n' for f in feeds)


def load_feed_list(corpus_dir: Path) -> list[dict[str, object]]:
    """The feeds of a generated corpus, as recorded in its feeds.json."""
    data = json.loads((corpus_dir / "feeds.json").read_text(encoding="utf-8"))
    feeds: list[dict[str, object]] = data["feeds"]
    return feeds


def write_feed_list(
    corpus_dir: Path,
    base_url: str,
    opml_path: Path | None = None,
    urls_path: Path | None = None,
) -> tuple[Path, Path]:
    """Write an OPML file and a newsboat urls file pointing at a running feed server."""
    feeds = load_feed_list(corpus_dir)
    opml_path = opml_path or corpus_dir / "feeds.opml"
    urls_path = urls_path or corpus_dir / "urls"
    opml_path.write_text(render_opml(feeds, base_url), encoding="utf-8")
    urls_path.write_text(render_urls(feeds, base_url), encoding="utf-8")
    return opml_path, urls_path


def generate(
    out: Path,
    n_feeds: int,
    n_items: int,
    seed: int,
    base_url: str = PLACEHOLDER_BASE_URL,
    jobs: int = 1,
) -> dict[str, object]:
    """Write the corpus into ``out`` and return a summary (also stored in feeds.json)."""
    started = time.perf_counter()
    topics, stories, plans = build_world(seed, n_feeds, n_items)
    topic_map = {t.id: t for t in topics}
    feeds_dir = out / "feeds"
    feeds_dir.mkdir(parents=True, exist_ok=True)
    (out / GZIP_DIR).mkdir(exist_ok=True)
    for stale in [*feeds_dir.glob("*.xml"), *(out / GZIP_DIR).glob("*.gz")]:
        stale.unlink()
    # Only the stories each feed tells travel to a worker process, to keep pickling cheap.
    tasks = [
        (seed, p, topic_map, {s: stories[s] for s in set(p.story_ids)}, str(feeds_dir))
        for p in plans
    ]
    if jobs > 1 and n_feeds > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_write_one, tasks, chunksize=max(1, n_feeds // (jobs * 8))))
    else:
        results = [_write_one(task) for task in tasks]

    items: dict[str, dict[str, object]] = {}
    for index, truth in sorted(results):
        for guid, story_id, link in truth:
            items[guid] = {
                "story": story_id,
                "topic": stories[story_id].topic,
                "feed": index,
                "link": link,
            }
    feeds = [
        {
            "index": p.index,
            "file": feed_filename(p.index),
            "title": p.title,
            "section": p.section,
            "format": "atom" if p.kind == "atom" else "rss",
            "site": f"https://feed{p.index:04d}.example.org/",
        }
        for p in plans
    ]
    story_sizes: dict[str, int] = {}
    for meta in items.values():
        story_sizes[str(meta["story"])] = story_sizes.get(str(meta["story"]), 0) + 1
    truth_doc = {
        "seed": seed,
        "feeds": n_feeds,
        "items_per_feed": n_items,
        "topics": {t.id: {"section": t.section} for t in topics},
        "stories": {
            s.id: {
                "topic": s.topic,
                "keyword": s.keyword,
                "entities": [s.person, s.person2, s.org, s.place],
                "size": story_sizes.get(s.id, 0),
            }
            for s in stories.values()
        },
        "items": items,
    }
    (out / "truth.json").write_text(
        json.dumps(truth_doc, ensure_ascii=False, sort_keys=True), encoding="utf-8"
    )
    summary: dict[str, object] = {
        "seed": seed,
        "feeds": feeds,
        "items_per_feed": n_items,
        "articles": len(items),
        "stories": len(stories),
        "topics": len(topics),
    }
    (out / "feeds.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
    )
    write_feed_list(out, base_url)
    summary["seconds"] = round(time.perf_counter() - started, 2)
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=200, help="number of feeds (default 200)")
    parser.add_argument("--items", type=int, default=50, help="items per feed (default 50)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument(
        "--base-url",
        default=PLACEHOLDER_BASE_URL,
        help="feed server base URL written into feeds.opml and urls (default: a placeholder; "
        "the feed server serves both with its real address at /feeds.opml and /urls)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes (output is identical for any value)",
    )
    args = parser.parse_args(argv)
    if args.feeds < 1 or args.items < 1:
        parser.error("--feeds and --items must be at least 1")
    summary = generate(args.out, args.feeds, args.items, args.seed, args.base_url, args.jobs)
    print(
        f"wrote {len(summary['feeds'])} feeds, {summary['articles']} articles, "  # type: ignore[arg-type]
        f"{summary['stories']} stories in {summary['topics']} topics to {args.out} "
        f"in {summary['seconds']} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
