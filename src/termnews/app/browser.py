"""Opening a link in the user's web browser without wrecking the terminal.

Python's ``webbrowser`` falls back to terminal browsers (lynx, w3m, ...) when no
graphical one is found; started from inside a full-screen TUI, one of those
would fight the reader for the terminal. They are refused here, and the caller
copies the link instead. ``general.browser`` in the config names a browser or a
command (``"firefox %s"``) to use.
"""

from __future__ import annotations

import os

CONSOLE_BROWSERS = frozenset({"www-browser", "links", "links2", "elinks", "lynx", "w3m", "browsh"})


def open_in_browser(url: str, command: str = "") -> str | None:
    """Open ``url``; returns None on success, else a one-line reason it did not open."""
    # Imported here, not at the top: webbrowser (and shlex) cost ~1 ms of the reader's
    # start-up, and most sessions never open a link (issue 8).
    import webbrowser

    try:
        browser = webbrowser.get(command or None)
    except webbrowser.Error:
        return "no web browser was found"
    name = os.path.basename(str(getattr(browser, "name", "") or ""))
    if isinstance(browser, webbrowser.GenericBrowser) and name in CONSOLE_BROWSERS:
        return f"only a terminal browser ({name}) was found"
    try:
        opened = browser.open(url, new=2)
    except OSError as exc:
        return f"the browser did not start: {exc.strerror or exc}"
    return None if opened else "the browser did not start"
