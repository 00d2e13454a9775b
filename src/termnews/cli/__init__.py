"""The ``termnews`` command line: argparse entry point, exit codes, error edge.

Headless commands import only :mod:`termnews.core` so that scripts and cron jobs
start fast; the TUI (and Textual) is imported only when it is opened.

The default path (no command, only global flags) is parsed by a lean parser that
knows just the global flags, so opening the reader does not import every command
module and build every subparser (tens of ms before the first screen). Anything
else (a command, ``--help``, ``--version``, a bad argument) goes to the full
parser, which gives the same output, error message and exit code as always. An
empty command line needs no parser at all: both parsers live in
:mod:`termnews.cli.parser`, imported only when there are arguments to parse.

Exit codes: 0 success, 1 some sources failed, 2 usage or input error.
"""

from __future__ import annotations

import gc

# No garbage collection while the modules every command needs are loaded: loading
# them (the models, the config, the store, ~55 ms) makes long-lived objects and next
# to no garbage, and the collector ran 25 times over them, ~3 ms (session 20). Then
# what they made is frozen (it lives as long as the program: no collection need walk
# it; turned back on, the next young collection walked all of it, ~3.5 ms) and the
# collector is on again (the reader turns it off until its first frame: _run_tui).
_COLLECTING = gc.isenabled()
gc.disable()
try:
    import os
    import sqlite3
    import sys
    from collections.abc import Sequence
    from types import SimpleNamespace
    from typing import TYPE_CHECKING, Any, cast

    from termnews.cli.context import EXIT_INPUT, Context
    from termnews.cli.output import error_line, notice_line, writes_utf8
    from termnews.core.errors import TermnewsError
    from termnews.core.store.db import describe_failure
finally:
    if _COLLECTING:
        gc.freeze()
        gc.enable()

if TYPE_CHECKING:
    import argparse

NO_ARGUMENTS: dict[str, Any] = {
    "data_dir": None,
    "config": None,
    "offline": False,
    "demo": False,
    "command": None,
}
"""What both parsers give for an empty command line (tests hold them to it)."""


SUBSCRIBING_COMMANDS = frozenset({"add", "remove", "import"})
"""Commands that change what is subscribed: under ``--demo`` that change is not kept."""
DEMO_NOT_KEPT = "--demo uses a throwaway cache: nothing this command changes is kept"
"""Said first by a subscribing command under ``--demo``: 'termnews --demo add URL'
answered 'added [13] ...' of a subscription gone the moment it ended (seen by qa18)."""


def build_parser() -> argparse.ArgumentParser:
    """The full parser (:mod:`termnews.cli.parser`)."""
    from termnews.cli.parser import build_parser as build

    return build()


def build_default_parser() -> argparse.ArgumentParser:
    """The lean parser of the default path (:mod:`termnews.cli.parser`)."""
    from termnews.cli.parser import build_default_parser as build

    return build()


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line, importing the command modules only when needed."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    if not arguments:
        # The reader, opened with no flags: its namespace without importing argparse.
        return cast("argparse.Namespace", SimpleNamespace(**NO_ARGUMENTS))
    from termnews.cli.parser import NeedFullParser

    try:
        return build_default_parser().parse_args(arguments)
    except NeedFullParser:
        return build_parser().parse_args(arguments)


def _need_a_terminal() -> None:
    """Refuse to open the reader without a terminal to draw on and read keys from.

    Textual draws on standard error and reads standard input: from cron, a pipe or
    ``termnews 2>log`` it wrote its escape sequences into the file or pipe and then
    waited for keys forever, with no word of why.
    """
    for name, stream in (("standard input", sys.__stdin__), ("standard error", sys.__stderr__)):
        if stream is None or not stream.isatty():
            raise TermnewsError(
                f"the reader needs a terminal, and {name} is not one"
                " (scripts use the commands: termnews --help lists them)"
            )
    if os.environ.get("TERM") == "dumb":
        # A terminal that says it cannot move the cursor (Emacs's M-x shell, some IDE
        # consoles): the reader's screen came out as a stream of escape sequences.
        raise TermnewsError(
            "the reader needs a terminal that can draw a screen, and TERM=dumb says this "
            "one cannot (in Emacs: M-x term or vterm; the commands work anywhere: "
            "termnews --help lists them)"
        )


def _run_tui(ctx: Context) -> int:
    # A config or cache that cannot be used is the line to show first, terminal or not.
    ctx.config  # noqa: B018
    ctx.store  # noqa: B018
    _need_a_terminal()
    # No garbage collection until the reader's first frame (MainScreen._startup turns
    # it back on and freezes what the start built): importing and building the UI
    # makes hundreds of thousands of long-lived objects and little garbage, and each
    # collection on the way walked them all again (issue 8).
    gc.disable()
    # And short thread switches until then, for the store thread (app/gil_switch.py).
    from termnews.app.gil_switch import fast_switching, restore_switching

    fast_switching()
    try:
        from termnews.cli.tui_launch import run_tui

        return run_tui(ctx)
    finally:
        gc.enable()
        restore_switching()


def _tolerant_output() -> None:
    """Let stdout and stderr replace what their encoding cannot write, not crash.

    Under a latin-1 locale, or ``PYTHONIOENCODING=ascii``, a feed title with an
    emoji or a "·" in a byline ended ``termnews articles``/``show`` in a
    UnicodeEncodeError traceback. (JSON is written with escapes instead: see
    :func:`termnews.cli.output.print_json`.)
    """
    for stream in (sys.stdout, sys.stderr):
        strict = getattr(stream, "errors", None) == "strict"
        if strict and not writes_utf8(stream) and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    """Run termnews; returns the process exit code."""
    _tolerant_output()
    args = parse_args(argv)
    ctx = Context(args)
    func = getattr(args, "func", _run_tui)
    if ctx.demo and getattr(args, "command", None) in SUBSCRIBING_COMMANDS:
        notice_line(DEMO_NOT_KEPT)
    try:
        return int(func(ctx))
    except TermnewsError as exc:
        error_line(str(exc))
        return EXIT_INPUT
    except sqlite3.Error as exc:
        # A damaged page, a full disk or an I/O error met mid-command: one line.
        ctx.close()
        error_line(describe_failure(ctx.locations.db_path, exc))
        return EXIT_INPUT
    except KeyboardInterrupt:
        error_line("interrupted")
        return 130
    except BrokenPipeError:
        # `termnews articles | head`: the reader went away; not an error. Point stdout
        # at devnull so the interpreter's final flush does not raise again.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        ctx.close()
