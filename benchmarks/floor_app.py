"""The floor for the TUI start-up benchmark: the smallest Textual app that shows one list.

``tui_bench.py`` times ``termnews`` to its first full screen against this app to its first
full screen, in the same pseudo-terminal of the same size. It imports Textual, mounts one
``OptionList`` of 200 one-line rows (as many as termnews's first headline page) and nothing
else: no database, no CSS file, no other widget. Whatever termnews takes beyond this is
termnews's own cost. It quits on ``q``.

    python benchmarks/floor_app.py
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import OptionList

ROWS = 200
LAST_VISIBLE_MARKER = "floor row"


class FloorApp(App[None]):
    BINDINGS = [("q", "quit", "Quit")]  # noqa: RUF012

    def compose(self) -> ComposeResult:
        yield OptionList(*(f"{LAST_VISIBLE_MARKER} {i:03d}" for i in range(ROWS)))


if __name__ == "__main__":
    FloorApp().run()
