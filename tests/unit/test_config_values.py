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


def test_ordinary_values_still_load(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[network]\nconnect_timeout = 2.5\nuser_agent = "my reader/1.0"\n')
    config = load_config(path)
    assert config.network.connect_timeout == 2.5
    assert config.network.user_agent == "my reader/1.0"
