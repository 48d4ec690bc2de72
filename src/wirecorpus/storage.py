"""Safe writes: every file whole or not at all, and one lock for the repository.

Every command that writes to a repository writes through here. A file is
written to a hidden temporary sibling (``.<name>.XXXX``), flushed and renamed
into place, so a killed command leaves the old file or the new one, never half
of one. Read-modify-write of shared files (``corpus/splits.json``) and the
checks that decide what to write (is this article new? is this annotation file
there already?) run under :func:`repository_lock`, so that two commands started
together cannot both decide on the same stale view and lose each other's work.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from .errors import RepositoryError

LOCK_NAME = ".wirecorpus.lock"
# Long enough for another command's write phase; a stuck holder is named, not waited on forever.
LOCK_TIMEOUT_SECONDS = 600


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write a file whole or not at all: a temporary sibling, flushed to disk, then a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text (``\\n`` line ends as given) whole or not at all."""
    write_bytes_atomic(path, text.encode("utf-8"))


# One lock object per lock file, so that a step holding the lock can call another that takes it
# (a FileLock counts nested acquisitions; two objects on one file would wait for each other).
_LOCKS: dict[str, FileLock] = {}


@contextlib.contextmanager
def repository_lock(root: Path, *, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold the repository's write lock (``.wirecorpus.lock`` at its root) for the block; re-entrant."""
    path = Path(root).resolve() / LOCK_NAME
    lock = _LOCKS.setdefault(str(path), FileLock(str(path), timeout=timeout))
    try:
        with lock:
            yield
    except Timeout:
        raise RepositoryError(
            f"{path}: another wirecorpus command has held the repository's write lock for {timeout:.0f} s; "
            "wait for it to finish (or remove the file if no command is running)"
        ) from None
