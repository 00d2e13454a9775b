"""The Textual application: services, theme, keymap and the main screen.

The app holds what every screen needs (the store thread, the config, the
offline/demo flags, the clock, the link opener) and is built only by
:func:`termnews.app.factory.make_app`, so the CLI and the tests get the same app
with their own data directory, never anything reached through globals.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App
from textual.binding import BindingType
from textual.filter import LineFilter
from textual.notifications import Notify, SeverityLevel
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import Input

from termnews.app.body_cache import ParsedBodyCache, body_cache
from termnews.app.browser import open_in_browser
from termnews.app.commands import (
    app_bindings,
    claimed_keys,
    display_key,
    display_keys,
    effective_keys,
    shared_keys,
    unknown_ids,
)
from termnews.app.css_cache import CachedStylesheet, cached_stylesheet
from termnews.app.drawn_text import TerminalForm
from termnews.app.readable_colors import eight_bit, readable_variables
from termnews.app.screens.main import MainScreen
from termnews.app.state import StateWriter, UiState
from termnews.app.store_thread import StoreThread
from termnews.core.config import Config
from termnews.core.hangup import STOP_SIGNALS, signal_exit_code, silence_dead_terminal
from termnews.core.locations import Locations
from termnews.core.text import clean_line

if TYPE_CHECKING:
    from concurrent.futures import Future

    from textual.command import Provider

    from termnews.app.first_screen import FirstScreen

DEFAULT_THEME = "textual-dark"

FEW_COLOURS_THEME = "ansi-light"
"""The theme on a terminal of 16 colours, unless ``general.theme`` names one.

Every other built-in theme is drawn in truecolor and downgraded to the nearest of
the 16 by Rich, and those pairs are unreadable: textual-dark's top line and footer
keys became bright red on bright grey (1.0:1 in xterm's palette), textual-light's
accents yellow on grey (1.35:1), measured on tmux's capture with TERM=screen (tmux's
default), TERM=xterm and TERM=linux, where Rich finds 16 colours. The ANSI themes use
the terminal's own palette and its default colours. Of the two, ansi-light reads on a
dark and on a light background alike (xterm's palette: 3.6:1 at worst on black, for
bold red, and 4.7:1 on white); ansi-dark's green accent falls to 2.2:1 on white.
"""

MAX_TOASTS = 3
"""Most toasts on screen at once: the newest; an older one goes when one more comes."""
TOAST_ROWS = 6
"""Rows a toast of one or two lines takes with its margins, for :meth:`on_notify`."""

STOPPING_GRACE_S = 10.0
"""How long the reader may take to close after SIGHUP or SIGTERM before it just exits
(its state is saved by then): it must never be left running on a dead terminal."""

Clock = Callable[[], datetime]
UrlOpener = Callable[[str], str | None]
"""Opens a URL; returns None on success or a reason it failed (tests pass a recorder)."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _palette_provider(name: str) -> Callable[[], type[Provider]]:
    """A command palette provider, imported when the palette first opens.

    Textual takes a callable returning the provider class in ``COMMANDS``; the
    providers are nothing the first frame needs (issue 8).
    """

    def load() -> type[Provider]:
        from termnews.app import providers

        provider: type[Provider] = getattr(providers, name)
        return provider

    load.__qualname__ = load.__name__ = f"load_{name}"
    return load


class TermnewsApp(App[None]):
    """termnews: a terminal news reader."""

    CSS_PATH = "termnews.tcss"
    TITLE = "termnews"
    BINDINGS: ClassVar[list[BindingType]] = app_bindings()  # type: ignore[assignment]
    COMMANDS = {  # noqa: RUF012
        _palette_provider(name)
        for name in ("SectionsProvider", "FeedsProvider", "ActionsProvider", "ThemesProvider")
    }

    def __init__(
        self,
        *,
        store_thread: StoreThread,
        config: Config,
        locations: Locations,
        state: UiState,
        first_screen: Future[FirstScreen] | None = None,
        offline: bool = False,
        demo: bool = False,
        first_run: bool = False,
        clock: Clock | None = None,
        url_opener: UrlOpener | None = None,
        home: Locations | None = None,
    ) -> None:
        super().__init__()
        # Parsed CSS from the last run instead of parsing it again (app/css_cache.py).
        self.stylesheet = cached_stylesheet(self.stylesheet, locations.cache_dir)
        self.body_cache: ParsedBodyCache = body_cache(locations.cache_dir)
        """The article body shown at the last exit, parsed (app/body_cache.py)."""
        self.store_thread = store_thread
        self.config = config
        self.locations = locations
        self.initial_state = state
        self.first_screen = first_screen
        """The first screen's data, being read since the factory (None: read at mount)."""
        self.offline = offline
        self.demo = demo
        self.first_run = first_run
        self.clock: Clock = clock or _utc_now
        self.url_opener = url_opener
        self.home = home
        """The user's own cache and config while the demo's throwaway cache is open: a
        feed added then goes there (None: the open cache is the user's own)."""
        self.reopen_home = False
        """Set when the reader quits to reopen on ``home`` (a feed was added in the demo)."""
        self._user_keymap: dict[str, str] = {}
        self._saving_enabled = True
        self._theme_replaced: tuple[str, str] | None = None
        """The theme shown in place of the remembered one, and that one (_stand_in)."""
        self._state_writer = StateWriter(locations.state_file)
        self._terminal_form = TerminalForm()

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's filters, then the emoji forms all terminals draw alike (drawn_text.py)."""
        return [*super().get_line_filters(), self._terminal_form]

    @property
    def config_path(self) -> Path | None:
        """The config file in use (shown by the help screen for remapping)."""
        return self.config.source or self.locations.config_file

    @property
    def main_screen(self) -> MainScreen | None:
        """The reader's main screen once it is up."""
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    def on_load(self) -> None:
        # Before anything is composed: the main screen's widgets get their styles
        # (and its footer the user's keys) once, in the theme they will be shown in.
        self.theme = self._initial_theme()
        self._apply_user_keymap()
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.app_resume_signal.subscribe(self, self._resumed)
        self._handle_stop_signals()

    def _handle_stop_signals(self) -> None:
        """SIGHUP (the terminal closed, ``kill -HUP``) and SIGTERM close the reader as ``q`` does.

        Both killed it on the spot: nothing saved (the parsed stylesheet and article
        body of the user cache dir), and, with the terminal still open, the terminal
        left in the alternate screen with the mouse captured and no cursor.
        """
        loop = asyncio.get_running_loop()
        for signum in STOP_SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, self._stop_signalled, signum)

    def _drop_stop_signals(self) -> None:
        """Give SIGHUP and SIGTERM back their defaults (a second signal kills).

        Also when the app ends: the loop may outlive it (tests run many apps on one),
        and a signal then must not reach an app that is gone.
        """
        loop = asyncio.get_running_loop()
        for stop in STOP_SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(stop)

    def _stop_signalled(self, signum: int) -> None:
        """Save where the reader is and exit with 128 + ``signum``; a second signal kills.

        A terminal that hung up is swapped for ``/dev/null`` first
        (:mod:`termnews.core.hangup`), so that the last frames and the screen restore
        Textual writes on the way out go nowhere rather than raise EIO in its output
        thread. Should the exit still stall, the process ends after
        :data:`STOPPING_GRACE_S` (the state is saved before the exit starts): a
        reader must not live on, unseen, after its terminal is gone.
        """
        if signum == signal.SIGHUP:
            silence_dead_terminal()
        self._drop_stop_signals()
        code = signal_exit_code(signum)
        watchdog = threading.Timer(STOPPING_GRACE_S, os._exit, args=(code,))
        watchdog.daemon = True
        watchdog.start()
        screen = self.main_screen
        if screen is not None and screen.is_mounted:
            screen.save_state()
        self.exit(return_code=code)

    def get_default_screen(self) -> Screen[Any]:
        """The main screen is the app's first screen, not pushed over an empty one.

        Pushing it from ``on_mount`` composed, styled and painted Textual's default
        screen first, then styled the whole app again for the switch (issue 8).
        """
        return MainScreen(self.initial_state, self.config.general.unread_only)

    def _initial_theme(self) -> str:
        wanted = self.config.general.theme
        if wanted:
            if wanted in self.available_themes and not (self.no_color and self.is_ansi(wanted)):
                return wanted
            if wanted in self.available_themes:
                self.notify(
                    f"NO_COLOR is set, and the theme {clean_line(wanted)!r} in the config takes "
                    f"its colours from the terminal, which NO_COLOR turns black on black: "
                    f"showing {DEFAULT_THEME}",
                    severity="warning",
                    timeout=10,
                )
                return DEFAULT_THEME
            names = ", ".join(sorted(self.available_themes))
            self.notify(
                f"Unknown theme {clean_line(wanted)!r} in the config; themes: {names}",
                severity="warning",
                timeout=10,
            )
        saved = self.initial_state.theme
        theme = saved if saved and saved in self.available_themes else DEFAULT_THEME
        if self.no_color:
            # Textual's NO_COLOR filter makes each colour a grey of its brightness, and
            # an ANSI colour has none it knows: every cell of an ANSI theme came out
            # black on black. The remembered theme stays remembered.
            return self._stand_in(DEFAULT_THEME, theme) if self.is_ansi(theme) else theme
        if self.console.color_system in ("standard", "windows") and not self.is_ansi(theme):
            return self._stand_in(FEW_COLOURS_THEME, theme)
        return theme

    def is_ansi(self, name: str) -> bool:
        """Whether a theme takes its colours from the terminal's palette."""
        theme = self.get_theme(name)
        return theme is not None and theme.ansi

    def _stand_in(self, theme: str, remembered: str) -> str:
        """Show ``theme`` this session; the state file keeps ``remembered``."""
        self._theme_replaced = (theme, remembered)
        return theme

    def theme_to_remember(self) -> str:
        """The theme the state file keeps: the one a stand-in took the place of (a
        16-colour terminal's ANSI theme, NO_COLOR's), back when the terminal allows."""
        if self._theme_replaced is not None and self.theme == self._theme_replaced[0]:
            return self._theme_replaced[1]
        return self.theme

    def _apply_user_keymap(self) -> None:
        keymap = dict(self.config.keys)
        bad = unknown_ids(keymap)
        if bad:
            self._keymap_warning(
                f"Unknown binding ids in [keys]: {', '.join(clean_line(b) for b in bad)} "
                "(press ? for the list)"
            )
        empty = sorted(
            k
            for k, v in keymap.items()
            if k not in bad and not any(p.strip() for p in v.split(","))
        )
        if empty:
            self._keymap_warning(
                f"No key given for {', '.join(clean_line(e) for e in empty)} in [keys]: "
                "the default keys are kept"
            )
        user = {k: v for k, v in keymap.items() if k not in bad and k not in empty}
        self._user_keymap, lost = claimed_keys(user)
        for command_id, keys in sorted(lost.items()):
            for key in keys:
                new_owner = " and ".join(
                    i for i, v in user.items() if key in {k.strip() for k in v.split(",")}
                )
                self._keymap_warning(
                    f"Key {clean_line(display_key(key))} now runs {new_owner} ([keys]); "
                    f"{command_id} keeps {display_keys(self._user_keymap[command_id])}"
                )
        for key, ids in sorted(shared_keys(self._user_keymap).items()):
            self._keymap_warning(
                f"Key {clean_line(display_key(key))} is bound to {' and '.join(ids)} in [keys]:"
                " only one of them runs (press ? for the keys in force)"
            )
        self.set_keymap(self._user_keymap)

    def _keymap_warning(self, message: str) -> None:
        """A problem with the user's ``[keys]``; no markup: it quotes the user's text."""
        self.notify(message, severity="warning", timeout=10, markup=False)

    def keymap_in_force(self) -> dict[str, str]:
        """Binding id -> keys, after the user's remapping."""
        return effective_keys(self._user_keymap)

    def _resumed(self, _app: App[None]) -> None:
        """Back from Ctrl+Z (``fg``): the terminal's screen was the shell's; draw all of it.

        Textual publishes the resume but paints only what changes next: after ``fg``
        the screen stayed blank, and a key redrew only the rows it touched.
        """
        self.refresh(layout=True)

    def _theme_changed(self, theme: Theme) -> None:
        if self._theme_replaced is not None and theme.name != self._theme_replaced[0]:
            self._theme_replaced = None  # a theme picked in the palette is remembered
        screen = self.main_screen
        # The theme is set before the main screen is composed (on_load): nothing to redo.
        if screen is not None and screen.is_mounted:
            screen.save_state()
            # Tree labels are Rich text styled when built: rebuild them in the new colours.
            screen.sections_pane.restyle()

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables plus the ``$tn-*`` text colours made readable on it."""
        variables = super().get_css_variables()
        # On 256 colours the colours drawn are Rich's nearest ones: measured as drawn.
        shown = eight_bit if self.console.color_system == "256" else None
        variables.update(readable_variables(variables, shown))
        self.theme_variables = variables
        return variables

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is plain text, whatever the caller asked for.

        Messages carry feed titles and server error text. Read as Textual markup,
        a title holding ``[/]`` crashed the toast (MarkupError, the app exits) and
        ``[@click=...]`` or ``[link=...]`` would put actions and links in a toast.
        """
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def on_notify(self, event: Notify) -> None:
        """Make room for the toast coming: the newest few stay, the oldest go first.

        Textual stacks every live toast up from the footer: a burst of them (a
        refresh's reports, a few keys in a row) rose over the top line, the reader's
        location and status (seen by qa19). Capping the rack's height kept the oldest
        in view, not the newest. As many stay as fit under the top line, three at
        most, one at least. Runs before Textual's own handler adds this one.
        """
        room = max(1, min(MAX_TOASTS, (self.size.height - 2) // TOAST_ROWS))
        live = [n for n in self._notifications if n is not event.notification]
        for old in live[: max(0, len(live) - (room - 1))]:
            self._unnotify(old, refresh=False)

    def save_state(self, state: UiState) -> None:
        """Remember where the reader is (called by the main screen on changes)."""
        if self._saving_enabled:
            self._state_writer.write(state)

    def open_link(self, url: str) -> None:
        """Open ``url`` (already checked to be http/https) in the browser, off the UI thread."""
        if self.url_opener is not None:
            self._report_opened(url, self.url_opener(url))
        else:
            self._open_in_thread(url)

    @work(thread=True, group="browser", exit_on_error=False)
    def _open_in_thread(self, url: str) -> None:
        problem = open_in_browser(url, self.config.general.browser)
        self.call_from_thread(self._report_opened, url, problem)

    def _report_opened(self, url: str, problem: str | None) -> None:
        if problem is None:
            self.notify(f"Opened {clean_line(url)}")
            return
        self.copy_to_clipboard(url)
        self.notify(f"Not opened: {problem}. The link was copied instead.", severity="warning")

    def action_help_quit(self) -> None:
        """Ctrl+C: say how to quit, in plain words.

        Textual's own hint is markup ('Press [b]q[/b] to quit the app'), and every
        notification here is plain text (see :meth:`notify`): the tags showed.
        """
        keys = [
            display_key(key)
            for key, active in self.active_bindings.items()
            if active.binding.action in ("quit", "app.quit") and key != "ctrl+q"
        ]
        where = " or ".join(dict.fromkeys(keys))
        self.notify(
            f"Press {where} to quit (Ctrl+Q always quits)." if where else "Ctrl+Q quits.",
            title="Do you want to quit?",
        )

    async def _on_key(self, event: events.Key) -> None:
        """A printable key that reaches the app while a text input has the focus is text.

        Textual hands each key to the widget focused when the key arrives, and a key
        a widget does not use climbs to the app, which runs the bindings of the focus
        *then*. Typed quickly (or ahead while the app was busy), '/storm' went to the
        headline list before the '/' had focused the search input, came back up and
        ran as commands: 's' starred the article, 'o' opened the browser (seen by
        qa18). An input uses every printable key it gets, so one that climbs here
        while an input is focused was typed for it: it goes in.
        """
        focused = self.focused
        if isinstance(focused, Input) and event.is_printable and event.character:
            # prevent_default: App._on_key (the bindings), next in the MRO, is skipped.
            event.stop()
            event.prevent_default()
            focused.insert_text_at_cursor(event.character)

    async def action_quit(self) -> None:
        screen = self.main_screen
        if screen is not None:
            screen.save_state()
        self.exit()

    def on_unmount(self) -> None:
        self._drop_stop_signals()
        if isinstance(self.stylesheet, CachedStylesheet):
            self.stylesheet.parsed_cache.save()
        self.body_cache.save()
        self._state_writer.close()
        self.store_thread.close()
