"""The default path (no command) is parsed by the lean parser, the rest by the full one.

The lean parser exists only to keep the command modules out of the reader's start-up;
these tests hold it to giving the same namespace as the full parser, and hold every
other command line (help, version, errors) to the full parser's exact output.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from termnews.cli import build_default_parser, build_parser, parse_args

DEFAULT_PATHS: list[list[str]] = [
    [],
    ["--demo"],
    ["--offline"],
    ["--data-dir", "some/dir"],
    ["--data-dir=some/dir"],
    ["--config", "c.toml", "--offline", "--demo"],
    ["--dem"],
    ["--off", "--data", "x", "--conf=y"],
    ["--data-dir", "-1"],
]

FULL_PARSER_PATHS: list[list[str]] = [
    ["--help"],
    ["-h"],
    ["--he"],
    ["--offline", "-h"],
    ["--version"],
    ["--bogus"],
    ["--d"],
    ["--data-dir"],
    ["nope"],
    ["--demo", "nope"],
    ["-1"],
    ["--"],
    ["--", "--demo"],
    ["--", "tui", "--bogus"],
    ["tui", "--help"],
    ["feeds", "--bogus"],
    ["articles", "--limit", "0"],
]

FULL_PARSER_ONLY = "from termnews.cli import build_parser\nbuild_parser().parse_args()\n"


@pytest.mark.parametrize("argv", DEFAULT_PATHS, ids=" ".join)
def test_lean_parser_gives_the_full_parsers_namespace(argv: list[str]) -> None:
    expected = vars(build_parser().parse_args(argv))
    assert vars(build_default_parser().parse_args(argv)) == expected
    assert vars(parse_args(argv)) == expected


@pytest.mark.parametrize("argv", FULL_PARSER_PATHS, ids=" ".join)
def test_help_version_and_errors_are_the_full_parsers(argv: list[str]) -> None:
    """Same stdout, stderr and exit code as the full parser alone, as processes."""

    def run(*command: str) -> tuple[int, str, str]:
        res = subprocess.run(
            [sys.executable, *command, *argv], capture_output=True, text=True, timeout=60
        )
        return res.returncode, res.stdout, res.stderr

    reference = run("-c", FULL_PARSER_ONLY)
    assert reference[0] in (0, 2) and (reference[1] or reference[2])
    assert run("-m", "termnews") == reference


def test_an_empty_command_line_does_not_import_argparse() -> None:
    """``termnews`` alone opens the reader: no parser is built, nor argparse (and gettext)
    imported, for a command line with nothing to parse (issue 8)."""
    code = (
        "import sys\n"
        "import termnews.cli.tui_launch, termnews.app.factory, termnews.app.app\n"
        "from termnews.cli import parse_args\n"
        "from termnews.cli.context import Context\n"
        "Context(parse_args([]))\n"
        "print(','.join(m for m in ('argparse', 'gettext') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
