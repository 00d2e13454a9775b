"""Every keyed command of the reader, defined once.

A :class:`KeyCommand` holds the binding id, the default keys, the action, the
footer text and a one-sentence tooltip. The same tuple feeds the screen's
``BINDINGS`` (so the footer shows them), the command palette ("all actions"), the
help screen, the README's key table and the user's ``[keys]`` remapping (Textual
keymaps address bindings by id). Nothing else in the UI spells a key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from textual.binding import Binding

Group = Literal["Move", "Read", "Articles", "View", "Feeds", "App"]


@dataclass(frozen=True, slots=True)
class KeyCommand:
    """One keyed command: what it does, how it is shown, and its default keys."""

    id: str
    """Binding id: the name used in the config's ``[keys]`` table."""
    keys: str
    """Default keys in Textual's notation, comma separated (``"j,down"``)."""
    action: str
    """Action run on the main screen (``"app."`` prefix for app actions)."""
    description: str
    """Short label for the footer and the palette."""
    tooltip: str
    """One sentence for the help screen, the palette and the footer tooltip."""
    group: Group
    footer: bool = False
    """Shown in the footer (only the main keys are, so it fits 80 columns)."""
    palette: bool = True
    """Listed in the command palette's actions (plain movement is not)."""
    key_display: str | None = None

    def binding(self, keys: str | None = None) -> Binding:
        """The Textual binding for this command."""
        return Binding(
            keys or self.keys,
            self.action,
            self.description,
            show=self.footer,
            key_display=self.key_display,
            tooltip=self.tooltip,
            id=self.id,
        )


KEY_COMMANDS: tuple[KeyCommand, ...] = (
    # Move
    KeyCommand("down", "j,down", "cursor_down", "Down",
               "Move down in the focused pane (scrolls the article).", "Move", palette=False),
    KeyCommand("up", "k,up", "cursor_up", "Up",
               "Move up in the focused pane (scrolls the article).", "Move", palette=False),
    KeyCommand("next-pane", "l,tab", "next_pane", "Next pane",
               "Focus the next pane: sections, headlines, article, related.", "Move",
               palette=False),
    KeyCommand("prev-pane", "h,shift+tab", "previous_pane", "Previous pane",
               "Focus the previous pane.", "Move", palette=False),
    KeyCommand("top", "g,home", "go_top", "Top",
               "Go to the top of the focused pane.", "Move", palette=False),
    KeyCommand("bottom", "G,end", "go_bottom", "Bottom",
               "Go to the bottom of the focused pane.", "Move",
               palette=False),
    KeyCommand("page-down", "space,pagedown", "page_down", "Page down",
               "Page the article down, whichever pane has focus.", "Move", palette=False),
    KeyCommand("page-up", "b,pageup", "page_up", "Page up",
               "Page the article up, whichever pane has focus.", "Move", palette=False),
    KeyCommand("next-section", "right_square_bracket", "next_section", "Next section",
               "Show the next section's headlines.", "Move", key_display="]"),
    KeyCommand("prev-section", "left_square_bracket", "previous_section", "Previous section",
               "Show the previous section's headlines.", "Move", key_display="["),
    # Read
    KeyCommand("open", "enter", "open", "Open",
               "Open the highlighted headline or related story; on a section, go to its "
               "headlines.", "Read", palette=False),
    KeyCommand("next-unread", "n", "next_unread", "Next unread",
               "Open the next unread article, moving on to the next feed or section with "
               "unread ones.", "Read", footer=True),
    KeyCommand("prev-unread", "p", "previous_unread", "Prev unread",
               "Open the previous unread one, back across feeds and sections.", "Read"),
    KeyCommand("open-browser", "o", "open_in_browser", "Open in browser",
               "Open in the web browser: the list's highlighted headline, else the open "
               "article.", "Read"),
    KeyCommand("copy-link", "y", "copy_link", "Copy link",
               "Copy the link of the list's highlighted headline, else of the open article.",
               "Read"),
    KeyCommand("links", "O", "show_links", "Links",
               "List the open article's links and images to open one in the browser or copy "
               "it.", "Read"),
    KeyCommand("full-text", "f", "full_text", "Full text",
               "Fetch the full text of a teaser-only article from its web page.", "Read"),
    # Articles
    KeyCommand("star", "s", "toggle_star", "Star",
               "Star or unstar the article (starred articles are never cleaned up).",
               "Articles", footer=True),
    KeyCommand("toggle-read", "m", "toggle_read", "Read/unread",
               "Mark the article read or unread.", "Articles"),
    KeyCommand("mark-section-read", "A", "mark_section_read", "Mark all read",
               "Mark every article in the current section or feed read (asks first).",
               "Articles"),
    # View
    KeyCommand("search", "slash", "search", "Search",
               "Search the articles of the list on screen: words, \"phrases\", -word, "
               "a OR b, section: feed: author: is:unread since:2d (see Help). Escape clears.",
               "View", footer=True, key_display="/"),
    KeyCommand("save-search", "S", "save_search", "Save search",
               "Keep the current search as a saved search: a section of its own with "
               "unread counts.", "View"),
    KeyCommand("forget-search", "D", "forget_search", "Forget saved search",
               "Delete the saved search on screen (asks first).", "View"),
    KeyCommand("show-muted", "M", "toggle_show_muted", "Show muted",
               "Show or hide the articles your [search] mute rules hide.", "View"),
    KeyCommand("back", "escape", "back", "Back",
               "Clear the search, or leave the zoomed article.", "View", palette=False),
    KeyCommand("unread-only", "u", "toggle_unread_only", "Unread only",
               "Show only unread headlines, or all of them again.", "View", footer=True),
    KeyCommand("toggle-related", "v", "toggle_related", "Related",
               "Show or hide the 'You may also like' panel.", "View"),
    KeyCommand("zoom", "z", "toggle_zoom", "Zoom",
               "Give the article the whole screen, or go back to the panes.", "View"),
    KeyCommand("layout", "L", "cycle_layout", "Layout",
               "Cycle the layout: auto (by width), columns, stacked.", "View"),
    # Feeds
    KeyCommand("refresh", "r", "refresh_current", "Refresh",
               "Refresh the feeds of the current section or feed in the background.",
               "Feeds", footer=True),
    KeyCommand("refresh-all", "R", "refresh_all", "Refresh all",
               "Refresh every feed in the background.", "Feeds"),
    KeyCommand("add-feed", "a", "add_feed", "Add feed",
               "Subscribe to a feed: its URL, a web page that links one, or a feed file, "
               "folder or OPML list.", "Feeds"),
    KeyCommand("feed-details", "i", "feed_details", "Feed details",
               "Show the feed's address, section, counts and last refresh (the feed under "
               "the section list's cursor, else the one on screen or the headline's).",
               "Feeds"),
    KeyCommand("rename-feed", "e", "rename_feed", "Rename feed",
               "Give the feed another name (a refresh keeps it).", "Feeds"),
    KeyCommand("move-feed", "c", "move_feed", "Move feed",
               "Move the feed and its articles to another section, or to a new one.",
               "Feeds"),
    KeyCommand("feed-full-text", "F", "toggle_feed_full_text", "Feed full text",
               "Switch on or off fetching the full text of the feed's new articles on "
               "each refresh.", "Feeds"),
    KeyCommand("unsubscribe", "X", "unsubscribe", "Unsubscribe",
               "Unsubscribe from the feed; its cached articles, starred ones too, are "
               "removed (asks first).", "Feeds"),
    # App
    KeyCommand("help", "question_mark,f1", "help", "Help",
               "Show every key and what it does.", "App", footer=True, key_display="?"),
    KeyCommand("palette", "ctrl+p", "app.command_palette", "Palette",
               "Open the command palette: jump to a section or feed, run any action, "
               "switch theme.", "App", footer=True, palette=False),
    KeyCommand("quit", "q", "app.quit", "Quit", "Quit termnews (your place is kept).", "App",
               footer=True),
)  # fmt: skip
"""The reader's commands in help-screen order."""

BY_ID: dict[str, KeyCommand] = {c.id: c for c in KEY_COMMANDS}

APP_LEVEL = frozenset({"palette"})
"""Commands bound on the App (work on every screen); the rest belong to the main screen."""


def screen_bindings() -> list[Binding]:
    """Bindings for the main screen."""
    return [c.binding() for c in KEY_COMMANDS if c.id not in APP_LEVEL]


SUSPEND_KEY = "ctrl+z"
"""The terminal's job-control key: the reader goes to the background, ``fg`` brings it back.

Not a :class:`KeyCommand` (neither remapped, listed in the footer nor in the palette),
as Ctrl+C and Ctrl+Q are not: it is the shell's key. Textual offers the action but
binds no key to it, and the reader swallowed Ctrl+Z (seen by qa17): a user who
pressed it to get a prompt got nothing, and typing ``fg`` ran f and g.
"""


def app_bindings() -> list[Binding]:
    """Bindings for the App itself (the palette key replaces Textual's default)."""
    bindings = [c.binding() for c in KEY_COMMANDS if c.id in APP_LEVEL]
    return [*bindings, Binding(SUSPEND_KEY, "suspend_process", "Suspend", show=False)]


def unknown_ids(keymap: Mapping[str, str]) -> list[str]:
    """Binding ids in a user keymap that no command has (typos in ``[keys]``)."""
    return sorted(k for k in keymap if k not in BY_ID)


def shared_keys(keymap: Mapping[str, str]) -> dict[str, list[str]]:
    """Keys the user's remapping gives to more than one command: key -> their ids.

    Only keys the user named count: two defaults never share a key, and a key
    the user gave a command that another still has by default leaves one of
    them unreachable (``q`` given to search hid Quit) without saying so.
    """
    named = {k.strip() for keys in keymap.values() for k in keys.split(",") if k.strip()}
    owners: dict[str, list[str]] = {}
    for command_id, keys in effective_keys(keymap).items():
        for key in {k.strip() for k in keys.split(",")} & named:
            owners.setdefault(key, []).append(command_id)
    return {key: ids for key, ids in owners.items() if len(ids) > 1}


def claimed_keys(keymap: Mapping[str, str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The keymap plus the defaults the user's keys take over; and what each command lost.

    ``star = "j"`` bound j to both Down and Star: j starred, and the help screen
    still listed j for Down. A key the user names now leaves the default keys of
    every command the user did not remap, as long as that command keeps another
    key (Down keeps ↓); a command it would leave keyless keeps its keys, and the
    clash is reported by :func:`shared_keys`.
    """
    named = {k.strip() for keys in keymap.values() for k in keys.split(",") if k.strip()}
    claimed = dict(keymap)
    lost: dict[str, list[str]] = {}
    for command in KEY_COMMANDS:
        if command.id in keymap:
            continue
        keys = [k.strip() for k in command.keys.split(",")]
        kept = [k for k in keys if k not in named]
        if kept and len(kept) < len(keys):
            claimed[command.id] = ",".join(kept)
            lost[command.id] = [k for k in keys if k in named]
    return claimed, lost


def effective_keys(keymap: Mapping[str, str]) -> dict[str, str]:
    """Binding id -> the keys in force after the user's remapping."""
    return {c.id: keymap.get(c.id, c.keys) for c in KEY_COMMANDS}


_KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "space": "Space",
    "enter": "Enter",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
    "down": "↓",
    "up": "↑",
    "left": "←",
    "right": "→",
    "home": "Home",
    "end": "End",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "escape": "Esc",
}


def display_key(key: str) -> str:
    """One Textual key name as a person reads it (``ctrl+p`` -> ``Ctrl+P``)."""
    key = key.strip()
    if key in _KEY_NAMES:
        return _KEY_NAMES[key]
    if len(key) > 1 and key[0] == "f" and key[1:].isdigit():
        return key.upper()  # function keys: F1
    if "+" in key:
        *mods, last = key.split("+")
        return "+".join([m.capitalize() for m in mods] + [display_key(last).upper()])
    return key


def display_keys(keys: str) -> str:
    """Comma-separated keys for display: ``j,down`` -> ``j / ↓``."""
    return " / ".join(display_key(k) for k in keys.split(",") if k.strip())


def first_key(keys: Mapping[str, str], command_id: str) -> str:
    """The first key ``keys`` (binding id -> keys in force) gives a command, for a person.

    For text that names a key ("Press s on an article"): one key, as remapped.
    """
    given = keys.get(command_id) or BY_ID[command_id].keys
    return display_key(given.split(",")[0])


def markdown_key_table(commands: Iterable[KeyCommand] = KEY_COMMANDS) -> str:
    """The key table for the README, generated so it cannot drift from the code."""
    lines = ["| keys | binding id | what it does |", "|---|---|---|"]
    for c in commands:
        keys = display_keys(c.keys).replace("|", "\\|")
        lines.append(f"| `{keys}` | `{c.id}` | {c.tooltip} |")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - prints the README's key table
    print(markdown_key_table())
