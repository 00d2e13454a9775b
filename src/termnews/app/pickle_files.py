"""What the reader's two start-up caches (stylesheet, article body) share.

Both keep something parsed in the user cache dir as pickles, valid only while the code
that shaped it is unchanged (:func:`module_signature`), and both replace their file
atomically (:func:`write_pickles`) so a crash or a second reader never leaves half a file.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

Signature = dict[str, tuple[str, int, int]]
"""Module name -> (file, size, mtime in ns) of the file it was imported from."""


def module_signature(names: Iterable[str]) -> Signature | None:
    """Where each module was loaded from, with its size and time (None: unknown)."""
    signature: Signature = {}
    for name in sorted(names):
        filename = getattr(sys.modules.get(name), "__file__", None)
        if not filename:
            return None
        try:
            stat = os.stat(filename)
        except OSError:
            return None
        signature[name] = (filename, stat.st_size, stat.st_mtime_ns)
    return signature


def write_pickles(path: Path, prefix: str, *objects: object) -> bool:
    """Pickle ``objects`` one after another into ``path``, atomically; False on an OS error.

    A cache that cannot be written costs the next start its time, never its correctness,
    so errors are swallowed here and the caller only learns whether the file is there.
    """
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=prefix, dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            for obj in objects:
                pickle.dump(obj, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        tmp = None
        return True
    except OSError:
        return False
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
