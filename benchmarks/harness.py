"""Measure whole processes and report the numbers: the generic half of the benchmark suite.

Every benchmark runs a program as a separate process, the way a user starts it, so start-up,
imports and teardown are part of what is measured. For each run this module records:

* **wall time**: from just before ``fork`` to the moment ``wait4`` returns;
* **user and system CPU time** of the process and every child it waited for;
* **peak RSS** in two forms. ``max_rss_kib`` is the kernel's high-water mark: the peak of the
  single largest process (the program, or one of its waited-for children). That is exact for
  single-process programs such as newsboat (threads share one RSS) but undercounts a program
  that works in several processes at once, so ``tree_rss_kib`` adds a sampled peak of the
  *sum* of RSS over the whole process tree (read from ``/proc`` every ``sample_interval``
  seconds; it can miss a spike shorter than that, and counts pages shared between processes
  once per process, i.e. it errs high). The same sampler sums **PSS** (``tree_pss_kib``,
  from ``/proc/PID/smaps_rollup``): each shared page split between the processes sharing
  it, so a program's forked workers are not charged again for the pages they share with
  the process they were forked from. For one process PSS is at most its RSS.

  The high-water mark is read through GNU ``/usr/bin/time`` (Debian package ``time``), not
  from this process's own ``wait4``: Linux carries a process's peak RSS across ``exec``, so a
  child forked from this Python process (tens of MB, more with an in-process feed server)
  would report at least the harness's own size. ``time`` is a 2 MB process, so the program it
  forks starts from almost nothing. Without ``/usr/bin/time`` the harness falls back to
  ``wait4`` and says so in ``Run.rss_source``.

Comparisons are made **pair by pair in the same run**: ``paired`` alternates the two programs
(A B, B A, A B, ...) so that drift on a shared 2-core machine (thermal, page cache, other
work) falls on both sides, and reports the median, minimum and maximum of the per-pair ratios
as well as each side's own figures.

The table printer uses Rich when it is installed and plain aligned text otherwise; results are
written as JSON with ``write_json``. Nothing here knows about termnews or newsboat.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import json
import math
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
GNU_TIME = "/usr/bin/time"


class RunFailed(RuntimeError):
    """A measured command exited with an error or timed out."""

    def __init__(self, run: Run, reason: str) -> None:
        tail = (run.stderr or run.stdout).strip().splitlines()[-5:]
        super().__init__(f"{' '.join(run.cmd)}: {reason}\n" + "\n".join(tail))
        self.run = run


@dataclass(frozen=True)
class Run:
    """One measured execution of a command."""

    cmd: tuple[str, ...]
    wall_s: float
    user_s: float
    sys_s: float
    max_rss_kib: int
    tree_rss_kib: int | None
    returncode: int
    timed_out: bool
    rss_source: str
    stdout: str = field(repr=False)
    stderr: str = field(repr=False)
    tree_pss_kib: int | None = None
    """The sampled peak of PSS summed over the tree (see the module docstring)."""

    @property
    def cpu_s(self) -> float:
        return self.user_s + self.sys_s

    @property
    def peak_rss_kib(self) -> int:
        """The best available peak: the sampled tree sum if taken, else wait4's."""
        return max(self.max_rss_kib, self.tree_rss_kib or 0)


@dataclass(frozen=True)
class Summary:
    """Median, extremes and p95 of a list of measurements."""

    values: tuple[float, ...]
    median: float
    min: float
    max: float
    p95: float

    @classmethod
    def of(cls, values: Iterable[float]) -> Summary:
        vals = tuple(values)
        if not vals:
            nan = float("nan")
            return cls((), nan, nan, nan, nan)
        return cls(vals, statistics.median(vals), min(vals), max(vals), percentile(vals, 95))

    def fmt(self, unit: str = "s", digits: int = 2) -> str:
        """``median (min-max)``, the form the results tables use."""
        if not self.values:
            return "n/a"
        if len(self.values) == 1:
            return f"{self.median:.{digits}f} {unit}".strip()
        return (
            f"{self.median:.{digits}f} ({self.min:.{digits}f}-{self.max:.{digits}f}) {unit}".strip()
        )


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: a value that was actually observed, never an interpolation."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def module_at_revision(rev: str, relpath: str, folder: Path, name: str) -> ModuleType:
    """The file ``relpath`` of this repository as of git ``rev``, imported as ``name``.

    For side-by-side timings of an earlier revision in one process (the shared
    machine's load then falls on both versions alike). The source is written to
    ``folder``; the module is registered in ``sys.modules`` because dataclasses look
    their module up there.
    """
    source = subprocess.run(
        ["git", "show", f"{rev}:{relpath}"],
        cwd=Path(__file__).resolve().parent.parent,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    path = folder / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# -- running one process ------------------------------------------------------------------


def copy_settled(source: Path, dest: Path) -> None:
    """Copy a cache snapshot into place and flush it to disk before the measured run.

    A plain copy leaves the whole file (900 MB at 100,000 articles) as dirty pages in the
    kernel; the measured program's first ``fsync`` on that file (a SQLite commit or
    checkpoint) then waits for all of them to be written. That made termnews's all-304
    refresh over 100,000 articles look 0.3 s slower than over an empty cache (1.61 against
    1.29 s; 1.25 against 1.24 s with the copy flushed first, session 12): a cost of the test
    rig, not of either program, and one a user's long-settled cache never pays.
    """
    import shutil

    shutil.copyfile(source, dest)
    fd = os.open(dest, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def child_pids(pid: int) -> list[int]:
    """The direct children of ``pid``, from /proc (empty once it is gone)."""
    kids: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return kids
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                kids.extend(int(k) for k in fh.read().split())
        except OSError:
            continue
    return kids


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * PAGE_KIB
    except (OSError, IndexError, ValueError):
        return 0


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    return 0


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    todo = [pid]
    seen: list[int] = []
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.append(p)
        todo.extend(child_pids(p))
    return seen


def tree_rss_kib(pid: int, *, include_root: bool = True) -> int:
    """Current RSS summed over ``pid`` (unless excluded) and all its descendants."""
    return sum(_rss_kib(p) for p in _tree(pid) if include_root or p != pid)


def tree_pss_kib(pid: int, *, include_root: bool = True) -> int:
    """Current PSS summed over ``pid`` (unless excluded) and all its descendants."""
    return sum(_pss_kib(p) for p in _tree(pid) if include_root or p != pid)


class _TreeSampler(threading.Thread):
    def __init__(self, pid: int, interval: float, include_root: bool) -> None:
        super().__init__(daemon=True, name=f"rss-sampler-{pid}")
        self.pid = pid
        self.interval = interval
        self.include_root = include_root
        self.peak = 0
        self.peak_pss = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            pids = [p for p in _tree(self.pid) if self.include_root or p != self.pid]
            self.peak = max(self.peak, sum(map(_rss_kib, pids)))
            self.peak_pss = max(self.peak_pss, sum(map(_pss_kib, pids)))
            self.done.wait(self.interval)


def _parse_time_output(text: str) -> int | None:
    """The ``%M`` line GNU time wrote last (earlier lines report exit status or signals)."""
    for line in reversed(text.strip().splitlines()):
        if line.strip().isdigit():
            return int(line.strip())
    return None


def run_process(
    cmd: Sequence[str | os.PathLike[str]],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    timeout: float = 900,
    stdin: str | None = None,
    sample_tree: bool = False,
    sample_interval: float = 0.02,
    check: bool = True,
) -> Run:
    """Run ``cmd`` to completion as its own process group and measure it.

    Output goes to temporary files rather than pipes, so a chatty program cannot block on a
    full pipe and the harness does no work while the program runs (only the optional RSS
    sampler thread wakes up). On timeout the whole process group is killed.
    """
    args = tuple(os.fspath(c) for c in cmd)
    use_time = os.access(GNU_TIME, os.X_OK)
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryFile() as inp,
        tempfile.NamedTemporaryFile(mode="r", suffix=".time") as time_out,
    ):
        argv = (GNU_TIME, "-o", time_out.name, "-f", "%M", *args) if use_time else args
        if stdin is not None:
            inp.write(stdin.encode())
            inp.seek(0)
        timed_out = threading.Event()
        started = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            stdin=inp if stdin is not None else subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            start_new_session=True,
        )

        def _kill() -> None:
            timed_out.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        killer = threading.Timer(timeout, _kill)
        killer.daemon = True
        killer.start()
        sampler = (
            _TreeSampler(proc.pid, sample_interval, include_root=not use_time)
            if sample_tree
            else None
        )
        if sampler is not None:
            sampler.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            wall = time.perf_counter() - started
            killer.cancel()
            if sampler is not None:
                sampler.done.set()
                sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        # Grandchildren left behind would skew the next run; clean up the group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        out.seek(0)
        err.seek(0)
        time_rss = _parse_time_output(time_out.read()) if use_time else None
        run = Run(
            cmd=args,
            wall_s=wall,
            user_s=usage.ru_utime,
            sys_s=usage.ru_stime,
            # ru_maxrss is in KiB on Linux; see the module docstring for why time's is better.
            max_rss_kib=time_rss if time_rss is not None else usage.ru_maxrss,
            tree_rss_kib=sampler.peak if sampler is not None else None,
            tree_pss_kib=sampler.peak_pss if sampler is not None else None,
            returncode=proc.returncode,
            timed_out=timed_out.is_set(),
            rss_source="time" if time_rss is not None else "wait4 (includes harness RSS)",
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )
    if check and run.timed_out:
        raise RunFailed(run, f"timed out after {timeout} s")
    if check and run.returncode != 0:
        raise RunFailed(run, f"exit status {run.returncode}")
    return run


# -- repeating and comparing --------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """Several runs of one benchmark."""

    name: str
    runs: tuple[Run, ...]

    @property
    def wall(self) -> Summary:
        return Summary.of(r.wall_s for r in self.runs)

    @property
    def cpu(self) -> Summary:
        return Summary.of(r.cpu_s for r in self.runs)

    @property
    def rss_mib(self) -> Summary:
        return Summary.of(r.peak_rss_kib / 1024 for r in self.runs)

    @property
    def pss_mib(self) -> Summary | None:
        """The sampled tree PSS peaks, when every run sampled them."""
        if not self.runs or any(r.tree_pss_kib is None for r in self.runs):
            return None
        return Summary.of((r.tree_pss_kib or 0) / 1024 for r in self.runs)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "cmd": list(self.runs[0].cmd) if self.runs else [],
            "wall_s": summary_json(self.wall),
            "cpu_s": summary_json(self.cpu),
            "peak_rss_mib": summary_json(self.rss_mib),
            "peak_pss_mib": None if self.pss_mib is None else summary_json(self.pss_mib),
        }


def repeat(
    name: str,
    measure: Callable[[int], Run],
    runs: int = 5,
    setup: Callable[[int], None] | None = None,
) -> Series:
    """Call ``setup(i)`` (not measured) then ``measure(i)`` for i in range(runs)."""
    results = []
    for i in range(runs):
        if setup is not None:
            setup(i)
        results.append(measure(i))
    return Series(name, tuple(results))


@dataclass(frozen=True)
class Pair:
    """Two programs doing the same work, measured alternately in the same run."""

    name: str
    a: Series
    b: Series

    def ratio(self, metric: Callable[[Run], float] = lambda r: r.wall_s) -> Summary:
        """Per-pair ratio a/b (e.g. termnews/newsboat): below 1 means a is faster.

        No ratio (an empty summary) when one side was not run (``--no-newsboat``).
        """
        if not self.a.runs or not self.b.runs:
            return Summary.of(())
        return Summary.of(
            metric(x) / metric(y) if metric(y) else float("inf")
            for x, y in zip(self.a.runs, self.b.runs, strict=True)
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "a": self.a.to_json(),
            "b": self.b.to_json(),
            "ratio_wall": summary_json(self.ratio()),
            "ratio_rss": summary_json(self.ratio(lambda r: r.peak_rss_kib)),
        }


def paired(
    name: str,
    a: tuple[str, Callable[[int], Run]],
    b: tuple[str, Callable[[int], Run]],
    runs: int = 5,
    setup_a: Callable[[int], None] | None = None,
    setup_b: Callable[[int], None] | None = None,
) -> Pair:
    """Measure ``a`` and ``b`` alternately (AB, BA, AB, ...), ``runs`` pairs.

    Each side's ``setup`` runs before each of its measurements and is not timed (for example
    restoring a cache copy so every refresh starts from the same state).
    """
    a_runs: list[Run] = []
    b_runs: list[Run] = []
    for i in range(runs):
        order = [(a, setup_a, a_runs), (b, setup_b, b_runs)]
        if i % 2:
            order.reverse()
        for (_, fn), setup, sink in order:
            if setup is not None:
                setup(i)
            sink.append(fn(i))
    return Pair(name, Series(a[0], tuple(a_runs)), Series(b[0], tuple(b_runs)))


def target_status(value: float, limit: float, *, lower_is_better: bool = True) -> str:
    """``met`` or ``missed by N%``: how a measured figure compares with its target."""
    if math.isnan(value):
        return "not measured"
    ok = value <= limit if lower_is_better else value >= limit
    if ok:
        return "met"
    off = (value / limit - 1) * 100 if lower_is_better else (1 - value / limit) * 100
    return f"missed by {off:.0f}%"


# -- reporting ----------------------------------------------------------------------------


def summary_json(s: Summary) -> dict[str, Any]:
    def num(x: float) -> float | None:
        return None if math.isnan(x) or math.isinf(x) else round(x, 4)

    return {
        "median": num(s.median),
        "min": num(s.min),
        "max": num(s.max),
        "p95": num(s.p95),
        "values": [num(v) for v in s.values],
    }


def _jsonable(obj: Any) -> Any:
    if hasattr(obj, "to_json"):
        return obj.to_json()
    if isinstance(obj, Summary):
        return summary_json(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, float) and (math.isnan(obj) or math.isinf(obj)):
        return None
    return obj


def write_json(path: str | os.PathLike[str], data: Any) -> None:
    """Write results (dataclasses, Series, Pair, Summary, plain data) as indented JSON."""
    Path(path).write_text(
        json.dumps(_jsonable(data), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def render_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Plain-text table with aligned columns (used when Rich is absent, and in RESULTS.md)."""
    cells = [[str(c) for c in columns], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    lines = [title] if title else []
    for n, row in enumerate(cells):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def render_markdown_table(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub-flavoured Markdown table, for RESULTS.md."""
    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def print_table(
    title: str, columns: Sequence[str], rows: Sequence[Sequence[object]], *, plain: bool = False
) -> None:
    """Print a table to stdout, with Rich when available and wanted."""
    if not plain:
        try:
            from rich.console import Console
            from rich.table import Table
        except ImportError:
            plain = True
    if plain:
        print(render_table(title, columns, rows))
        return
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        # Cells are our own numbers and labels, but render them as text, not markup.
        from rich.text import Text

        table.add_row(*(Text(str(c)) for c in row))
    Console().print(table)


def fmt_mib(kib: float) -> str:
    return f"{kib / 1024:.0f} MB"


# -- environment --------------------------------------------------------------------------


def machine_info() -> dict[str, Any]:
    """What RESULTS.md must state about the machine a run was made on."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kib = 0
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    distro = platform.system()
    with contextlib.suppress(OSError):
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                distro = line.split("=", 1)[1].strip('"')
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "os": distro,
        "kernel": platform.release(),
        "python": sys.version.split()[0],
    }


def tool_version(cmd: Sequence[str]) -> str:
    """First line of ``cmd``'s output (e.g. ``["newsboat", "--version"]``), or 'missing'."""
    try:
        proc = subprocess.run(list(cmd), capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "missing"
    text = (proc.stdout or proc.stderr).strip()
    return text.splitlines()[0] if text else "unknown"
