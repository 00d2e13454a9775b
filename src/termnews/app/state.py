"""UI state kept between runs: where the reader was and how the screen looked.

Stored as a small JSON file at ``Locations.state_file`` (not in the SQLite
cache, so a cache that is moved aside or rebuilt does not lose the layout, and
the file can be deleted by hand to reset the UI). A missing, unreadable or
malformed file means defaults, never an error: this is convenience state.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

LAYOUTS = ("auto", "columns", "stacked")
"""Layout modes: ``auto`` picks columns or stacked panes from the terminal width."""


@dataclass(frozen=True, slots=True)
class UiState:
    """What the reader restores on the next start."""

    section: str | None = None
    """Name of the last section shown (virtual or the user's)."""
    feed_id: int | None = None
    """The feed shown, when a single feed rather than a section was selected."""
    article_id: int | None = None
    """The article open in the article pane."""
    theme: str | None = None
    layout: str = "auto"
    show_related: bool | None = None
    """None: follow the config (``general.show_related``)."""
    unread_only: bool = False
    zoom: bool = False


def _coerce(data: dict[str, Any]) -> UiState:
    """Keep only well-typed known fields; anything odd falls back to its default."""
    default = UiState()
    values: dict[str, Any] = {}
    for f in fields(UiState):
        if f.name not in data:
            continue
        value = data[f.name]
        current = getattr(default, f.name)
        if f.name in ("section", "theme"):
            ok = value is None or isinstance(value, str)
        elif f.name in ("feed_id", "article_id"):
            ok = value is None or (isinstance(value, int) and not isinstance(value, bool))
        elif f.name == "layout":
            ok = value in LAYOUTS
        elif f.name == "show_related":
            ok = value is None or isinstance(value, bool)
        else:
            ok = isinstance(value, type(current))
        if ok:
            values[f.name] = value
    return replace(default, **values)


def load_state(path: Path) -> UiState:
    """Read the state file; defaults when it is missing or not understood."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return UiState()
    if not isinstance(data, dict):
        return UiState()
    return _coerce(data)


def save_state(path: Path, state: UiState) -> None:
    """Write the state atomically (a crash mid-write never leaves half a file)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".state-", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(asdict(state), handle, indent=2)
        os.replace(tmp, path)
    except OSError:
        # Convenience state only: a read-only data dir must not stop the reader.
        pass


class StateWriter:
    """Writes the state file on a thread of its own: in order, and the latest wins.

    The reader saves its place on every article opened; a file write (temp file,
    rename) on the event loop is time the next key waits for, and on a slow or busy
    disk a long one. Writes queued while one runs collapse into the newest state.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._pending: UiState | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="termnews-state")

    def write(self, state: UiState) -> None:
        """Queue ``state`` to be written."""
        with self._lock:
            queued = self._pending is not None
            self._pending = state
        if not queued:
            self._executor.submit(self._flush)

    def _flush(self) -> None:
        with self._lock:
            state, self._pending = self._pending, None
        if state is not None:
            save_state(self.path, state)

    def close(self) -> None:
        """Write what is queued and stop the thread (at exit: nothing is lost)."""
        self._executor.shutdown(wait=True)
