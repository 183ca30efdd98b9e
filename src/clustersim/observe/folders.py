"""Folders that several processes write into: a run's own folder, and locks held while writing.

Two runs started in the same second, or two launches of one sweep, must not write into each
other's files. Both rules below are decided by the operating system in one step, never by
looking first and creating afterwards, and neither can be left stuck by a killed process.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: byte-range locks of msvcrt instead
    fcntl = None
    import msvcrt


def claim_dir(path: str | Path) -> Path:
    """Create and return a new, empty folder at ``path``, or at ``path-1``, ``path-2``, ... if
    that name is taken. ``os.mkdir`` fails if the folder exists, so of any number of processes
    claiming the same name at once each gets a folder of its own."""
    path = Path(os.path.abspath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    k = 0
    while True:
        candidate = path if k == 0 else path.with_name(f"{path.name}-{k}")
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            k += 1


def _try_lock(fd: int) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        return True
    except OSError:
        return False


@contextmanager
def file_lock(path: str | Path, wait: bool = True, poll: float = 0.1) -> Iterator[bool]:
    """Hold an exclusive lock on the file ``path`` (created if missing) for the ``with`` block.

    Yields True once held; with ``wait=False`` yields False at once if another process holds it.
    The lock belongs to the open file, so the operating system drops it when its holder exits or
    is killed: a lock file left behind never blocks anyone. The holder writes its pid into the
    file for messages (:func:`lock_holder`)."""
    path = Path(path)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        held = _try_lock(fd)
        while wait and not held:
            time.sleep(poll)
            held = _try_lock(fd)
        if held and fcntl is not None:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield held
    finally:
        os.close(fd)  # closing releases the lock


def lock_holder(path: str | Path) -> str:
    """The pid recorded in a lock file, or ``?`` if none can be read."""
    try:
        return Path(path).read_text().strip() or "?"
    except OSError:
        return "?"
