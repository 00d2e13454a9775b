"""A seconds-long smoke run of the benchmark suite, run by CI after the tests.

It exercises every piece the full suite uses, on a tiny corpus, so the suite cannot rot
between full runs: corpus generator, loopback feed server, the termnews profile runner
(``import``, cold / all-304 / same-content refreshes, ``articles --unread``), the fast cache
filler, and, when ``pyte`` is installed, the pseudo-terminal TUI driver (first full screen,
a few key presses, the floor app).

It fails (exit 1) only when something crashes or gives a wrong answer: a command exits with
an error, a refresh reports the wrong counts, the server did not answer 304, the reader never
shows its screen. Timings are printed for information and are **never** checked here: a
performance miss is the full suite's business (run_all.py), and CI machines vary. newsboat
is not needed.

    python benchmarks/smoke.py
"""

from __future__ import annotations

import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fill_cache
import gen_corpus
import harness
import termnews_side
from feedserver import FeedServer

FEEDS, ITEMS = 5, 10


class SmokeFailure(AssertionError):
    pass


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def smoke(tmp: Path) -> list[list[str]]:
    rows: list[list[str]] = []
    corpus = tmp / "corpus"
    gen_corpus.generate(corpus, FEEDS, ITEMS, seed=3)
    with FeedServer(corpus, max_seconds=300) as server:
        profile = termnews_side.make_profile(tmp / "tn")
        opml = termnews_side.subscribe(profile, corpus, server.base_url)
        expect(termnews_side.feeds_in(profile) == FEEDS, f"import of {opml} subscribed wrong")
        subscribed = termnews_side.snapshot(profile, tmp / "subscribed.db")

        run = termnews_side.refresh(profile)
        summary = termnews_side.refresh_summary(run)
        expect(f"{FEEDS * ITEMS} new" in summary, f"cold refresh: {summary!r}")
        rows.append(["refresh, cold", f"{run.wall_s:.2f} s", f"{run.peak_rss_kib / 1024:.0f} MB"])
        primed = termnews_side.snapshot(profile, tmp / "primed.db")

        server.reset_stats()
        run = termnews_side.refresh(profile)
        statuses = {str(k): v for k, v in dict(server.stats()["statuses"]).items()}  # type: ignore[call-overload]
        expect(statuses == {"304": FEEDS}, f"all-304 refresh: server answered {statuses}")
        rows.append(
            ["refresh, all-304", f"{run.wall_s:.2f} s", f"{run.peak_rss_kib / 1024:.0f} MB"]
        )

        server.set_mode("full")
        termnews_side.restore(profile, primed)
        run = termnews_side.refresh(profile)
        summary = termnews_side.refresh_summary(run)
        expect(" 0 new" in summary, f"same-content refresh found new articles: {summary!r}")
        rows.append(
            ["refresh, same content", f"{run.wall_s:.2f} s", f"{run.peak_rss_kib / 1024:.0f} MB"]
        )
        server.set_mode("normal")

        run = termnews_side.articles_unread(profile, limit=7)
        printed = [line for line in run.stdout.splitlines() if line.strip()]
        expect(len(printed) >= 7, f"articles --unread printed {len(printed)} lines")
        rows.append(
            [
                "articles --unread --limit 7",
                f"{run.wall_s:.2f} s",
                f"{run.peak_rss_kib / 1024:.0f} MB",
            ]
        )
        termnews_side.restore(profile, subscribed)
        expect(termnews_side.article_count(profile) == 0, "subscribed snapshot holds articles")

    started = time.perf_counter()
    facts = fill_cache.fill(tmp / "filled", 3, 4, seed=3, jobs=1)
    expect(facts["articles"] == 12, f"fill_cache wrote {facts}")
    rows.append(["fill_cache 3 x 4", f"{time.perf_counter() - started:.2f} s", ""])

    try:
        import tui_bench
    except ImportError:
        tui_bench = None  # type: ignore[assignment]
    if tui_bench is None or tui_bench.pyte is None:
        rows.append(["TUI", "skipped: pyte not installed", ""])
        return rows
    termnews_side.restore(profile, primed)
    sections = tui_bench.sections_of(corpus)
    start = tui_bench.start_once(
        profile.command(), profile.env(), tui_bench.termnews_full_screen(sections)
    )
    expect(start.seconds is not None, "the reader never showed its first full screen")
    rows.append(["TUI first full screen", f"{start.seconds:.2f} s", _mib(start.rss_kib)])
    floor = tui_bench.start_once(tui_bench.floor_argv(), profile.env(), tui_bench.floor_full_screen)
    expect(floor.seconds is not None, "the floor app never showed its list")
    rows.append(["floor app first screen", f"{floor.seconds:.2f} s", _mib(floor.rss_kib)])
    termnews_side.restore(profile, primed)
    session = tui_bench.PtySession(profile.command(), profile.env())
    try:
        expect(
            session.pump(tui_bench.termnews_full_screen(sections), 60) is not None,
            "the reader never showed its first screen (key test)",
        )
        samples = tui_bench.KeySamples()
        tui_bench.key_rounds(session, samples, 2)
        expect(bool(samples.move_ms and samples.open_ms), f"no key answered: {samples}")
        rows.append(
            [
                "TUI keys (move / open), max",
                f"{max(samples.move_ms):.0f} / {max(samples.open_ms):.0f} ms",
                f"timeouts {samples.timeouts}",
            ]
        )
    finally:
        session.quit()

    import memory_soak

    soak = memory_soak.soak(
        tmp / "soak", blocks=2, rounds=2, refresh_every=1, feeds=FEEDS, items=ITEMS
    )
    samples_taken = soak["samples"]
    expect(
        len(samples_taken) == 3 and samples_taken[-1]["refreshes"] == 1,
        f"memory soak did not run its blocks and refresh: {samples_taken}",
    )
    rows.append(
        [
            "memory soak (2 blocks, 1 refresh)",
            f"own {samples_taken[0]['anon_mib']:.0f} -> {samples_taken[-1]['anon_mib']:.0f} MB",
            f"RSS {samples_taken[-1]['rss_mib']:.0f} MB",
        ]
    )
    return rows


def _mib(kib: int | None) -> str:
    return "" if kib is None else f"{kib / 1024:.0f} MB"


def main() -> int:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="termnews-smoke-") as tmp:
        try:
            rows = smoke(Path(tmp))
        except (SmokeFailure, harness.RunFailed) as exc:
            print(f"benchmark smoke run FAILED: {exc}", file=sys.stderr)
            return 1
        except Exception:
            traceback.print_exc()
            print("benchmark smoke run FAILED (crash)", file=sys.stderr)
            return 1
    harness.print_table(
        f"benchmark smoke run ({FEEDS} feeds x {ITEMS} items; timings are information only, "
        f"not checked), {time.perf_counter() - started:.1f} s",
        ["step", "wall", "peak RSS / note"],
        rows,
        plain=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
