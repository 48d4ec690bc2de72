"""Safe writes: every file whole or not at all, and one lock for the repository.

Every command that writes to a repository writes through here. A file is
written to a hidden temporary sibling (``.<name>.XXXX``), flushed and renamed
into place, so a killed command leaves the old file or the new one, never half
of one. Read-modify-write of shared files (``corpus/splits.json``) and the
checks that decide what to write (is this article new? is this annotation file
there already?) run under :func:`repository_lock`, so that two commands started
together cannot both decide on the same stale view and lose each other's work.
:func:`file_lock` is the same for any other lock file (the build's, in ``dist/``).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
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


@contextlib.contextmanager
def file_lock(path: Path, *, holder: str, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if need be) for the block.

    Re-entrant in one thread: a block inside another block on the same lock
    runs under the outer one (a second OS-level lock of this process on the
    same file would wait for the first forever). ``holder`` names who else
    may hold it, for the message when the wait times out.
    """
    path = Path(path).resolve()
    held = _held_locks()
    if path in held:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise RepositoryError(
            f"{path}: {holder} has held this lock for {timeout:.0f} s; "
            "wait for it to finish (or remove the file if no such command is running)"
        ) from None
    held.add(path)
    try:
        yield
    finally:
        held.discard(path)
        lock.release()


def repository_lock(root: Path, *, timeout: float = LOCK_TIMEOUT_SECONDS) -> contextlib.AbstractContextManager[None]:
    """Hold the repository's write lock (``.wirecorpus.lock`` at its root) for the block."""
    return file_lock(Path(root) / LOCK_NAME, holder="another wirecorpus command", timeout=timeout)


_THREAD = threading.local()


def _held_locks() -> set[Path]:
    """The lock files this thread holds."""
    if not hasattr(_THREAD, "held"):
        _THREAD.held = set()
    return _THREAD.held
