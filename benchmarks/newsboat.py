"""Run newsboat headless, as the reference termnews is measured against.

newsboat (Debian's package, 2.21 on bookworm) is run as a whole process per measurement in a
throwaway profile directory: its own ``config``, ``urls`` and ``cache.db``, with ``HOME`` and the
XDG directories pointed inside it so a user's real newsboat setup is never read or touched.

The configuration is newsboat's defaults except:

* ``reload-threads 8`` (default 1): newsboat fetches and parses feeds on this many threads.
  With 1 it is several times slower on 200 feeds; 8 is what the reference figures in issue 8
  were taken with and is generous on a 2-core machine (more threads did not help there).
* ``max-items 0`` and ``keep-articles-days 0`` written out (both are the defaults: keep every
  article), so that the cache grows to the corpus size.

Things learned running it against ``feedserver.py`` that the scenarios must respect:

* newsboat does **not** store ETag/Last-Modified from the reload that creates a feed in an
  empty cache; it stores them on the next successful fetch. A cache that is to produce an
  all-304 reload must therefore have been reloaded twice (``prime``) before it is snapshot.
* When a 200 response carries the ETag newsboat already stored, it skips the feed (a
  reload of 200 feeds that way took ~2.3 s instead of ~7 s). The "same content again" case
  therefore uses the feed server's ``full`` mode, which sends the same bodies with no ETag or
  Last-Modified, so the reader has to download and compare them itself; use ``full`` for both
  sides, starting from a cache that already holds the articles.
* ``-x print-unread`` loads the whole cache before printing one line ("N unread articles"),
  which is why its time grows with the cache.

Usage as a script, a quick check against a generated corpus (serves it itself)::

    python benchmarks/newsboat.py --corpus /tmp/corpus --runs 3
"""

from __future__ import annotations

import argparse
import re
import shutil
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import harness

NEWSBOAT = "newsboat"
DEFAULT_RELOAD_THREADS = 8


@dataclass(frozen=True)
class Profile:
    """A throwaway newsboat setup: every file it reads or writes lives under ``root``."""

    root: Path
    reload_threads: int

    @property
    def config(self) -> Path:
        return self.root / "config"

    @property
    def urls(self) -> Path:
        return self.root / "urls"

    @property
    def cache(self) -> Path:
        return self.root / "cache.db"

    def env(self) -> dict[str, str]:
        """A minimal environment: only what newsboat needs, nothing from the caller's."""
        return {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.root),
            "XDG_CONFIG_HOME": str(self.root / "xdg-config"),
            "XDG_DATA_HOME": str(self.root / "xdg-data"),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TERM": "dumb",
        }

    def command(self, action: str) -> list[str]:
        """``newsboat -C config -c cache -u urls -x <action>``."""
        return [
            NEWSBOAT,
            "-C",
            str(self.config),
            "-c",
            str(self.cache),
            "-u",
            str(self.urls),
            "-x",
            action,
        ]


def make_profile(
    root: Path,
    urls: Sequence[str] | Path,
    *,
    reload_threads: int = DEFAULT_RELOAD_THREADS,
    extra_config: Sequence[str] = (),
) -> Profile:
    """Create ``root`` with a urls file (a list of URLs, or a file to copy) and a config."""
    root.mkdir(parents=True, exist_ok=True)
    profile = Profile(root, reload_threads)
    if isinstance(urls, Path):
        shutil.copyfile(urls, profile.urls)
    else:
        profile.urls.write_text("".join(f"{u}\n" for u in urls), encoding="utf-8")
    lines = [
        f"reload-threads {reload_threads}",
        "max-items 0",
        "keep-articles-days 0",
        *extra_config,
    ]
    profile.config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for sub in ("xdg-config", "xdg-data"):
        (root / sub).mkdir(exist_ok=True)
    return profile


def run(profile: Profile, action: str, *, timeout: float = 900) -> harness.Run:
    """Run ``newsboat -x <action>`` as a whole process and measure it."""
    # newsboat is one process (threads share its RSS), so wait4's peak RSS is exact.
    # Sampled as termnews is (same sampler thread in the harness): its PSS, for the table.
    return harness.run_process(
        profile.command(action), env=profile.env(), timeout=timeout, sample_tree=True
    )


def reload(profile: Profile, *, timeout: float = 900) -> harness.Run:
    """``newsboat -x reload``: fetch every feed in ``urls`` and update the cache."""
    return run(profile, "reload", timeout=timeout)


def print_unread(profile: Profile, *, timeout: float = 900) -> harness.Run:
    """``newsboat -x print-unread``: load the cache and print the unread count."""
    return run(profile, "print-unread", timeout=timeout)


def unread_count(run: harness.Run) -> int:
    """The number printed by ``print-unread`` ("10000 unread articles")."""
    match = re.search(r"(\d+) unread article", run.stdout)
    if match is None:
        raise ValueError(f"unexpected print-unread output: {run.stdout!r}")
    return int(match.group(1))


def article_count(profile: Profile) -> int:
    """Articles in the cache, read from its SQLite file directly."""
    with sqlite3.connect(f"file:{profile.cache}?mode=ro", uri=True) as db:
        (count,) = db.execute("SELECT count(*) FROM rss_item").fetchone()
    return int(count)


def validators_stored(profile: Profile) -> int:
    """How many feeds have an ETag or Last-Modified saved (i.e. can get a 304)."""
    with sqlite3.connect(f"file:{profile.cache}?mode=ro", uri=True) as db:
        (count,) = db.execute(
            "SELECT count(*) FROM rss_feed WHERE etag != '' OR lastmodified != 0"
        ).fetchone()
    return int(count)


def prime(profile: Profile) -> None:
    """Reload twice so the cache holds every article *and* every feed's validators."""
    reload(profile)
    reload(profile)


def snapshot(profile: Profile, dest: Path) -> Path:
    """Copy the cache aside, to restore the same starting state before each run."""
    shutil.copyfile(profile.cache, dest)
    return dest


def restore(profile: Profile, source: Path | None) -> None:
    """Put back a snapshot (or, with None, remove the cache for a cold start)."""
    for leftover in (profile.cache, profile.root / "cache.db.lock"):
        leftover.unlink(missing_ok=True)
    if source is not None:
        harness.copy_settled(source, profile.cache)


def version() -> str:
    return harness.tool_version([NEWSBOAT, "--version"])


def main(argv: Sequence[str] | None = None) -> int:
    """Measure newsboat alone: cold, same content again, all-304, print-unread."""
    import tempfile

    from feedserver import FeedServer

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--corpus", type=Path, required=True, help="from gen_corpus.py")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=DEFAULT_RELOAD_THREADS)
    parser.add_argument("--latency-ms", type=float, default=0)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    if shutil.which(NEWSBOAT) is None:
        parser.error("newsboat is not installed (apt-get install newsboat)")

    with (
        tempfile.TemporaryDirectory(prefix="nb-bench-") as tmp,
        FeedServer(args.corpus, latency_ms=args.latency_ms, max_seconds=3600) as server,
    ):
        root = Path(tmp)
        profile = make_profile(root / "profile", server.feed_urls(), reload_threads=args.threads)
        primed = root / "primed.db"
        prime(profile)
        snapshot(profile, primed)
        n_articles = article_count(profile)
        n_validated = validators_stored(profile)

        def measured(name: str, mode: str, start: Path | None) -> harness.Series:
            def setup(_: int) -> None:
                server.set_mode(mode)
                restore(profile, start)

            return harness.repeat(name, lambda _: reload(profile), runs=args.runs, setup=setup)

        cold = measured("reload, empty cache", "normal", None)
        same = measured("reload, same content (no validators)", "full", primed)
        all304 = measured("reload, every feed 304", "normal", primed)
        restore(profile, primed)
        unread = harness.repeat("print-unread", lambda _: print_unread(profile), runs=args.runs)

    rows = [
        [s.name, s.wall.fmt("s"), s.cpu.fmt("s"), s.rss_mib.fmt("MB", 0)]
        for s in (cold, same, all304, unread)
    ]
    title = (
        f"{version()}, reload-threads {args.threads}, {n_articles} articles, "
        f"{n_validated} feeds with validators, latency {args.latency_ms} ms, "
        f"{args.runs} runs: median (min-max)"
    )
    harness.print_table(title, ["newsboat", "wall", "cpu", "peak RSS"], rows)
    if args.json:
        harness.write_json(
            args.json,
            {
                "machine": harness.machine_info(),
                "newsboat": version(),
                "reload_threads": args.threads,
                "articles": n_articles,
                "series": [cold, same, all304, unread],
            },
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
