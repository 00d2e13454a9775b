"""README.md tells the truth: every config option and CLI command is documented."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

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


def _documented_text(command: str) -> str:
    """README lines naming ``termnews COMMAND``, and "Options:" paragraphs after its examples."""
    lines = README.splitlines()
    found: list[str] = []
    last_example = ""
    for i, line in enumerate(lines):
        if f"termnews {command}" in line:
            found.append(line)
        if line.startswith("termnews "):
            last_example = line.split()[1]
        if line.startswith("Options:") and last_example == command:
            found.extend(lines[i : lines.index("", i)])
    return "\n".join(found)


def test_every_command_option_is_in_readme() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    common = {"--help", "--version", "--data-dir", "--config", "--offline", "--demo"}
    missing = [
        f"{name} {option}"
        for name, command in sub.choices.items()  # type: ignore[union-attr]
        for action in command._actions
        for option in action.option_strings
        if option.startswith("--") and option not in common
        if option not in _documented_text(name)
    ]
    assert not missing, f"README lacks options: {missing}"


def test_readme_test_command_matches_ci() -> None:
    ci = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text(encoding="utf-8")
    command = 'python -m pip install -e ".[test]" && python -m pytest -n 2\n'
    assert command in README and command in ci


def test_quick_start_upgrades_pip_first() -> None:
    """The one-command install must upgrade pip first, as .ci/run does.

    A venv made by Python 3.11.7 comes with pip 23.2.1, whose resolver stops with
    ``AssertionError: Internal issue: Candidate is not for this requirement
    lxml[html-clean,html-clean]`` on termnews's dependencies (justext, through
    trafilatura, asks for ``lxml[html_clean]``, readability-lxml for
    ``lxml[html-clean]``); pip 23.3 and later install them.
    """
    quick_start = README.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    upgrade = quick_start.find("pip install --upgrade pip")
    assert upgrade != -1, quick_start
    assert upgrade < quick_start.find("pip install ."), quick_start


def test_user_agent_option_names_the_header_really_sent() -> None:
    # The option's help (and so README's config table) said 'termnews/VERSION
    # (+project URL)'; the header sent is 'termnews/VERSION (terminal news reader)'.
    from termnews import __version__
    from termnews.core.sources.fetch import default_user_agent

    help_text = next(h for key, _, h in describe_options() if key == "network.user_agent")
    assert default_user_agent().replace(__version__, "VERSION") in help_text
    assert f"| `network.user_agent` | `''` | {help_text} |" in README


def test_pyproject_license_is_an_spdx_string() -> None:
    # A '{ text = "MIT" }' table makes setuptools print a screenful of deprecation
    # warning into every 'pip install .' that README's quick start asks a user to run.
    import tomllib

    root = Path(__file__).resolve().parents[2]
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "MIT"


def _json_paragraph(command: str) -> str:
    """README's text from "`termnews COMMAND --json` prints" to the next blank line or
    the next command's sentence."""
    found = re.search(rf"`termnews {command}( [A-Z]+)? --json` prints", README)
    assert found, f"README does not say what 'termnews {command} --json' prints"
    start = found.start()
    end = min(
        i for i in (README.find("\n\n", start), README.find("\n`termnews ", start + 1)) if i > 0
    )
    return README[start:end]


def test_every_json_shape_is_documented(
    capsys: pytest.CaptureFixture[str], feeds_dir: Path
) -> None:
    """The shapes scripts rely on: add, import, fetch-full, stats, cleanup and config had
    none in README ("--json output is stable" promised field names it never gave)."""
    from termnews.cli import main

    def keys_of(*argv: str) -> set[str]:
        main([*argv, "--json"])
        data = json.loads(capsys.readouterr().out)
        return set(data[0] if isinstance(data, list) else data)

    shapes = {
        "add": keys_of("add", str(feeds_dir / "world.xml")),
        "articles": keys_of("articles"),
        "feeds": keys_of("feeds"),
        "refresh": keys_of("refresh", "--offline"),
        "stats": keys_of("stats"),
        "cleanup": keys_of("cleanup", "--no-vacuum"),
        "index": keys_of("index"),
        "config": keys_of("config"),
        "read": keys_of("read", "--all"),
    }
    undocumented = {
        command: sorted(k for k in keys if k not in _json_paragraph(command))
        for command, keys in shapes.items()
        if command != "articles"  # a table of fields of its own
    }
    assert all(not missing for missing in undocumented.values()), undocumented
    for command in ("import", "fetch-full", "show", "search", "related", "trending"):
        assert _json_paragraph(command)
