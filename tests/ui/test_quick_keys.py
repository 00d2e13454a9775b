"""Keys typed faster than the app answers them act on what was on screen at each key."""

from __future__ import annotations

import pytest
from tests.ui.conftest import Env, RunApp, main_screen, settle

from termnews.app.app import TermnewsApp


async def _type_at_once(app: TermnewsApp, *keys: str) -> None:
    """Keys as a terminal delivers keys typed quickly: queued together, none waited for
    (Pilot's press lets the app go idle after each key)."""
    from textual import events

    driver = app._driver
    assert driver is not None
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        driver.send_message(event)


@pytest.mark.parametrize(
    ("keys", "flag"), [(("s", "j", "s"), "starred"), (("m", "j", "m"), "read")]
)
async def test_keys_typed_quickly_act_on_the_row_highlighted_when_each_was_pressed(
    seeded: Env, run_app: RunApp, keys: tuple[str, ...], flag: str
) -> None:
    """'s j s' typed quickly starred the second headline twice (star, unstar) and never
    the first: the star ran as a worker that looked up the highlighted row when it
    started, after the j queued behind it had moved the cursor (seen by qa17 in tmux:
    no star at all). The row is taken when the key is handled."""
    async with run_app(seeded, size=(100, 30)) as (app, pilot):
        screen = main_screen(app)
        screen.headlines.focus()
        await settle(pilot)
        first = screen.headlines.current
        assert first is not None
        before = {h.id: getattr(h, flag) for h in screen.headlines.rows}
        await _type_at_once(app, *keys)
        await settle(pilot)
        second = screen.headlines.current
        assert second is not None and second.id != first.id
        with seeded.store() as store:
            after = {a.id: getattr(a, flag) for a in store.articles()}
        assert after[first.id] != before[first.id]
        assert after[second.id] != before[second.id]


async def test_ctrl_c_says_how_to_quit_in_plain_words(seeded: Env, run_app: RunApp) -> None:
    """Ctrl+C showed 'Press [b]q[/b] to quit the app': Textual writes its hint in markup
    and the reader shows every notification as plain text (seen by qa17). It names the
    key in force (remapped too) and Ctrl+Q."""
    seeded.write_config('[keys]\nquit = "x"\n')
    async with run_app(seeded, size=(100, 30)) as (app, pilot):
        await pilot.press("ctrl+c")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        hint = [m for m in messages if "quit" in m.lower()]
        assert hint, messages
        assert "[" not in hint[-1] and "x" in hint[-1] and "Ctrl+Q" in hint[-1], hint


@pytest.mark.parametrize("opened_before", [False, True])
async def test_text_typed_right_after_slash_goes_into_the_search(
    seeded: Env, run_app: RunApp, opened_before: bool
) -> None:
    """'/storm' typed quickly (or typed ahead while the app was busy) ran the letters as
    keys: the 's' starred or unstarred the highlighted article, an 'o' would open the
    browser, and the search bar got what came after (seen by qa18 in tmux: '/s'
    unstarred the article). The search input takes the focus when the '/' is handled,
    so every key queued behind it is text."""
    from textual.widgets import Input

    async with run_app(seeded, size=(100, 30)) as (app, pilot):
        screen = main_screen(app)
        screen.headlines.focus()
        await settle(pilot)
        if opened_before:
            await _type_at_once(app, "slash")
            await settle(pilot)
            await _type_at_once(app, "escape")
            await settle(pilot)
            screen.headlines.focus()
            await settle(pilot)
        with seeded.store() as store:
            before = {a.id: (a.starred, a.read) for a in store.articles()}
        await _type_at_once(app, "slash", "s", "m", "o")
        await settle(pilot)
        assert screen.query_one("#search").query_one(Input).value == "smo"
        with seeded.store() as store:
            assert {a.id: (a.starred, a.read) for a in store.articles()} == before
