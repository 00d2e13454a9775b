"""Reading a process's state from /proc, for the tests that stop and continue real processes."""

from __future__ import annotations

from pathlib import Path


def proc_state(pid: int) -> str:
    """The state letter of ``pid`` from /proc ("T" stopped, "Z" exited), or "" once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return text.rsplit(")", 1)[1].split()[0]
