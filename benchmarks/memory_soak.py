"""Does the reader's memory grow with use? A long session in a pty, RSS sampled (issue 8).

"Memory that grows" is one of the complaints about other readers: a reader left open all
day, read article after article and refreshed every so often, must settle at some size and
stay there. This runs the reader as ``tui_bench.py`` does (a whole process in a 120 x 36
pseudo-terminal, on the 200 x 50 cache of 10,000 articles made by a real refresh, the
loopback feed server standing in for the sites) and uses it for a long while:

* ``--blocks`` blocks of ``--rounds`` rounds of ``j j Enter`` (two moves down the All
  section, one article opened: ``tui_bench.key_rounds``, each key waited for);
* after every ``--refresh-every`` blocks, an in-app refresh (``R``) of all 200 feeds while
  the server renews every item (its ``changed`` mode: 10,000 new articles each time, the
  heaviest refresh), waited for until the status bar no longer says "refreshing";
* after each block (and a second of quiet, so the reader's idle collection has run) the
  resident set size of the reader process itself (``/proc/PID/statm``; its refresh child
  is gone by then) is sampled.

It prints RSS (and its two parts: the process's own memory, and mapped pages of the cache
file) after the first screen and after each block, and what the own memory gained in the
second half of the session, once the caches (Textual's, the Markdown parser's, SQLite's
page caches) are full. A reader that leaks shows a steady climb; one that does not, a
plateau. The cache grows by 10,000 articles per refresh, so a small rise with each
refresh is the price of a larger cache (the lists page lazily, so it should stay small).

    python benchmarks/memory_soak.py [--blocks 8] [--rounds 125] [--refresh-every 1] [--json F]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import harness
import tui_bench

DEFAULT_WORKDIR = Path("/tmp/termnews-bench")


def _reader_pid(wrapper_pid: int) -> int:
    """The reader's own pid: GNU time (when present) wraps it in the pty."""
    try:
        wrapper = Path("/proc", str(wrapper_pid), "exe").resolve().name
    except OSError:
        return wrapper_pid
    if wrapper != "time":
        return wrapper_pid
    for _ in range(100):
        kids = harness.child_pids(wrapper_pid)
        if kids:
            return kids[0]
        time.sleep(0.05)
    return wrapper_pid


def _memory_mib(pid: int) -> dict[str, float]:
    """The resident set of ``pid`` alone (not a refresh child), and its two parts.

    ``anon`` is the process's own memory (Python objects, caches): a leak shows there.
    ``file`` is pages of mapped files, mostly the cache database, which SQLite reads
    through a memory map (``PRAGMA mmap_size``): page-cache pages the kernel can drop at
    will, shared with every other reader of the file, and bounded by the map's size.
    """
    fields: dict[str, float] = {}
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "RssAnon", "RssFile"):
                fields[name] = round(int(value.split()[0]) / 1024, 1)
    return {
        "rss_mib": fields.get("VmRSS", 0.0),
        "anon_mib": fields.get("RssAnon", 0.0),
        "file_mib": fields.get("RssFile", 0.0),
    }


def soak(
    workdir: Path, *, blocks: int, rounds: int, refresh_every: int, feeds: int, items: int
) -> dict[str, Any]:
    """Run the session; returns the samples (one per block) and the settings."""
    import bench_setup
    import termnews_side

    corpus_dir = bench_setup.corpus(workdir, feeds, items)
    with bench_setup.start_server(workdir, corpus_dir, idle_priority=True) as server:
        state = bench_setup.termnews_state(workdir, corpus_dir, server, via="refresh")
        termnews_side.restore(state.profile, state.primed)
        server.control(mode="normal", reset=1)
        session = tui_bench.PtySession(state.profile.command(), state.profile.env())
        sections = tui_bench.sections_of(corpus_dir)
        if session.pump(tui_bench.termnews_full_screen(sections), 60) is None:
            session.quit()
            raise RuntimeError("the reader did not show its first screen within 60 s")
        session.pump(None, 1.0)
        pid = _reader_pid(session.pid)
        samples: list[dict[str, Any]] = [
            {"block": 0, "opened": 0, "refreshes": 0, **_memory_mib(pid)}
        ]
        opened = refreshes = timeouts = 0
        panes = None
        for block in range(1, blocks + 1):
            keys = tui_bench.KeySamples()
            panes = tui_bench.key_rounds(session, keys, rounds, panes=panes)
            opened += len(keys.open_ms)
            timeouts += keys.timeouts
            if refresh_every and block % refresh_every == 0 and block < blocks:
                server.control(mode="changed", reset=1)
                session.send(b"R")
                began = session.pump(lambda scr: "refreshing" in tui_bench.status_line(scr), 10)
                if began is not None:
                    session.pump(lambda scr: "refreshing" not in tui_bench.status_line(scr), 600)
                    refreshes += 1
                server.control(mode="normal")
            session.pump(None, 1.5)  # quiet: the idle collection runs (app/idle_gc.py)
            samples.append(
                {
                    "block": block,
                    "opened": opened,
                    "refreshes": refreshes,
                    **_memory_mib(pid),
                }
            )
            bench_setup.log(
                f"block {block}: {opened} opened, {refreshes} refreshes, "
                f"RSS {samples[-1]['rss_mib']} MiB (own {samples[-1]['anon_mib']} MiB)"
            )
        peak = session.quit()
    # The second half of the session: warm caches (Textual's, the Markdown parser's,
    # SQLite's page caches of 16 MB per connection) are full by then, so what the
    # process's own memory still gains there is what a leak would look like.
    middle, last = samples[len(samples) // 2], samples[-1]
    opened_late = last["opened"] - middle["opened"]
    refreshed_late = last["refreshes"] - middle["refreshes"]
    gained = round(last["anon_mib"] - middle["anon_mib"], 1)
    return {
        "articles_at_start": state.articles,
        "rounds_per_block": rounds,
        "samples": samples,
        "timeouts": timeouts,
        "peak_rss_mib": None if peak is None else round(peak / 1024, 1),
        "second_half": {
            "from_block": middle["block"],
            "opened": opened_late,
            "refreshes": refreshed_late,
            "own_memory_gained_mib": gained,
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--blocks", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=125, help="j j Enter rounds per block")
    parser.add_argument("--refresh-every", type=int, default=1, help="blocks between refreshes")
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if tui_bench.pyte is None:
        print("memory_soak.py: pyte is not installed (pip install -e '.[test]')", file=sys.stderr)
        return 2
    result = soak(
        args.workdir,
        blocks=args.blocks,
        rounds=args.rounds,
        refresh_every=args.refresh_every,
        feeds=args.feeds,
        items=args.items,
    )
    rows = [
        [
            s["block"],
            s["opened"],
            s["refreshes"],
            f"{s['rss_mib']:.1f} MiB",
            f"{s['anon_mib']:.1f} MiB",
            f"{s['file_mib']:.1f} MiB",
        ]
        for s in result["samples"]
    ]
    late = result["second_half"]
    harness.print_table(
        f"reader RSS over a long session ({result['articles_at_start']} articles at the start)",
        ["after block", "opened", "refreshes", "RSS", "own (anon)", "mapped files"],
        rows,
    )
    print(
        f"own memory (RssAnon) gained in the second half (after block {late['from_block']}:"
        f" {late['opened']} articles opened, {late['refreshes']} refreshes):"
        f" {late['own_memory_gained_mib']:+} MiB;"
        f" peak {result['peak_rss_mib']} MiB; key timeouts {result['timeouts']}"
    )
    if args.json:
        harness.write_json(args.json, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
