"""The bundled demo feeds: well-formed, complete, clearly fictional, and rich enough.

The demo is the first thing a new user reads, and the data that related stories
and same-story grouping are shown off with, so these tests check both that every
file is a clean feed and that the content has the shape those features need:
stories told by several outlets, sharing names and numbers.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser
import pytest

from termnews.demo import FEEDS_DIR, GUIDE_SECTION, DemoFeed, demo_feeds, demo_sections

NEWS_SECTIONS = ("World", "Technology", "Science", "Business", "Sport")
WINDOW = (datetime(2026, 11, 20, tzinfo=UTC), datetime(2026, 11, 25, tzinfo=UTC))
TAG = re.compile(r"<[^>]+>")

# Stories told by more than one outlet. Each: words every version must contain (in
# its title, summary or body), then (feed file, exact title) for each version.
SHARED_STORIES: list[tuple[tuple[str, ...], list[tuple[str, str]]]] = [
    (
        ("Ilse", "Port Avelin", "38,000", "140 km/h"),
        [
            (
                "world-kestrel.xml",
                "Storm Ilse makes landfall in Valmora, cutting power to 38,000 homes",
            ),
            (
                "world-northwind.xml",
                "Ilse batters Port Avelin: homes dark, ferries halted as storm moves inland",
            ),
            (
                "world-harbour.xml",
                "After the storm: Port Avelin wakes to fallen trees, flooded cellars"
                " and a long clean-up",
            ),
        ],
    ),
    (
        ("Saren", "Aldoria", "Brevania", "Wrona", "Demirtaş", "40 per cent"),
        [
            ("world-kestrel.xml", "Aldoria and Brevania sign Saren River water-sharing deal"),
            (
                "world-northwind.xml",
                "A river shared: what the Saren accord means for farmers on both banks",
            ),
        ],
    ),
    (
        ("Mirela Vasko", "Ostrel", "Pavel Dorn", "54.2", "71 per cent"),
        [
            (
                "world-harbour.xml",
                "Former judge Mirela Vasko wins Ostrel presidency as independent",
            ),
            (
                "world-northwind.xml",
                "Ostrel's new president: how an outsider beat the National Union machine",
            ),
        ],
    ),
    (
        ("Quillon", "Q7", "Anneke Brandsma", "40 per cent", "March 2027"),
        [
            ("tech-kestrel.xml", "Quillon unveils Q7 processor, promising 40% better efficiency"),
            (
                "tech-byteline.xml",
                "Quillon Q7 first look: 24 cores, a big neural engine and a bold battery claim",
            ),
        ],
    ),
    (
        ("Stratus Nine", "north-2", "Pennywise", "Valmoran Railways"),
        [
            ("tech-kestrel.xml", "Stratus Nine cloud outage disrupts payments and ticket sales"),
            (
                "tech-byteline.xml",
                "Six hours in the dark: Stratus Nine blames a config change for north-2 outage",
            ),
        ],
    ),
    (
        ("OpenHarbor", "4.2.1", "2.3 million", "Dagný Þórsdóttir"),
        [
            (
                "tech-byteline.xml",
                "Patch your router: critical OpenHarbor flaw exposes 2.3 million devices",
            ),
            (
                "tech-kestrel.xml",
                "Open-source router software OpenHarbor fixes flaw affecting millions",
            ),
        ],
    ),
    (
        ("Arvela", "C/2026 V3", "Mount Sarrow", "28 November", "0.41"),
        [
            (
                "science-fieldnotes.xml",
                "Comet Arvela-Toh could be visible to the naked eye by 28 November",
            ),
            (
                "science-lantern.xml",
                "The teacher who found a comet: Tomás Arvela and C/2026 V3",
            ),
        ],
    ),
    (
        ("Grimpoteuthis merrowensis", "Merrow Trench", "4,200", "Kittiwake", "Castellanos-Park"),
        [
            (
                "science-fieldnotes.xml",
                "New dumbo octopus species found 4,200 metres down in the Merrow Trench",
            ),
            (
                "science-lantern.xml",
                "Meet Grimpoteuthis merrowensis, the octopus that flies through the deep",
            ),
        ],
    ),
    (
        ("Halden", "212", "11,000", "Henrik Aas"),
        [
            (
                "science-fieldnotes.xml",
                "Halden Glacier ice core reveals 11,000 years of northern climate",
            ),
            (
                "science-lantern.xml",
                "What the ice remembers: reading 11,000 years in the Halden core",
            ),
        ],
    ),
    (
        ("Halvorsen", "Pell & Daughters", "1.2 billion", "214", "Maren Ekdahl"),
        [
            (
                "business-northwind.xml",
                "Halvorsen Foods agrees to buy bakery chain Pell & Daughters for 1.2bn crowns",
            ),
            (
                "business-meridian.xml",
                "End of an era as Pell family sells its bakeries to Halvorsen",
            ),
        ],
    ),
    (
        ("Bank of Valmora", "3.25", "Teodor Halme", "2.9 per cent", "29 January"),
        [
            (
                "business-northwind.xml",
                "Bank of Valmora holds interest rate at 3.25% but signals cut next year",
            ),
            (
                "business-meridian.xml",
                "Rates on hold at 3.25% as two Bank of Valmora policymakers push for a cut",
            ),
        ],
    ),
    (
        ("Port Avelin Rovers", "Kesh United", "Brenner", "Abara", "61,204", "1995"),
        [
            (
                "sport-meridian.xml",
                "Brenner's late winner gives Port Avelin Rovers the Valmoran Cup",
            ),
            (
                "sport-harbour.xml",
                "Rovers end 31-year wait 🏆 and bring the cup home to a storm-hit city",
            ),
        ],
    ),
    (
        ("Nadia Wren", "2:19:07", "Tessaly", "Amano-Brook"),
        [
            (
                "sport-harbour.xml",
                "Nadia Wren smashes Tessaly Marathon record on the morning ferries returned",
            ),
            ("sport-meridian.xml", "Wren runs 2:19:07 to break Tessaly course record"),
        ],
    ),
]

# Same topic, different event: these must not share the other story's key facts,
# or ranking would have nothing to tell apart.
LOOKALIKES: list[tuple[tuple[str, str], tuple[str, ...]]] = [
    (
        ("world-harbour.xml", "Flood barriers hold as Storm Marisol swells the Lenne in Dunmere"),
        ("38,000", "140 km/h"),
    ),
    (
        (
            "tech-byteline.xml",
            "Ferrow Labs' Halcyon chip wants to run a sensor for five years on one coin cell",
        ),
        ("Anneke Brandsma", "March 2027", "3-nanometre"),
    ),
    (
        (
            "business-meridian.xml",
            "Brightwell Dairy buys rival Coldbrook Creamery for 300 million crowns",
        ),
        ("1.2 billion", "214", "Maren Ekdahl"),
    ),
]


@pytest.fixture(scope="module")
def parsed() -> dict[str, Any]:
    """Every demo file parsed once with feedparser, keyed by file name."""
    return {feed.path.name: feedparser.parse(feed.path.read_bytes()) for feed in demo_feeds()}


def _by_title(parsed: dict[str, Any], file: str, title: str) -> Any:
    matches = [e for e in parsed[file].entries if e.title == title]
    assert len(matches) == 1, f"{file}: no single entry titled {title!r}"
    return matches[0]


def _text(entry: Any) -> str:
    body = entry.content[0].value if entry.get("content") else ""
    return " ".join((entry.title, entry.get("summary", ""), html.unescape(TAG.sub(" ", body))))


def _news(feeds: list[DemoFeed]) -> list[DemoFeed]:
    return [f for f in feeds if f.section != GUIDE_SECTION]


def test_manifest_lists_every_bundled_file_guide_first() -> None:
    feeds = demo_feeds()
    assert feeds[0].section == GUIDE_SECTION
    assert all(f.path.is_absolute() and f.path.is_file() for f in feeds)
    assert {f.path.name for f in feeds} == {p.name for p in FEEDS_DIR.iterdir()}
    assert demo_sections() == [GUIDE_SECTION, *NEWS_SECTIONS]
    order = [f.section for f in feeds]
    assert order == sorted(order, key=demo_sections().index), "sections are not grouped"


def test_files_are_well_formed_utf8_xml() -> None:
    for feed in demo_feeds():
        raw = feed.path.read_bytes()
        assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'), feed.path.name
        raw.decode("utf-8")
        ET.fromstring(raw)


def test_every_file_parses_cleanly_with_its_manifest_title(parsed: dict[str, Any]) -> None:
    for feed in demo_feeds():
        result = parsed[feed.path.name]
        assert result.bozo == 0, (feed.path.name, result.get("bozo_exception"))
        assert result.feed.title == feed.title
        assert result.version in {"rss20", "atom10"}
    versions = {parsed[f.path.name].version for f in demo_feeds()}
    assert versions == {"rss20", "atom10"}, "the demo should exercise both formats"


def test_every_entry_has_title_link_id_author_date_in_window(parsed: dict[str, Any]) -> None:
    for name, result in parsed.items():
        assert result.entries, name
        for entry in result.entries:
            assert entry.get("title") and entry.get("link") and entry.get("id"), name
            assert entry.get("author"), (name, entry.title)
            assert 1 <= len(entry.get("tags", [])) <= 3, (name, entry.title)
            stamp = entry.get("published_parsed") or entry.get("updated_parsed")
            assert stamp is not None, (name, entry.title)
            when = datetime(*stamp[:6], tzinfo=UTC)
            assert WINDOW[0] <= when < WINDOW[1], (name, entry.title, when)


def test_ids_and_links_are_unique_and_on_reserved_domains(parsed: dict[str, Any]) -> None:
    ids = Counter(e.id for r in parsed.values() for e in r.entries)
    links = Counter(e.link for r in parsed.values() for e in r.entries)
    assert max(ids.values()) == 1 and max(links.values()) == 1
    urls = list(links)
    for result in parsed.values():
        for entry in result.entries:
            if entry.get("content"):
                urls += re.findall(r'src="([^"]+)"', entry.content[0].value)
    for url in urls:
        host = urlsplit(url).hostname or ""
        assert urlsplit(url).scheme == "https", url
        assert host == "example.com" or host.endswith(".example"), url


def test_news_is_plentiful_and_marked_as_samples(parsed: dict[str, Any]) -> None:
    news = _news(demo_feeds())
    per_section = Counter(f.section for f in news for _ in parsed[f.path.name].entries)
    assert sum(per_section.values()) >= 40
    assert len(per_section) >= 4
    for feed in news:
        meta = parsed[feed.path.name].feed
        assert "not real events" in (meta.get("subtitle") or meta.get("description") or "")


def test_guide_teaches_termnews(parsed: dict[str, Any]) -> None:
    guide = parsed["guide.xml"]
    assert guide.feed.title == "termnews Guide"
    assert 8 <= len(guide.entries) <= 10
    everything = [e for result in parsed.values() for e in result.entries]
    newest = max(everything, key=lambda e: e.published_parsed)
    assert newest.title.startswith("Welcome"), "newest-first lists should open on Welcome"
    text = " ".join(_text(e) for e in guide.entries)
    for needle in ("termnews add", "termnews import", "--offline", "is:unread", "[keys]"):
        assert needle in text, needle


def test_bodies_are_rich_html_of_reasonable_length(parsed: dict[str, Any]) -> None:
    teasers = 0
    bodies = ""
    for feed in _news(demo_feeds()):
        for entry in parsed[feed.path.name].entries:
            if not entry.get("content"):
                teasers += 1
                assert 0 < len(entry.summary.split()) < 40, entry.title
                continue
            body = entry.content[0].value
            bodies += body
            words = len(TAG.sub(" ", body).split())
            assert 150 <= words <= 400, (entry.title, words)
            assert body.count("<p>") >= 3, entry.title
    assert 1 <= teasers <= 4
    for element in ("<h2>", "<ul>", "<blockquote>", "<figure>", "<figcaption>", "<img alt="):
        assert bodies.count(element) >= 3, element


def test_titles_and_names_exercise_wide_and_accented_characters(
    parsed: dict[str, Any],
) -> None:
    entries = [e for r in parsed.values() for e in r.entries]
    titles = [e.title for e in entries]
    assert any(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", t) for t in titles), "CJK title"
    assert any(any(ord(c) >= 0x1F300 for c in t) for t in titles), "emoji title"
    assert sum(1 for e in entries if not e.author.isascii()) >= 5


@pytest.mark.parametrize(
    ("facts", "versions"),
    SHARED_STORIES,
    ids=[facts[0] for facts, _ in SHARED_STORIES],
)
def test_shared_story_is_told_by_several_outlets(
    parsed: dict[str, Any], facts: tuple[str, ...], versions: list[tuple[str, str]]
) -> None:
    outlets = {urlsplit(parsed[file].feed.link).hostname for file, _ in versions}
    assert len(outlets) == len(versions) >= 2, "each version must come from another outlet"
    assert len({title for _, title in versions}) == len(versions)
    sections = {f.section for f in demo_feeds() if f.path.name in {v[0] for v in versions}}
    assert len(sections) == 1, "versions of one story belong to one section"
    for file, title in versions:
        text = _text(_by_title(parsed, file, title))
        missing = [fact for fact in facts if fact not in text]
        assert not missing, (title, missing)


def test_at_least_eight_stories_are_shared() -> None:
    assert len(SHARED_STORIES) >= 8


@pytest.mark.parametrize(("lookalike", "foreign"), LOOKALIKES, ids=lambda v: str(v[0])[:20])
def test_same_topic_stories_are_different_events(
    parsed: dict[str, Any], lookalike: tuple[str, str], foreign: tuple[str, ...]
) -> None:
    text = _text(_by_title(parsed, *lookalike))
    assert not [fact for fact in foreign if fact in text], lookalike
