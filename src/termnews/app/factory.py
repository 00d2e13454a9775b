"""The one place the reader app is built, for the CLI and for the tests alike.

``make_app(ctx)`` takes the CLI's context (locations, config, offline/demo
flags, the already opened and possibly seeded cache); tests call
``make_app(data_dir=..., config_file=...)`` with a temporary directory. Either
way the app gets its store, settings and clock passed in.
"""

from __future__ import annotations

from concurrent.futures import wait
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from termnews.app.first_screen import load_first_screen
from termnews.app.state import load_state
from termnews.app.store_thread import StoreThread
from termnews.core.config import load_config
from termnews.core.locations import resolve_locations

if TYPE_CHECKING:
    from termnews.app.app import Clock, TermnewsApp, UrlOpener
    from termnews.cli.context import Context
    from termnews.core.locations import Locations

FIRST_SCREEN_ALONE_S = 0.1
"""How long the factory waits for the first screen's read before it imports Textual.

On a warm cache the read takes ~10 ms (100,000 articles, 1,000 feeds), and alone it
takes no more. Run beside the imports it took ~150 ms and cost the main thread
~20 ms: ``sqlite3`` gives up the GIL for every row it steps to (1,200 rows here),
and each time the store thread wants it back, the importing main thread is made to
let go of it at the next switch (see termnews.app.first_screen). A read still
going after this wait (a cold disk, a huge cache) goes on beside the imports as
before; the most the wait can cost is its own length.
"""


def make_app(
    ctx: Context | None = None,
    *,
    first_run: bool = False,
    data_dir: str | Path | None = None,
    config_file: str | Path | None = None,
    offline: bool = False,
    demo: bool = False,
    clock: Clock | None = None,
    url_opener: UrlOpener | None = None,
    home: Locations | None = None,
) -> TermnewsApp:
    """Build the reader over a cache.

    With ``first_run`` the app explains that it shows the demo and how to add
    real feeds. ``url_opener`` replaces the web browser (tests record links).
    ``home``: the user's own cache and config, where a feed added in the demo goes
    (for ``--demo`` it is found from the context).
    """
    if ctx is not None:
        locations = ctx.locations
        config = ctx.config
        offline = offline or ctx.offline
        demo = demo or ctx.demo
        # Open (and for --demo, seed) the cache before the UI starts; a notice from
        # opening it (a corrupt cache moved aside) must reach the reader's screen.
        notices = list(ctx.store.notices)
        if demo and home is None:  # a feed added in the demo goes there, not to the demo's
            home = resolve_locations(
                getattr(ctx.args, "data_dir", None), getattr(ctx.args, "config", None)
            )
    else:
        locations = resolve_locations(data_dir, config_file)
        config = load_config(locations.config_file)
        notices = []
    locations.ensure_data_dir()
    store_thread = StoreThread(locations.db_path)
    store_thread.notices.extend(notices)
    state = load_state(locations.state_file)
    # The first screen's queries start now, on the store thread, and are waited for
    # (up to FIRST_SCREEN_ALONE_S) before Textual is imported (termnews.app.first_screen).
    first_screen = store_thread.submit(
        partial(
            load_first_screen,
            state=state,
            config=config,
            unread_only=state.unread_only or config.general.unread_only,
            first_run=first_run,
        )
    )
    wait([first_screen], timeout=FIRST_SCREEN_ALONE_S)
    from termnews.app.app import TermnewsApp  # Textual (beside a read still going)

    return TermnewsApp(
        store_thread=store_thread,
        config=config,
        locations=locations,
        state=state,
        first_screen=first_screen,
        offline=offline,
        demo=demo,
        first_run=first_run,
        clock=clock,
        url_opener=url_opener,
        home=home,
    )
