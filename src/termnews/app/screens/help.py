"""The help screen: the live keymap, generated from the command definitions.

It shows the keys in force (after the config's ``[keys]`` remapping), what each
does, and the binding id to use when remapping, so the help cannot drift from
what the keys actually do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from termnews.app.commands import BY_ID, KEY_COMMANDS, Group, display_keys
from termnews.app.screens.save_search import search_reference

NARROW_HELP = 64
"""Below this many cells the binding ids go under the descriptions, not beside them."""


def keymap_table(keys: Mapping[str, str], group: Group, ids_beside: bool = True) -> Table:
    """One group's keys as a table: keys, what they do, binding id (all plain Text).

    ``ids_beside=False`` (a narrow help) puts each id on the line after its
    description: in its own column, 16 cells wide, it left the descriptions about
    eight at 60 columns, a word a line, and cut the longer words ("article…").
    """
    table = Table.grid(padding=(0, 2), expand=True)
    # Fixed key and id columns so every group's table lines up with the others.
    key_width = max(len(display_keys(keys.get(c.id, c.keys))) for c in KEY_COMMANDS)
    id_width = max(len(c.id) for c in KEY_COMMANDS)
    table.add_column(no_wrap=True, width=max(key_width, 8))
    table.add_column(ratio=1)
    if ids_beside:
        table.add_column(no_wrap=True, style="dim", width=id_width)
    for command in KEY_COMMANDS:
        if command.group == group:
            shown = display_keys(keys.get(command.id, command.keys))
            if ids_beside:
                table.add_row(Text(shown, style="bold"), Text(command.tooltip), Text(command.id))
            else:
                what = Text.assemble(command.tooltip, "\n", (command.id, "dim"))
                table.add_row(Text(shown, style="bold"), what)
    return table


class KeymapTable:
    """A group's keymap table laid out for the width it is drawn at."""

    def __init__(self, keys: Mapping[str, str], group: Group) -> None:
        self.keys = keys
        self.group = group

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield keymap_table(self.keys, self.group, ids_beside=options.max_width >= NARROW_HELP)


def groups() -> list[Group]:
    """Command groups in help order."""
    seen: list[Group] = []
    for command in KEY_COMMANDS:
        if command.group not in seen:
            seen.append(command.group)
    return seen


class HelpScreen(ModalScreen[None]):
    """Every key and what it does; Escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close", show=False),
        # The reader's own moving keys, with their binding ids so a [keys] remap of
        # them scrolls the help too; g/G were missing (only Home/End reached the end).
        *(
            Binding(BY_ID[command_id].keys, action, show=False, id=command_id)
            for command_id, action in (
                ("down", "scroll(1)"),
                ("up", "scroll(-1)"),
                ("page-down", "page(1)"),
                ("page-up", "page(-1)"),
                ("top", "edge(-1)"),
                ("bottom", "edge(1)"),
            )
        ),
    ]

    def __init__(self, keys: Mapping[str, str], config_path: str | None) -> None:
        super().__init__()
        self.keys = dict(keys)
        self.config_path = config_path

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys"
            body.border_subtitle = "Esc closes"
            for group in groups():
                yield Static(Content.styled(group.upper(), "bold $tn-accent"), classes="help-group")
                yield Static(KeymapTable(self.keys, group), classes="help-keys")
            yield Static(Content.styled("SEARCH", "bold $tn-accent"), classes="help-group")
            yield Static(search_reference(), classes="help-keys")
            where = self.config_path or "the config file"
            yield Static(
                Content.assemble(
                    "Remap any key in ",
                    (where, "italic"),
                    ' with a [keys] table of binding id = "key", for example: star = "x"',
                ),
                id="help-remap",
            )

    def action_scroll(self, step: int) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        body.scroll_relative(y=step, animate=False)

    def action_page(self, step: int) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        body.scroll_page_down(animate=False) if step > 0 else body.scroll_page_up(animate=False)

    def action_edge(self, step: int) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        body.scroll_end(animate=False) if step > 0 else body.scroll_home(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
