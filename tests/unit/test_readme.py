"""README.md tells the truth: every config option and CLI command is documented."""

from __future__ import annotations

from pathlib import Path

from termnews.cli import build_parser
from termnews.core.config import describe_options

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_config_option_is_in_readme() -> None:
    missing = [key for key, _, _ in describe_options() if f"`{key}`" not in README]
    assert not missing, f"README lacks config options: {missing}"


def test_every_command_is_in_readme() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    commands = sorted(sub.choices)  # type: ignore[union-attr]
    missing = [c for c in commands if c != "tui" and f"termnews {c}" not in README]
    assert not missing, f"README lacks commands: {missing}"


def test_readme_test_command_matches_ci() -> None:
    ci = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text(encoding="utf-8")
    command = 'python -m pip install -e ".[test]" && python -m pytest'
    assert command in README and command in ci
