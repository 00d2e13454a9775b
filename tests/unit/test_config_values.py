"""Config values that parse as TOML but would break a refresh later must be refused at load."""

from __future__ import annotations

from pathlib import Path

import pytest

from termnews.core.config import load_config
from termnews.core.errors import ConfigError


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # nan passed "<= 0" and every refresh failed with "internal error: deadline
        # must not be NaN"; inf is no timeout at all.
        ("[network]\nconnect_timeout = nan\n", "network.connect_timeout: must be a finite"),
        ("[network]\nread_timeout = inf\n", "network.read_timeout: must be a finite"),
        # A newline in the User-Agent made every HTTP feed fail ("Illegal header value").
        ('[network]\nuser_agent = "a\\nb"\n', "network.user_agent: must be one line"),
        ('[general]\nbrowser = "firefox\\u0000"\n', "general.browser: must be one line"),
        # max_bytes = 0 loaded, then every feed failed "response too large (over 0 KiB)".
        ("[network]\nmax_bytes = 0\n", "network.max_bytes: must be at least 1024, got 0"),
        ("[network]\nmax_bytes = 100\n", "network.max_bytes: must be at least 1024, got 100"),
        ("[network]\nmax_bytes = -5\n", "network.max_bytes: must be at least 1024, got -5"),
        # Zero feeds at once fetches nothing (it was silently read as 1).
        ("[network]\nconcurrency = 0\n", "network.concurrency: must be at least 1, got 0"),
        ("[network]\nper_host = 0\n", "network.per_host: must be at least 1, got 0"),
        # A window of zero hours can never list a story: Trending was always empty.
        ("[related]\ntrending_hours = 0\n", "related.trending_hours: must be at least 1"),
        # 0 made 'termnews related' say "No related stories in the cache" (--limit 0 is
        # refused); the panel is hidden with general.show_related = false instead.
        ("[related]\nlimit = 0\n", "related.limit: must be at least 1, got 0"),
        ("[retention]\nmax_age_days = -1\n", "retention.max_age_days: must not be negative"),
    ],
)
def test_values_that_would_fail_later_are_config_errors(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message) as info:
        load_config(path)
    assert "\n" not in str(info.value)
    assert str(info.value).startswith(f"{path}: ")


def test_ordinary_values_still_load(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[network]\nconnect_timeout = 2.5\nuser_agent = "my reader/1.0"\n')
    config = load_config(path)
    assert config.network.connect_timeout == 2.5
    assert config.network.user_agent == "my reader/1.0"


def test_zero_still_means_off_where_it_is_documented_so(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        "[general]\nauto_refresh_minutes = 0\n[network]\nmax_redirects = 0\nmax_bytes = 1024\n"
        "[retention]\nmax_age_days = 0\nmax_per_feed = 0\nkeep_unread_days = 0\n"
    )
    config = load_config(path)
    assert config.network.max_redirects == 0
    assert config.network.max_bytes == 1024


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[keys]\nstar = 5\nsearch = "slash"\n', "keys.star: expected a string, got 5"),
        ('[search]\nmute = ["sponsored", 3]\n', "search.mute[1]: expected a string, got 3"),
        ('[search.saved]\n"My news" = true\n', 'search.saved."My news": expected a string'),
        ('[fulltext]\nfeeds = "Example Daily"\n', "fulltext.feeds: expected a list of strings"),
    ],
)
def test_a_wrong_entry_of_a_table_or_list_is_named(tmp_path: Path, text: str, message: str) -> None:
    """The line quoted the whole table ("keys: expected a table of strings, got {...}"),
    leaving the reader to find which of its entries was wrong."""
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert f"{path}: {message}" in str(caught.value)


def _load_in_time(path: Path) -> ConfigError:
    """load_config(path) must refuse the file, and do it at once (not block reading)."""
    import threading

    outcome: list[BaseException | None] = []

    def load() -> None:
        try:
            load_config(path)
        except BaseException as exc:  # any outcome is looked at below
            outcome.append(exc)
        else:
            outcome.append(None)

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    thread.join(10)
    assert outcome, f"load_config({path}) still reading after 10 s"
    error = outcome[0]
    assert isinstance(error, ConfigError), error
    return error


def test_a_config_that_is_not_a_regular_file_is_refused_without_reading(tmp_path: Path) -> None:
    """A FIFO blocked every command for good; /dev/zero read until memory ran out."""
    import os

    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    assert "not a regular file" in str(_load_in_time(fifo))
    assert "not a regular file" in str(_load_in_time(Path("/dev/zero")))


def test_a_huge_config_is_refused_in_one_line(tmp_path: Path) -> None:
    """A 78 MB file of comments took 1.4 s and 170 MB to load: a config is a few kB."""
    path = tmp_path / "config.toml"
    with path.open("w") as out:
        out.write("[general]\n")
        out.truncate(20 * 1024 * 1024)
    message = str(_load_in_time(path))
    assert "too large" in message and str(path) in message and "\n" not in message


def test_deeply_nested_toml_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    """tomllib raises RecursionError on deep nesting: it reached the user as a traceback."""
    path = tmp_path / "config.toml"
    path.write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    message = str(_load_in_time(path))
    assert "invalid TOML" in message and "nested" in message
