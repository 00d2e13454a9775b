"""One local article file (``.html``, ``.md``, ``.txt``) as an :class:`EntryData`.

* ``.html``/``.htm``: the main text is extracted as from a fetched page
  (:func:`termnews.core.extract.extract_article`).
* ``.md``/``.markdown``: the body as written; the title from front matter
  (``title:``), else the first ``# heading``, else the file name.
* ``.txt``: often a web page saved or scraped as plain text, chrome and all. It is
  read as a page (:func:`text_page_to_article`): the headline found, the body kept
  with its subheadings turned into ``##`` headings, and menus, teaser blocks
  ("You May Also Like", "Trending now"), "Advertisement" lines and social,
  newsletter and copyright footers left out. The rules are generic, built on
  what such pages share: prose is long and ends in sentence punctuation;
  headings are short, unpunctuated and come right before prose; menus and
  teaser labels are runs of short lines (but a list numbered 1, 2, 3 is the
  story's own), and a menu inside the story (a gallery's buttons) costs it no
  more than a few lines; teasers are cut off with "..."; a run of posts under
  times of day is a live ticker; a headline stands above its byline or date.

The file's guid is ``file:`` plus its resolved path, so moving a file makes a new
article and editing one updates it; the date is one found in the header of the
text, else the file's modification time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from termnews.core.content import escape_markdown, escape_paragraph
from termnews.core.errors import SourceError
from termnews.core.extract import extract_article
from termnews.core.models import EntryData
from termnews.core.sources.local import read_regular_file
from termnews.core.text import clean_block, clean_line, strip_unsafe
from termnews.core.title_echo import without_title_echo

__all__ = [
    "MAX_ARTICLE_BYTES",
    "TextArticle",
    "parse_article_file",
    "read_article_file",
    "text_page_to_article",
]

MAX_ARTICLE_BYTES = 16 * 1024 * 1024
"""An article file larger than this is refused rather than read into memory."""

SUMMARY_CHARS = 600

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
TEXT_SUFFIXES = frozenset({".txt", ".text"})


def parse_article_file(path: Path) -> EntryData:
    """Read one article file; raises :class:`SourceError` if it is unreadable or empty."""
    return read_article_file(path)[0]


def read_article_file(path: Path) -> tuple[EntryData, str]:
    """One article file as an entry, and the publication it names ("" if none).

    Why the publication: a saved web page added on its own is a source of its
    own, and "Ars Technica" says what it is where its file's name ("source",
    "index") does not (see ``local.read_article_source``). Raises
    :class:`SourceError` if the file is unreadable or empty.
    """
    source = str(path)
    suffix = path.suffix.lower()
    if suffix not in HTML_SUFFIXES | MARKDOWN_SUFFIXES | TEXT_SUFFIXES:
        raise SourceError(source, f"not an article file ({suffix or 'no extension'})")
    try:
        resolved = path.resolve()
        stat = resolved.stat()
        if stat.st_size > MAX_ARTICLE_BYTES:
            raise SourceError(source, f"too large ({stat.st_size // (1024 * 1024)} MiB)")
        # Not open(): a FIFO or device swapped in for the file must not block or flood.
        data = read_regular_file(resolved, MAX_ARTICLE_BYTES)
    except OSError as exc:
        raise SourceError(source, exc.strerror or str(exc)) from exc
    if not data.strip():
        raise SourceError(source, "empty file")
    text = _decode(data, source)
    mtime = datetime.fromtimestamp(stat.st_mtime, UTC)
    uri = resolved.as_uri()
    if suffix in HTML_SUFFIXES:
        article = _from_html(text, uri)
    elif suffix in MARKDOWN_SUFFIXES:
        article = _from_markdown(text)
    else:
        article = text_page_to_article(text)
    if not article.markdown.strip():
        raise SourceError(source, "no article text found")
    entry = EntryData(
        guid="file:" + str(resolved),
        link=uri,
        title=clean_line(article.title) or _title_from_name(path),
        author=clean_line(article.author) or None,
        published=article.published or mtime,
        updated=mtime,
        summary=article.summary or _summary(article.markdown),
        content=clean_block(article.markdown),
    )
    return entry, clean_line(article.site)


@dataclass(frozen=True, slots=True)
class TextArticle:
    """What a file reader found: title, byline, date and the body as Markdown."""

    title: str
    markdown: str
    author: str | None = None
    published: datetime | None = None
    summary: str = ""
    site: str = ""
    """The publication a saved web page names (its ``og:site_name``), or ""."""


# --- reading ---------------------------------------------------------------------------


def _decode(data: bytes, source: str) -> str:
    """Bytes to text: UTF-8 (or UTF-16 with a BOM), else Windows-1252; binary refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        if b"\x00" in data[:8192]:
            raise SourceError(source, "not a text file (binary data)")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    # Escape sequences (a coloured terminal log) are text to clean, not binary.
    sample = text[:8192]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\n\r\f\x1b\x07")
    if controls > len(sample) // 20 + 8:
        raise SourceError(source, "not a text file (binary data)")
    return strip_unsafe(text)


def _title_from_name(path: Path) -> str:
    """``my-first_post.md`` -> "My first post"."""
    name = re.sub(r"[-_]+", " ", path.stem).strip()
    return clean_line(name[:1].upper() + name[1:]) or path.name


def _from_html(text: str, uri: str) -> TextArticle:
    article = extract_article(text, uri)
    return TextArticle(
        title=article.title,
        markdown=article.markdown,
        author=article.author,
        published=article.published,
        summary=_summary(article.markdown),
        site=article.site_name,
    )


# --- Markdown ------------------------------------------------------------------------

_FRONT_MATTER = re.compile(
    r"\A(?:---|\+\+\+)[ \t]*\n(.*?)\n(?:---|\+\+\+|\.\.\.)[ \t]*(?:\n|\Z)", re.S
)
_FRONT_KEY = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*[:=]\s*(.*?)\s*$")
_ATX_H1 = re.compile(r"^#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


def _from_markdown(text: str) -> TextArticle:
    meta: dict[str, str] = {}
    body = text.replace("\r\n", "\n").replace("\r", "\n")
    match = _FRONT_MATTER.match(body)
    if match:
        for line in match.group(1).split("\n"):
            kv = _FRONT_KEY.match(line)
            if kv:
                meta[kv.group(1).lower()] = kv.group(2).strip("\"'")
        body = body[match.end() :]
    title = meta.get("title", "") or _first_h1(body)
    return TextArticle(
        title=title,
        markdown=without_title_echo(body, title).strip(),
        author=meta.get("author") or None,
        published=_find_date(meta.get("date", "")),
    )


def _first_h1(markdown: str) -> str:
    in_fence = False
    for line in markdown.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence:
            match = _ATX_H1.match(line)
            if match:
                return _unmark(match.group(1))
    return ""


_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_LINE_MARK = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d{1,9}[.)]\s+)", re.M)
_MD_INLINE = re.compile(r"\\(?=[^\w\s])|[*_`~]{1,3}(?=\S)|(?<=\S)[*_`~]{1,3}")


def _unmark(markdown: str) -> str:
    """Markdown to rough plain text (summaries): markers and link targets removed."""
    text = _MD_IMAGE.sub("", markdown)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_LINE_MARK.sub("", text)
    return clean_line(_MD_INLINE.sub("", text))


def _summary(markdown: str) -> str:
    """The opening text, without headings or code blocks."""
    lines: list[str] = []
    in_fence = False
    for line in markdown.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and not line.lstrip().startswith("#"):
            lines.append(line)
    return _truncate(_unmark("\n".join(lines)[: SUMMARY_CHARS * 4]))


def _truncate(text: str) -> str:
    text = clean_line(text)
    if len(text) <= SUMMARY_CHARS:
        return text
    return text[: SUMMARY_CHARS - 1].rsplit(" ", 1)[0] + "…"


# --- plain-text web pages ---------------------------------------------------------------

_CAPTION = re.compile(
    r"\((?:photo|image|credit|picture|foto)\b|\b(?:photo|image|credit|picture|foto|caption)s?\s*:"
    r"|^(?:media|image|photo) caption\b"
    r"|\b(?:getty images|shutterstock|ap photo|afp|reuters|epa)\b"
    r"|\s[-–—|]\s*[^\s/|]+(?:\s[^\s/|]+){0,3}/[^/|]{2,40}$",
    re.I,
)
"""An image caption or credit line, which is not a headline; a credit is also a
photographer and agency at the end ("... - Heinrich Aikawa/Instituto Lula")."""
_LABEL_END = re.compile(r"[|›»>•·/\\–—-]$")
"""A line ending in a separator is a site or section label ("Le Monde |")."""


def _mostly_words(text: str) -> bool:
    """Not a count or a score line ("75 with 51 posters participating")."""
    tokens = text.split()
    numbers = sum(1 for t in tokens if any(ch.isdigit() for ch in t))
    return numbers * 3 <= _words(text)  # a Chinese or Japanese token is many words


_AUTHOR_END = re.compile(r"\s*[|,•·]\s*|\s+[-–—]\s+|\s+(?:on|for|in)\s+|\s+(?=\d)")
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)\]」』）】]*(?:\s*[（(][^（()）\n]{1,30}[）)])?$")
"""A sentence's end, with its closing quotes and brackets, and a short note in brackets
after it: the credit Chinese pages close a story with ("。（编译/林靖东）")."""
_TRUNCATED = re.compile(r"(?:\.\.\.|…)[\"'”’»)\]]*$")
_NO_HEADING_END = re.compile(r"[.,;:]$")
_BRACKETED = re.compile(r"[(（\[【][^()（）\[\]【】]*[)）\]】]")
_BULLET = re.compile(r"^(?:[-*+•▪◦·]|\d{1,3}[.)])\s+")
_RULE = re.compile(r"^\s*([=\-_*~#])\1{2,}\s*$")
_BYLINE = re.compile(r"^(?:by|written by|posted by|words by|author:)\s+(.{2,80})$", re.I)
_CHROME_PREFIX = re.compile(
    r"^(?:read more|read also|also read|see also|related|recommended|more|watch|listen|"
    r"read next|continue reading|click here|tags?|topics|filed under|categories|posted in|"
    r"image|photo|source|credit)\b\s*[:|»›>\-–—]",
    re.I,
)
"""A short line like "Read more: <headline>" or "Tags: a, b": a link, not text."""
_SEPARATORS = re.compile(r"\s+(?:[|›»>•·/]|::)\s+")
_MENU_SEPARATORS = re.compile(r"\s+[|›»•·▪◦∙‧]\s+")
_MENU_ROW_PARTS = 4
_MENU_PART_WORDS = 4
_DATE_WORDS = re.compile(
    r"\b(?:published|updated|posted|last|modified|on|at|am|pm|utc|gmt|[ecmp][sd]t|date)\b|[\d:|,.\-–—]",
    re.I,
)

_BOILERPLATE_LINES = frozenset(
    phrase.strip()
    for phrase in """
    advertisement|advertisements|advertising|ad|sponsored|sponsored content|promoted|
    skip to content|skip to main content|skip to navigation|jump to content|menu|main menu|
    toggle navigation|navigation|search|search for|hi, what are you looking for?|
    what are you looking for?|type to search|close|open menu|log in|login|sign in|sign up|
    register|subscribe|subscribe now|home|share|share this|share this article|
    share this story|share on facebook|share on twitter|share on x|share on linkedin|
    share via email|tweet|email|print|facebook|twitter|x|linkedin|whatsapp|reddit|
    pinterest|instagram|youtube|telegram|copy link|link copied|like this|like|loading|
    click to share on facebook|click to share on twitter|click to print|click to email|
    back to top|scroll to top|go to top|top|previous|next|previous article|next article|
    continue reading|read more|comments|leave a comment|leave a reply|reply|cancel reply|
    like loading|loading comments|show comments|view comments|
    tags|filed under|categories|posted in|listen to this article|listen|
    print this article|save|save article|photo|image|video|watch now|view gallery|
    enlarge image|advertisement - scroll to continue|story continues below advertisement|
    article continues below advertisement|continue reading below
    """.replace("\n", "").split("|")
    if phrase.strip()
)
"""Whole lines that are page chrome wherever they stand (compared lower-cased)."""
_SECTION_STARTS = re.compile(
    r"""^(?:
      you\ (?:may|might|will)\ also\ (?:like|enjoy) | also\ on\ \w+ | related(?:\ \w+){0,2}
    | more\ (?:from|on|in|stories|news|articles|to\ read|like\ this|top\ stories)(?:\ \w+){0,3}
    | trending(?:\ now|\ stories|\ news|\ today)? | most\ (?:popular|read|viewed|shared|recent)
    | popular(?:\ posts|\ stories|\ articles|\ now)? | recommended(?:\ \w+){0,2}
    | latest(?:\ news|\ stories|\ posts|\ articles|\ headlines)? | top\ stories | editor'?s\ picks?
    | don'?t\ miss | up\ next | what\ to\ read\ next | read\ next | in\ case\ you\ missed\ it
    | from\ around\ the\ web | promoted\ stories | sponsored\ stories | around\ the\ web
    | comments?(?:\ \(\d+\))? | \d+\ comments? | join\ the\ conversation
    | leave\ a\ (?:reply|comment)
    | about\ the\ author | share\ this(?:\ \w+)? | tags? | topics
    | connect\ with\ us | follow\ us(?:\ on\ \w+)? | stay\ connected | find\ us\ on\ \w+
    | (?:sign\ up\ for|subscribe\ to|get)\ (?:our|the)\ (?:\w+\ )?newsletters? | newsletters?
    | copyright\b.* | ©.* | \(c\)\ \d{4}.* | all\ rights\ reserved.* | privacy\ policy
    | terms\ of\ (?:use|service) | cookie\ (?:policy|settings) | contact\ us | about\ us
    | sur\ le\ même\ sujet | (?:à\ )?lire\ aussi | voir\ aussi | dans\ la\ même\ rubrique
    | más\ sobre(?:\ \w+){0,3} | lea\ también | te\ puede\ interesar | noticias\ relacionadas
    | leia\ também | veja\ também | mais\ sobre(?:\ \w+){0,3}
    | mehr\ zum\ thema | lesen\ sie\ auch | auch\ interessant | leggi\ anche
    | související(?:\ články)? | čtěte\ také
    )[\s:.!]*$""",
    re.I | re.X,
)
"""Labels that open a teaser block or a footer: the article is over (for now). The
"related" labels of the corpus's other languages too (French, Spanish, Portuguese,
German, Italian, Czech): liberation-1's "Sur le même sujet" teasers read as the story."""
_CHROME_START = re.compile(
    r"(?:skip to|continue reading|log ?in|sign (?:in|up)|subscribe|register|follow us|"
    r"share (?:this|on|via)|download (?:the|our)|get the app|click|tap here|advertisement|"
    r"sponsored by|supported by|listen to|media caption|image caption|image copyright)\b",
    re.I,
)
"""Short lines starting like this are buttons and notices, not text."""
_COOKIE_NOTICE = re.compile(
    r"\b(?:we|this (?:web)?site|our (?:web)?site|our partners) (?:and \w+ )?uses? cookies\b"
    r"|\b(?:accept|allow|manage) (?:all )?cookies\b|\bcookie (?:policy|settings|preferences)\b",
    re.I,
)
"""A cookie-consent notice: a paragraph of prose on every European page, never the story."""
_ACCOUNT_PROMPT = re.compile(
    r"^(?:log ?in|sign (?:in|up)|register|create an account)\b.{0,200}\baccount\b", re.I
)
"""'Log in with your ... account to ...', 'Sign up for a free ... account': a site's
prompt, however long, not the story's text."""
_SOCIAL_NAMES = frozenset(
    """facebook twitter x linkedin whatsapp reddit pinterest instagram youtube telegram
    messenger threads bluesky mastodon tumblr vk xing email e-mail mail sms print
    copy""".split()  # noqa: SIM905
)
"""Names a share-button row is made of (a row of two or more of them alone)."""
_FOOTERISH = re.compile(r"©|\ball rights reserved\b|^copyright\b", re.I)

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_FOREIGN_MONTHS = {
    name: number
    for number, names in enumerate(
        # French, Spanish, Portuguese, German, Italian (full names, and the
        # abbreviations that are no English word).
        [
            "janvier janv enero janeiro januar jänner gennaio",
            "février févr fevrier febrero fevereiro fev februar febbraio",
            "mars marzo março märz",
            "avril avr abril aprile",
            "mai mayo maio maggio",
            "juin junio junho juni giugno",
            "juillet juil julio julho juli luglio",
            "août aout agosto",
            "septembre septiembre setiembre setembro settembre",
            "octobre octubre outubro oktober ottobre",
            "novembre noviembre novembro",
            "décembre déc decembre diciembre dezembro dez dezember dicembre",
        ],
        start=1,
    )
    for name in names.split()
}
"""Month names of the other languages news pages are most often saved in: dates in the
header of a French or Brazilian page ("30 avril 2015", "21.dez.2018") are found too."""
_ANY_MONTH = "|".join(sorted({**_MONTHS, **_FOREIGN_MONTHS}, key=len, reverse=True))
_DATE_PATTERNS = (
    re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b"),
    re.compile(
        rf"\b(?P<mon>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b",
        re.I,
    ),
    re.compile(
        rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th|º|er)?\.?\s*(?:de\s+)?(?P<mon>{_ANY_MONTH})\b"
        rf"\.?,?\s*(?:de\s+)?(?P<y>(?:19|20)\d\d)\b",
        re.I,
    ),
    re.compile(r"\b(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})(?P=sep)(?P<y>(?:19|20)\d\d)\b"),
    re.compile(r"(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
)
"""ISO dates, "June 7, 2023", "7 June 2023" (and "30 avril 2015", "21 de diciembre de
2018", "3. März 2019"), numeric "26/2/2015" or "2/26/2015" (day first unless the
second number cannot be a month), and Chinese and Japanese "2025年3月12日"."""


_DATE_NO_YEAR = re.compile(rf"\b(?:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b", re.I)


def _find_date(text: str) -> datetime | None:
    """The first plausible calendar date in ``text`` (midnight UTC), or None."""
    if not text:
        return None
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            parts = match.groupdict()
            if parts.get("a"):
                a, b = int(parts["a"]), int(parts["b"])
                parts["d"], parts["m"] = (str(b), str(a)) if b > 12 else (str(a), str(b))
            if parts.get("m"):
                month = int(parts["m"])
            else:
                name = parts["mon"].lower().rstrip(".")
                month = _MONTHS.get(name) or _FOREIGN_MONTHS[name]
            try:
                value = datetime(int(parts["y"]), month, int(parts["d"]), tzinfo=UTC)
            except ValueError:
                continue
            if value <= datetime.now(UTC) + timedelta(days=1):
                return value
    return None


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def _words(text: str) -> int:
    """Words in ``text``; Chinese and Japanese have no spaces: two characters count as one."""
    cjk = len(_CJK.findall(text))
    return len(text.split()) + cjk // 2 if cjk else len(text.split())


def _norm(text: str) -> str:
    return " ".join(text.lower().split()).strip(" .:!|-–—»›")


@dataclass(frozen=True, slots=True)
class _Unit:
    """One paragraph or line of the page, with the features the rules look at."""

    text: str
    words: int
    rule_below: str = ""
    """``=`` or ``-`` when the next line underlines this one (setext heading)."""

    @property
    def is_boilerplate(self) -> bool:
        if self.words <= 8 and _norm(self.text) in _BOILERPLATE_LINES:
            return True
        if self.words <= 150 and _COOKIE_NOTICE.search(self.text):
            return True
        if self.words <= 40 and _ACCOUNT_PROMPT.match(self.text):
            return True
        if self.words <= 10 and _CHROME_START.match(self.text):
            return True
        if self.words <= 10 and self.is_share_row:
            return True
        return self.words <= 25 and _FOOTERISH.search(self.text) is not None

    @property
    def is_share_row(self) -> bool:
        """A row of social networks' names ("Facebook Twitter", "Twitter | LinkedIn |
        E-mail"): share buttons, in any language the page is in."""
        names = [w for w in re.split(r"[\s|•·/,]+", self.text.casefold()) if w]
        return 2 <= len(names) <= 10 and all(name in _SOCIAL_NAMES for name in names)

    @property
    def opens_section(self) -> bool:
        """A label like "You May Also Like" or "Connect with us": teasers or footer follow."""
        return self.words <= 10 and _SECTION_STARTS.match(_norm(self.text)) is not None

    @property
    def truncated(self) -> bool:
        return _TRUNCATED.search(self.text) is not None

    @property
    def is_menu_row(self) -> bool:
        """A site's menu or topic list run into one line ("Les rubriques du Monde.fr
        International ▪ Politique ▪ Société ▪ ..."): four or more parts between
        separators, most of them a few words, none a sentence."""
        parts = _MENU_SEPARATORS.split(self.text)
        if len(parts) < _MENU_ROW_PARTS:
            return False
        short = sum(1 for part in parts if len(part.split()) <= _MENU_PART_WORDS)
        return short * 4 >= len(parts) * 3 and not any(
            _SENTENCE_END.search(part.strip()) for part in parts[:-1]
        )

    @property
    def is_prose(self) -> bool:
        """A paragraph of running text: long enough and ending like a sentence."""
        if self.truncated or self.is_boilerplate or self.is_menu_row:
            return False
        return (self.words >= 12 and _SENTENCE_END.search(self.text) is not None) or (
            self.words >= 40
        )

    @property
    def is_bullet(self) -> bool:
        return _BULLET.match(self.text) is not None

    @property
    def heading_like(self) -> bool:
        """Short, unpunctuated, starting with a capital: a headline or subheading."""
        text = self.text
        if not 1 <= self.words <= 24 or len(text) > 200 or self.truncated or self.is_bullet:
            return False
        if _NO_HEADING_END.search(text) or (text.endswith(".") and not text.endswith("..")):
            return False
        if _BRACKETED.fullmatch(text):
            return False  # an aside, a link's note ("(微博)", "(video)"): no heading
        first = text.lstrip("\"'“‘¿¡(")[:1]
        return first.isupper() or first.isdigit() or (first.isalpha() and not first.islower())

    @property
    def is_short_label(self) -> bool:
        """A menu entry or section tag: a few words, no sentence."""
        return self.words <= 4 and _SENTENCE_END.search(self.text) is None

    @property
    def is_link_row(self) -> bool:
        """A menu or breadcrumb on one line: "World | Business | Tech", "Home › Science"."""
        parts = _SEPARATORS.split(self.text)
        return len(parts) >= 2 and all(1 <= len(part.split()) <= 3 for part in parts)

    @property
    def is_dateline(self) -> bool:
        """A line that is a date and little else ("Published 12 April 2024, 10:05")."""
        if self.words > 10 or (
            _find_date(self.text) is None and not _DATE_NO_YEAR.search(self.text)
        ):
            return False
        rest = self.text
        for pattern in (*_DATE_PATTERNS, _DATE_NO_YEAR):
            rest = pattern.sub(" ", rest)
        return len(_DATE_WORDS.sub(" ", rest).split()) <= 2


def _units(text: str) -> list[_Unit]:
    """Paragraphs (blank-line separated, hard wraps joined) or, in a block of short
    lines (a menu pasted as text), one unit per line."""
    units: list[_Unit] = []
    for block in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [" ".join(line.split()) for line in block.split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            continue
        if len(lines) > 1 and _is_wrapped_paragraph(lines):
            units.append(_Unit(" ".join(lines), _words(" ".join(lines))))
            continue
        for line in lines:
            rule = _RULE.match(line)
            if rule and units and rule.group(1) in "=-" and not units[-1].rule_below:
                last = units[-1]
                units[-1] = _Unit(last.text, last.words, rule.group(1))
            elif not rule:
                units.append(_Unit(line, _words(line)))
    return units


def _is_wrapped_paragraph(lines: list[str]) -> bool:
    """Lines of one paragraph broken at a fixed width (the last may be short)."""
    if any(_BULLET.match(line) or _RULE.match(line) for line in lines):
        return False
    longest = max(len(line) for line in lines)
    return longest >= 40 and all(len(line) >= 0.55 * longest for line in lines[:-1])


def _nav_runs(units: list[_Unit]) -> set[int]:
    """Indexes of units in runs of 3+ short labels (menus, tag lists, link lists) and
    of live tickers (:func:`_ticker_runs`); a numbered list is not one."""
    found: set[int] = set()
    run: list[int] = []
    for i, unit in enumerate([*units, _Unit(".", 1)]):
        if i < len(units) and unit.is_link_row:
            found.add(i)
        elif i < len(units) and unit.is_short_label and not unit.rule_below:
            run.append(i)
            continue
        if len(run) >= 3:
            found.update(run)
        run = []
    found.difference_update(_numbered_runs(units))
    found.update(_ticker_runs(units))
    return found


_NUMBERED = re.compile(r"^(\d{1,3})[.)]\s+\S")


def _numbered_runs(units: list[_Unit]) -> set[int]:
    """Indexes of runs of 3+ items numbered 1, 2, 3 ...: a ranking or steps, not a menu.

    Why: cnn's "1. Finland", "2. Norway" ... "10. United States", the story's own
    ranking, were short labels in a row, taken for a menu; the article was cut off
    above them, and its last paragraphs with it. A menu is never numbered in order.
    """
    found: set[int] = set()
    run: list[int] = []
    previous = 0
    for i, unit in enumerate([*units, _Unit(".", 1)]):
        match = _NUMBERED.match(unit.text) if i < len(units) else None
        number = int(match.group(1)) if match else 0
        if run and number == previous + 1:
            run.append(i)
        else:
            if len(run) >= 3:
                found.update(run)
            run = [i] if number == 1 else []
        previous = number
    return found


_CLOCK = re.compile(r"^(?:[01]?\d|2[0-3])[:h.]\d\d(?:\s?[ap]\.?m\.?)?$", re.I)
"""A line that is a time of day and nothing else ("14:44", "9.05", "10h30", "7:11 pm")."""
_TICKER_GAP = 6
"""Most units between two time stamps of one live ticker (an item: headline, text)."""


def _ticker_runs(units: list[_Unit]) -> set[int]:
    """Indexes of live tickers: 3+ lines that are a time alone, each a few units apart,
    and the items between them.

    Why: liberation-1 is a 300-word story followed by the site's live feed, forty
    items under "14:44", "14:32" ...; those of a paragraph's length read as running
    text and the feed became the article's second half. A reader sees a list of
    timed posts, not the story.
    """
    stamps = [i for i, unit in enumerate(units) if _CLOCK.match(unit.text)]
    found: set[int] = set()
    group: list[int] = []
    for stamp in [*stamps, len(units) + _TICKER_GAP + 1]:
        if group and stamp - group[-1] <= _TICKER_GAP:
            group.append(stamp)
            continue
        if len(group) >= 3:
            found.update(range(group[0], group[-1] + 1))
        group = [stamp]
    return found


_HEADER_WINDOW = 25
"""How far above the article text the headline is looked for (byline, date, captions,
share buttons and a standfirst sit between them)."""


_REPEAT_WINDOW = 6
"""A headline printed twice is printed close together (heading, then image caption)."""


_NAV_RUN_COST = 40
"""What a run of menu units costs a span at most, however long (see :func:`_main_span`)."""


def _unit_score(unit: _Unit, index: int, nav: set[int]) -> int:
    """Article text counts for a span, chrome against it (see :func:`_main_span`)."""
    if index in nav or unit.is_boilerplate or unit.opens_section or unit.truncated:
        return -10
    if unit.is_prose:
        return min(unit.words, 120)
    return -2


def _main_span(units: list[_Unit], nav: set[int]) -> tuple[int, int]:
    """First and last unit of the article: the stretch with the most running text.

    A whole page saved as text has teasers and promos that read like prose in
    its header and footer too; the article is the run of paragraphs whose words
    outweigh the chrome inside it (the maximum-sum stretch, as in body-text
    extraction), so a related-stories block inside the article does not end it.
    """
    best, best_span = 0, (len(units), len(units) - 1)
    total, begin = 0, 0
    run_cost = 0
    for i, unit in enumerate(units):
        score = _unit_score(unit, i, nav)
        if i in nav:
            # One widget, however many buttons: folha's photo gallery, thirty-three
            # icon labels inside the story, cut off its last three paragraphs.
            score = max(score, run_cost - _NAV_RUN_COST)
            run_cost -= score
        else:
            run_cost = 0
        if total <= 0:
            total, begin = 0, i
        total += score
        if total > best:
            best, best_span = total, (begin, i)
    first, last = best_span
    while first <= last and not units[first].is_prose:
        first += 1  # the span starts at its first paragraph
    if first > last:
        return len(units), len(units) - 1
    return first, last


_STAMP = re.compile(r"^(?:\D+\s)?\d{1,2}\s\D+$")
"""A few words around one small number: "před 3 minutami", "Updated 2 hours ago", "hace 5
horas"; a time ago in any language, told apart from other such lines by repetition."""
_STAMP_WORDS = 4


def _stamp_key(unit: _Unit) -> str:
    """The first word of a time-ago line (:data:`_STAMP`), or ""."""
    if unit.words > _STAMP_WORDS or not _STAMP.match(unit.text):
        return ""
    return unit.text.split()[0].casefold() if not unit.text[0].isdigit() else unit.text.split()[1]


def _next_story(units: list[_Unit], first: int, last: int, nav: set[int]) -> int:
    """The last unit of the article when a second story follows it in the span, else ``last``.

    A page saved whole can hold the site's next story in full after the first one
    (aktualne: "Právě se děje", 'happening now': a housing story of five long
    paragraphs under the football one): its paragraphs outweighed the share
    buttons and teasers between, and the reader showed both as one article. A
    story is announced as a headline is: a time line ("před 3 minutami", '3
    minutes ago') and a headline of 5+ words just before its paragraphs. The
    time line must be a kind the page prints more than once (same first word,
    another number): that is the site's teaser stamp, where a lone number above a
    subheading ("1 of 12", a gallery) is not.
    """
    keys: dict[str, int] = {}
    for unit in units:
        key = _stamp_key(unit)
        if key:
            keys[key] = keys.get(key, 0) + 1
    if not keys:
        return last
    for i in range(first + 1, last - 1):
        key = _stamp_key(units[i])
        if not key or keys[key] < 2:
            continue
        head = next((j for j in range(i + 1, min(i + 3, last)) if j not in nav), None)
        if head is None or not units[head].heading_like or units[head].words < 5:
            continue
        if not units[head + 1].is_prose:
            continue
        end = i - 1
        while end > first and not units[end].is_prose:
            end -= 1
        return end
    return last


_MENU_PASS = 30
"""Menu units passed over at most between a headline and its byline or its text: a
row of share buttons is a few dozen, a site's whole menu (bbc-1: 115) is not."""


def _window_start(end: int, skip: set[int]) -> int:
    """Where the headline window above ``end`` starts: :data:`_HEADER_WINDOW` units,
    up to :data:`_MENU_PASS` menu units not counted (wapo-1's fourteen share buttons
    between its headline and its byline pushed the headline out of the window)."""
    seen = skipped = 0
    i = end
    while i > 0 and seen < _HEADER_WINDOW:
        i -= 1
        if i in skip and skipped < _MENU_PASS:
            skipped += 1
        else:
            seen += 1
    return i


def _find_headline(
    units: list[_Unit], end: int, skip: set[int], *, after_menus: bool = True
) -> int | None:
    """Index of the headline among ``units[:end]``.

    Candidates are heading-like lines of 3+ words within a window above the
    article text that are not chrome, captions, datelines or counts. In order:

    * a line underlined with ``===`` (a setext title);
    * after the last menu (site name and tagline come before the menu), a line
      repeated just below (pages print the headline twice, the second time often
      run into an image caption);
    * one of 5+ words printed above its byline or date (a few units below it,
      share buttons and a source credit between), wherever it stands in the
      window: the share-button row many sites print under the headline is a
      "menu" too;
    * else the longest, since a site name, a tagline or a subheading is shorter
      than a headline; the last line of a run of candidates is the standfirst
      under the headline (:func:`_without_standfirsts`).
    """
    window = max(0, end - _HEADER_WINDOW)
    after_menu = max((i + 1 for i in skip if window <= i < end), default=0) if after_menus else 0
    in_window = [i for i in range(window, end) if i not in skip and _may_be_headline(units[i])]
    candidates = [i for i in in_window if i >= after_menu]
    underlined = [i for i in candidates if units[i].rule_below == "="]
    if underlined:
        return underlined[0]
    for i in candidates:
        head = _norm(units[i].text)
        nearby = units[i + 1 : i + 1 + _REPEAT_WINDOW]
        if units[i].words >= 5 and any(_norm(u.text).startswith(head) for u in nearby):
            return i
    if not candidates and after_menu:
        return _find_headline(units, end, skip, after_menus=False)
    # A signed headline is looked for further up, past the share buttons between it
    # and the text (wapo-1: fourteen of them, then its byline).
    reach = range(_window_start(end, skip), end)
    signed = [
        i
        for i in reach
        if i not in skip
        and _may_be_headline(units[i])
        and units[i].words >= 5
        and _signed_below(units, i, end, skip)
    ]
    if signed:
        # Of a headline and its standfirst, both above the byline, the first; of the
        # page's <title> ("Headline - Breitbart") and the headline, the headline.
        signed = [i for i in signed if i - 1 not in signed]
        heads = {i: _norm(units[i].text) for i in signed}
        signed = [
            i
            for i in signed
            if not any(j != i and heads[i].startswith(heads[j] + " ") for j in signed)
        ]
        return max(signed, key=lambda i: (units[i].words, -i))
    if not candidates:
        return None
    return max(_without_standfirsts(candidates), key=lambda i: (units[i].words, -i))


def _without_standfirsts(candidates: list[int]) -> list[int]:
    """Of each run of candidates on consecutive lines, the one before the last: a
    headline stands right above its standfirst (folha, la-nacion), and what comes
    before the two is a tagline or a prompt ("Recibí por mail las noticias...")."""
    kept: list[int] = []
    run: list[int] = []
    for i in [*candidates, -2]:
        if run and i == run[-1] + 1:
            run.append(i)
            continue
        if run:
            kept.append(run[-2] if len(run) >= 2 else run[0])
        run = [i]
    return kept


def _may_be_headline(unit: _Unit) -> bool:
    """Heading-like, 3+ words, and none of chrome, a label, a caption, a date, a count."""
    return (
        unit.heading_like
        and unit.words >= 3
        and not unit.is_boilerplate
        and not unit.opens_section
        and not unit.is_dateline
        and not _BYLINE.match(unit.text)
        and not _CAPTION.search(unit.text)
        and not _LABEL_END.search(unit.text)
        and _mostly_words(unit.text)
    )


_SIGNATURE_REACH = 4
"""How far below a headline its byline or date is looked for."""
_RELATIVE_TIME = re.compile(
    r"^(?:updated\s+|posted\s+)?\d{1,2}\s+(?:min(?:ute)?s?|hours?|hrs?|days?|weeks?)\s+ago$", re.I
)


def _signed_below(units: list[_Unit], i: int, end: int, skip: set[int]) -> bool:
    """Whether a byline or a date stands a few units below ``units[i]``, with only a
    standfirst right under it, captions, short lines (a source credit, "AFP") or
    menus (share buttons, up to :data:`_MENU_PASS` units, not counted) between."""
    reach = skipped = 0
    for j in range(i + 1, end):
        unit = units[j]
        if unit.words <= 16 and (
            (_BYLINE.match(unit.text) and unit.words <= 8)
            or unit.is_dateline
            or _find_date(unit.text) is not None
            or _RELATIVE_TIME.match(unit.text)
        ):
            return True
        if j in skip and skipped < _MENU_PASS:
            skipped += 1
            continue  # share buttons under the headline: one widget, no reach spent
        reach += 1
        if reach >= _SIGNATURE_REACH:
            return False
        standfirst = j == i + 1 and unit.words <= 40 and not unit.truncated
        passable = standfirst or _CAPTION.search(unit.text) or _repeats(unit, units[i])
        if unit.words > 3 and not passable:
            return False
    return False


def _repeats(unit: _Unit, headline: _Unit) -> bool:
    """Whether ``unit`` is mostly the headline's words again (a kicker, the headline
    printed a second time in another form)."""
    words = _norm(unit.text).split()
    known = set(_norm(headline.text).split())
    return (
        len(words) >= 2 and sum(1 for w in words if w.strip(".!?…") in known) * 4 >= len(words) * 3
    )


def text_page_to_article(text: str) -> TextArticle:
    """A web page saved as plain text, read as an article (see the module docstring)."""
    units = _units(strip_unsafe(text))
    if not units:
        return TextArticle(title="", markdown="")
    nav = _nav_runs(units)
    first_prose, last = _main_span(units, nav)
    last = _next_story(units, first_prose, last, nav)
    headline = _find_headline(units, first_prose, nav)
    title = units[headline].text if headline is not None else ""
    start = headline + 1 if headline is not None else max(0, first_prose - _HEADER_WINDOW)

    author: str | None = None
    published: datetime | None = None
    head_norm = _norm(title)
    blocks: list[str] = []
    in_teasers = False
    for i in range(start, last + 1):
        unit = units[i]
        before_body = i < first_prose
        byline = _BYLINE.match(unit.text) if unit.words <= 16 else None
        if byline or unit.is_dateline:
            # "By Jane Doe | June 7, 2023", "Published 12 April 2024": metadata.
            if byline and author is None:
                author = _AUTHOR_END.split(byline.group(1))[0].strip() or None
            published = published or _find_date(unit.text)
            continue
        if before_body:
            # Header: a repeat of the headline (often run into a caption), labels.
            if published is None and unit.words <= 30:
                published = _find_date(unit.text)
            if head_norm and _norm(unit.text).startswith(head_norm):
                continue
        if in_teasers:
            # Past a "You May Also Like" / footer label: skip teasers and labels
            # until running text clearly resumes (two full paragraphs in a row).
            following = units[i + 1] if i + 1 < len(units) else None
            if not (unit.is_prose and unit.words >= 15 and following and following.is_prose):
                continue
            in_teasers = False
        if unit.opens_section and not before_body:
            in_teasers = True
            continue
        if i in nav or unit.is_boilerplate or unit.opens_section:
            continue
        if unit.words <= 25 and _CHROME_PREFIX.match(unit.text):
            continue
        if unit.words <= 3 and i + 1 < len(units) and units[i + 1].is_share_row:
            continue  # the share row's label: "Sdílet článek", "Compartir", "Share:"
        if (
            not before_body
            and not unit.is_prose
            and unit.words <= 40
            and not unit.text.endswith(",")
            and _CAPTION.search(unit.text)
        ):
            # "Spokojený Tomáš Souček ... | Foto: Reuters": a picture's caption, set in
            # italics as the converter sets a <figcaption>, never a subheading.
            blocks.append("*" + escape_paragraph(unit.text) + "*")
            continue
        if unit.is_prose:
            blocks.append(escape_paragraph(unit.text))
        elif unit.is_bullet:
            marker = _BULLET.match(unit.text)
            number = marker.group(0).strip()[:-1] if marker else ""
            item = escape_paragraph(_BULLET.sub("", unit.text))
            blocks.append(f"{number}. {item}" if number.isdigit() else f"- {item}")
        elif (unit.heading_like or unit.rule_below) and _prose_follows(units, i, nav):
            level = "# " if unit.rule_below == "=" and headline is None and not blocks else "## "
            blocks.append(level + escape_markdown(unit.text))
        elif before_body:
            continue  # a caption or label above the first paragraph
        else:
            blocks.append(escape_paragraph(unit.text))
    return TextArticle(
        title=title, markdown=_join_blocks(blocks), author=author, published=published
    )


def _prose_follows(units: list[_Unit], i: int, nav: set[int]) -> bool:
    """True if the next unit that is not chrome is running text or a list."""
    for j in range(i + 1, min(i + 4, len(units))):
        if units[j].is_boilerplate or j in nav:
            continue
        return units[j].is_prose or units[j].is_bullet
    return False


def _join_blocks(blocks: list[str]) -> str:
    """Paragraphs apart by a blank line; consecutive list items stay one list."""
    out: list[str] = []
    previous = ""
    for block in blocks:
        kind = _list_kind(block)
        if out and kind and kind == previous:
            out[-1] += "\n" + block
        else:
            out.append(block)
        previous = kind
    return "\n\n".join(out)


_ORDERED_ITEM = re.compile(r"^\d{1,3}\. ")


def _list_kind(block: str) -> str:
    if block.startswith("- "):
        return "-"
    return "1." if _ORDERED_ITEM.match(block) else ""
