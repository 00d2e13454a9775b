"""Opening the reader from the command line (imports Textual only here)."""

from __future__ import annotations

from termnews.cli.context import EXIT_OK, Context


def run_tui(ctx: Context) -> int:
    """Build the app with the factory and run it; returns the exit code."""
    from termnews.app.factory import make_app

    store = ctx.store
    # A cache that was just moved aside is not a first run: the reader opens the
    # new, empty cache and says where the old one went.
    first_run = not ctx.demo and not store.has_feeds() and not store.notices
    if first_run:
        # Nothing subscribed yet: show the bundled demo in a throwaway cache rather
        # than an empty screen, and tell the user how to add real feeds.
        ctx.close()
        ctx.args.demo = True
        demo_ctx = Context(ctx.args)
        try:
            app = make_app(demo_ctx, first_run=True)
            app.run()
        finally:
            demo_ctx.close()
        if app.reopen_home:
            return _reopen_home(ctx)
        return app.return_code or EXIT_OK
    app = make_app(ctx)
    app.run()
    if ctx.demo and app.reopen_home:
        ctx.close()
        return _reopen_home(ctx)
    # Not 0 when it crashed (1) or a signal closed it (128 + the signal: app.py).
    return app.return_code or EXIT_OK


def _reopen_home(ctx: Context) -> int:
    """After a feed was added in the demo (``a``): the reader again, on the user's cache.

    The demo's cache is thrown away; the feed went into the user's own, so the reader
    opens there at once, as plain ``termnews`` would from now on.
    """
    from termnews.app.factory import make_app

    ctx.args.demo = False
    home = Context(ctx.args)
    try:
        app = make_app(home)
        app.run()
    finally:
        home.close()
    return app.return_code or EXIT_OK
