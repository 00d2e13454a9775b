"""Command palette providers: jump to a section or a feed, run any action, switch theme.

Each provider lists plain-text entries (feed titles are cleaned, never markup)
and lets Textual's fuzzy matcher rank them. They read the sections and feeds the
main screen already loaded, so opening the palette costs no database query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from termnews.app.commands import KEY_COMMANDS, display_keys
from termnews.app.widgets.section_list import View
from termnews.core.models import Section, VirtualSection
from termnews.core.text import clean_line, plural


@dataclass(frozen=True, slots=True)
class Entry:
    """One palette line."""

    text: str
    help: str
    run: Callable[[], object]


@dataclass
class RankedDiscoveryHit(DiscoveryHit):
    """A discovery hit listed by its provider's rank, not in the order hits arrive.

    Textual keeps an app's providers in a set and runs them side by side, then lists
    the discovery hits (all of score 0) in the order they happened to come: the
    palette opened on the themes one run, on "Next section" the next and on the
    sections the one after (seen by qa18). The palette sorts hits by score, highest
    first, so a score falling with the rank puts them in the README's order:
    sections, feeds, actions, themes, each provider's own order kept.
    """

    rank: int = 0

    @property
    def score(self) -> float:
        return -float(self.rank)


class _EntryProvider(Provider):
    """Fuzzy search over a list of entries; all of them on discovery."""

    boost: float = 1.0
    """Score multiplier: on a tie, a section ("Sport") should beat the feeds inside it."""
    rank: int = 0
    """Where this provider's entries come in the palette before anything is typed."""

    def entries(self) -> Iterable[Entry]:
        raise NotImplementedError

    async def discover(self) -> Hits:
        for entry in self.entries():
            yield RankedDiscoveryHit(
                entry.text, entry.run, text=entry.text, help=entry.help, rank=self.rank
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for entry in self.entries():
            score = matcher.match(entry.text)
            if score > 0:
                yield Hit(
                    score * self.boost,
                    matcher.highlight(entry.text),
                    entry.run,
                    text=entry.text,
                    help=entry.help,
                )


def _main_screen(provider: Provider) -> object | None:
    from termnews.app.screens.main import MainScreen

    screen = provider.screen
    if isinstance(screen, MainScreen):
        return screen
    for candidate in provider.app.screen_stack:
        if isinstance(candidate, MainScreen):
            return candidate
    return None


class SectionsProvider(_EntryProvider):
    """'Section: World' jumps to a section's headlines."""

    boost = 1.1
    rank = 0

    def entries(self) -> Iterable[Entry]:
        from termnews.app.screens.main import MainScreen

        screen = _main_screen(self)
        if not isinstance(screen, MainScreen):
            return
        for section in screen.sections:
            name = clean_line(section.name)
            yield Entry(
                f"Section: {name}",
                section_counts(section),
                partial(screen.show_view, View(section.name), True),
            )


def section_counts(section: Section) -> str:
    """A section's counts for the palette, in words true of what it holds.

    Starred's and Trending's counts are what they hold (starred articles, stories),
    not what is unread: the palette said "0 unread of 4" for a Trending of four
    unread stories, as the section list shows "Trending 4".
    """
    if section.name == VirtualSection.STARRED.value:
        return "nothing starred" if not section.total else plural(section.total, "starred article")
    if section.name == VirtualSection.TRENDING.value:
        if not section.total:
            return "no stories"
        return "1 story" if section.total == 1 else f"{section.total} stories"
    if not section.total:
        return "no articles"
    return f"{section.unread} unread of {section.total}"


class FeedsProvider(_EntryProvider):
    """'Feed: Example News' jumps to one feed's headlines."""

    rank = 1

    def entries(self) -> Iterable[Entry]:
        from termnews.app.screens.main import MainScreen

        screen = _main_screen(self)
        if not isinstance(screen, MainScreen):
            return
        for feed in screen.feeds:
            title = clean_line(feed.title) or clean_line(feed.url)
            # A dead feed (410 Gone) is not retried: "failing" read as if it would be.
            why = f" ({clean_line(feed.last_error)})" if feed.last_error else ""
            if feed.dead:
                state = f" · dead{why}: no longer fetched; termnews refresh --force retries"
            elif feed.failing and feed.last_error:
                state = " · failing: " + clean_line(feed.last_error)
            else:
                state = ""
            yield Entry(
                f"Feed: {title}",
                f"in {clean_line(feed.section)} · {feed.unread} unread{state}",
                partial(screen.show_view, View(feed.section, feed.id, title), True),
            )


class ActionsProvider(_EntryProvider):
    """Every keyed action, with its key, runnable from the palette."""

    rank = 2

    def entries(self) -> Iterable[Entry]:
        from termnews.app.screens.main import MainScreen

        screen = _main_screen(self)
        if not isinstance(screen, MainScreen):
            return
        keys = screen.tn.keymap_in_force()
        for command in KEY_COMMANDS:
            if not command.palette:
                continue
            action = command.action
            run: Callable[[], object]
            if action.startswith("app."):
                run = partial(self.app.run_action, action[4:])
            else:
                run = partial(screen.run_action, action)
            yield Entry(
                command.description,
                f"{command.tooltip}  ({display_keys(keys.get(command.id, command.keys))})",
                run,
            )


class ThemesProvider(_EntryProvider):
    """'Theme: nord' switches the theme (the choice is remembered)."""

    rank = 3

    def entries(self) -> Iterable[Entry]:
        app = self.app
        for name in sorted(app.available_themes):
            theme = app.get_theme(name)
            if name == "textual-ansi" or (app.no_color and theme is not None and theme.ansi):
                continue  # under NO_COLOR an ANSI theme is black on black (app.py)
            yield Entry(
                f"Theme: {name}",
                "Switch to this colour theme",
                partial(setattr, app, "theme", name),
            )
