"""The command line's parsers: the full one, and the lean one for the default path.

Kept out of :mod:`termnews.cli` itself so that ``termnews`` with no arguments at all
(the reader, the most common start) never imports ``argparse``: with ``gettext``,
whose first message lookup searches the disk for catalogues, ~2 ms before the
reader's first screen (issue 8). Any argument brings these parsers in.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence
from typing import Any, NoReturn

from termnews import __version__

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
    from termnews.cli import _run_tui as run_tui_command

    parser = argparse.ArgumentParser(
        prog="termnews",
        description="A fast terminal news reader. With no command, opens the reader.",
        epilog="Run 'termnews COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"termnews {__version__}")
    _global_options(parser, suppress=False)
    common = argparse.ArgumentParser(add_help=False)
    # README lists --version with the flags that work before or after the command;
    # after one ('termnews feeds --version') it was "unrecognized arguments".
    common.add_argument("--version", action="version", version=f"termnews {__version__}")
    _global_options(common, suppress=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    tui = sub.add_parser("tui", parents=[common], help="open the reader (the default)")
    tui.set_defaults(func=run_tui_command)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, [common])
    return parser


class NeedFullParser(Exception):
    """The lean parser met something only the full parser can answer."""


class _LeanParser(argparse.ArgumentParser):
    """Top-level options only; any error is handed over to the full parser."""

    def error(self, message: str) -> NoReturn:
        # The full parser words the error (and lists the commands) as users know it.
        raise NeedFullParser(message)


class _DeferToFullParser(argparse.Action):
    """``--help`` and ``--version``: answered by the full parser, byte for byte."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs["nargs"] = 0
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, *args: object, **kwargs: object) -> NoReturn:
        raise NeedFullParser("help or version")


def build_default_parser() -> argparse.ArgumentParser:
    """A parser for the default path only: the global flags, no commands.

    It has exactly the full parser's top-level options (so abbreviations such as
    ``--dem`` resolve alike) and gives the same namespace; a command word or any
    error makes it raise ``NeedFullParser`` instead of printing anything.
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
