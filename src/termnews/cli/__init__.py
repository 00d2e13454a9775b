"""The ``termnews`` command line: argparse entry point, exit codes, error edge.

Headless commands import only :mod:`termnews.core` so that scripts and cron jobs
start fast; the TUI (and Textual) is imported only when it is opened.

The default path (no command, only global flags) is parsed by a lean parser that
knows just the global flags, so opening the reader does not import every command
module and build every subparser (tens of ms before the first screen). Anything
else (a command, ``--help``, ``--version``, a bad argument) goes to the full
parser, which gives the same output, error message and exit code as always.

Exit codes: 0 success, 1 some sources failed, 2 usage or input error.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sqlite3
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from termnews import __version__
from termnews.cli.context import EXIT_INPUT, Context
from termnews.cli.output import error_line
from termnews.core.errors import TermnewsError
from termnews.core.store.db import describe_failure

COMMAND_MODULES: tuple[str, ...] = (
    "termnews.cli.feed_commands",
    "termnews.cli.article_commands",
    "termnews.cli.maintenance_commands",
    "termnews.cli.search_commands",
    "termnews.cli.related_commands",
    "termnews.cli.opml_commands",
    "termnews.cli.fulltext_commands",
)
"""Each module has ``register(subparsers, parents)`` adding its subcommands."""


def _global_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=default,
        help="cache directory (env TERMNEWS_DATA_DIR; default: the user data dir)",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        default=default,
        help="config file (env TERMNEWS_CONFIG; default: the user config dir)",
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="never open a network connection; read from the cache",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="use the bundled sample feeds in a throwaway cache",
    )


def build_parser() -> argparse.ArgumentParser:
    """The full parser: global flags work before or after the subcommand."""
    parser = argparse.ArgumentParser(
        prog="termnews",
        description="A fast terminal news reader. With no command, opens the reader.",
        epilog="Run 'termnews COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"termnews {__version__}")
    _global_options(parser, suppress=False)
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, suppress=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    tui = sub.add_parser("tui", parents=[common], help="open the reader (the default)")
    tui.set_defaults(func=_run_tui)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, [common])
    return parser


class _NeedFullParser(Exception):
    """The lean parser met something only the full parser can answer."""


class _LeanParser(argparse.ArgumentParser):
    """Top-level options only; any error is handed over to the full parser."""

    def error(self, message: str) -> NoReturn:
        # The full parser words the error (and lists the commands) as users know it.
        raise _NeedFullParser(message)


class _DeferToFullParser(argparse.Action):
    """``--help`` and ``--version``: answered by the full parser, byte for byte."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs["nargs"] = 0
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, *args: object, **kwargs: object) -> NoReturn:
        raise _NeedFullParser("help or version")


def build_default_parser() -> argparse.ArgumentParser:
    """A parser for the default path only: the global flags, no commands.

    It has exactly the full parser's top-level options (so abbreviations such as
    ``--dem`` resolve alike) and gives the same namespace; a command word or any
    error makes it raise ``_NeedFullParser`` instead of printing anything.
    """
    parser = _LeanParser(prog="termnews", add_help=False)
    parser.add_argument(
        "-h", "--help", action=_DeferToFullParser, default=argparse.SUPPRESS, dest="help"
    )
    parser.add_argument(
        "--version", action=_DeferToFullParser, default=argparse.SUPPRESS, dest="version"
    )
    _global_options(parser, suppress=False)
    parser.set_defaults(command=None)
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line, importing the command modules only when needed."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        return build_default_parser().parse_args(arguments)
    except _NeedFullParser:
        return build_parser().parse_args(arguments)


def _run_tui(ctx: Context) -> int:
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
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        strict = getattr(stream, "errors", None) == "strict"
        if strict and encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    """Run termnews; returns the process exit code."""
    _tolerant_output()
    args = parse_args(argv)
    ctx = Context(args)
    func = getattr(args, "func", _run_tui)
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
