"""OPML commands: ``termnews import FILE_OR_URL`` / ``--starter`` and ``termnews export``."""

from __future__ import annotations

import argparse
import os
import stat
import sys
import tempfile
from importlib.resources import files
from pathlib import Path
from typing import Any

from termnews.cli.context import EXIT_INPUT, EXIT_OK, Context
from termnews.cli.output import error_line, feed_json, notice_line, print_json
from termnews.core.errors import SourceError
from termnews.core.text import clean_line, plural

# core.sources.opml and .local bring lxml and the feed parsers (~100 ms); every command
# module is imported to build the parser, so they are imported inside the commands.


def register(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add the import and export subcommands."""
    p = sub.add_parser(
        "import",
        parents=parents,
        help="subscribe to every feed of an OPML file or URL (folders become sections)",
    )
    p.add_argument("source", nargs="?", metavar="FILE_OR_URL", help="OPML file path or URL")
    p.add_argument(
        "--starter",
        action="store_true",
        help="import termnews's bundled starter list of well-known news feeds",
    )
    p.add_argument("--section", help="put every imported feed in this section")
    p.add_argument("--json", action="store_true", help="print what was imported as JSON")
    p.set_defaults(func=cmd_import)  # fmt: skip

    p = sub.add_parser("export", parents=parents, help="write subscriptions as OPML")
    p.add_argument("file", nargs="?", metavar="FILE", help="output file (default: stdout)")
    p.set_defaults(func=cmd_export)


def starter_opml() -> bytes:
    """The bundled starter list (package data)."""
    return (files("termnews") / "data" / "starter.opml").read_bytes()


def _read_source(ctx: Context, ref: str) -> bytes:
    if ref.startswith(("http://", "https://")):
        if ctx.offline:
            raise SourceError(ref, "cannot fetch an OPML URL with --offline")
        from termnews.core.sources.fetch import fetch_once

        network = ctx.config.network
        return fetch_once(ref, network, accept="text/x-opml, application/xml, text/xml, */*")
    from termnews.core.sources.local import read_bytes
    from termnews.core.sources.opml import MAX_OPML_BYTES

    path = Path(ref).expanduser()
    if path.is_dir():
        raise SourceError(
            ref, f"is a folder; 'termnews add {ref}' imports the OPML lists in it (and its feeds)"
        )
    return read_bytes(path, limit=MAX_OPML_BYTES)


def cmd_import(ctx: Context) -> int:
    """``termnews import``: subscribe to an OPML list (nothing is fetched until refresh)."""
    from termnews.core.sources.opml import import_opml, parse_opml

    args = ctx.args
    if args.starter == bool(args.source):
        error_line("give an OPML file or URL, or --starter (one of them)")
        return EXIT_INPUT
    name = "starter list" if args.starter else args.source
    try:
        data = starter_opml() if args.starter else _read_source(ctx, args.source)
        document = parse_opml(data, name)
    except SourceError as exc:
        error_line(str(exc))
        return EXIT_INPUT
    report = import_opml(ctx.store, document, section=args.section)
    if args.json:
        print_json(
            {
                "source": name,
                "added": [feed_json(f) for f in report.added],
                "already_subscribed": report.already_subscribed,
                "duplicates": report.duplicates,
                "warnings": list(report.warnings),
            }
        )
        return EXIT_OK
    for warning in report.warnings:
        notice_line(f"warning: {clean_line(name)}: {warning}")
    sections = report.sections
    listed = ", ".join(clean_line(s) for s in sections[:8]) + (", ..." if len(sections) > 8 else "")
    print(
        f"imported {plural(len(report.added), 'feed')} into {plural(len(sections), 'section')}"
        + (f" ({listed})" if sections else "")
    )
    skipped = []
    if report.already_subscribed:
        skipped.append(f"{plural(report.already_subscribed, 'feed')} already subscribed")
    if report.duplicates:
        skipped.append(f"{plural(report.duplicates, 'duplicate')} in the file")
    if skipped:
        print("skipped " + ", ".join(skipped))
    if report.added:
        print("run 'termnews refresh' to fetch them")
    return EXIT_OK


def _write_atomically(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same directory, so a failure never truncates.

    The temporary file is made private (0600) by ``mkstemp``; the file it becomes
    gets the mode a plain write would give: the old file's, else 0666 less the
    umask. An exported list is meant to be shared, and was readable by its owner only.
    """
    directory = path.parent if str(path.parent) else Path(".")
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            os.fchmod(handle.fileno(), mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cmd_export(ctx: Context) -> int:
    """``termnews export``: OPML 2.0 of every HTTP subscription, one folder per section."""
    from termnews.core.sources.opml import export_opml, local_count

    feeds = ctx.store.feeds()
    data = export_opml(feeds)
    target: str | None = ctx.args.file
    if target and target != "-":
        path = Path(target).expanduser()
        try:
            _write_atomically(path, data)
        except OSError as exc:
            error_line(f"{path}: cannot write: {exc.strerror or exc}")
            return EXIT_INPUT
        exported = len(feeds) - local_count(feeds)
        print(f"exported {plural(exported, 'feed')} to {path}")
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    skipped = local_count(feeds)
    if skipped:
        left = plural(skipped, "local source")
        notice_line(f"left out {left} (files and folders are not portable)")
    return EXIT_OK
