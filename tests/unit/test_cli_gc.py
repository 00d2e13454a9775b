"""The CLI loads its modules without garbage collections, and leaves the collector on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

PROBE = """
import gc
collections = []
gc.callbacks.append(lambda phase, info: phase == "stop" and collections.append(info))
import termnews.cli
young = len(collections)
gc.collect(0)  # a young collection now walks only what came after the imports
print(gc.isenabled(), young, gc.get_freeze_count() > 0)
"""


def test_importing_the_cli_runs_no_collections_and_leaves_the_collector_on() -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    enabled, collections, frozen = out
    assert enabled == "True", "a program importing termnews.cli keeps its collector"
    # Python's own start-up and the first imports before termnews.cli runs may collect
    # once or twice; loading the CLI's modules with the collector on ran it ~25 times.
    assert int(collections) <= 3, f"{collections} collections while importing termnews.cli"
    assert frozen == "True", "what the imports made is frozen"
