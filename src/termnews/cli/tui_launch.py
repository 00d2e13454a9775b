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
        return app.return_code or EXIT_OK
    app = make_app(ctx)
    app.run()
    # Not 0 when it crashed (1) or a signal closed it (128 + the signal: app.py).
    return app.return_code or EXIT_OK
