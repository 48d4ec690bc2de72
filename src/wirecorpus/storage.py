"""Safe writes: every file whole or not at all, and one lock for the repository.

Every command that writes to a repository writes through here. A file is
written to a hidden temporary sibling (``.<name>.XXXX``), flushed and renamed
into place, so a killed command leaves the old file or the new one, never half
of one. Read-modify-write of shared files (``corpus/splits.json``) and the
checks that decide what to write (is this article new? is this annotation file
there already?) run under :func:`repository_lock`, so that two commands started
together cannot both decide on the same stale view and lose each other's work.
:func:`file_lock` is the same for any other lock file (the build's, in ``dist/``).

What the system refuses (a folder that is a file, a read-only folder, a full
disk) is a :class:`~wirecorpus.errors.WriteError` naming the path, never a
traceback; a command that writes several files checks them all with
:func:`write_new_files` before writing any. A command that writes thousands
of files at once writes them with :func:`write_files_durably`: one flush to
disk for the whole batch instead of one per file, each file still whole or absent.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from .errors import RepositoryError, WirecorpusError, WriteError

LOCK_NAME = ".wirecorpus.lock"
# Long enough for another command's write phase; a stuck holder is named, not waited on forever.
LOCK_TIMEOUT_SECONDS = 600


def check_folder(folder: Path) -> None:
    """A folder is there or can be made: no file stands where it or a parent of it goes
    (:class:`WriteError` otherwise). Nothing is made, so a command can check every folder
    it will write into before it writes anything."""
    folder = Path(folder)
    for path in (folder, *folder.parents):
        if path.exists():
            if not path.is_dir():
                raise WriteError(f"{folder}: cannot make the folder: {path} is a file, not a folder")
            return


def make_folder(folder: Path) -> None:
    """Make a folder and its parents; a :class:`WriteError` says which path is in the way."""
    check_folder(folder)
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"{folder}: cannot make the folder: {exc.strerror or exc}") from None


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write a file whole or not at all: a temporary sibling, flushed to disk, then a rename."""
    path = _file_to_write(path)
    temporary = _temporary_sibling(path, data, flush=True)
    _rename_into_place({path: temporary})


def write_files_durably(files: dict[Path, bytes]) -> None:
    """Write many files, each whole or not at all, with one flush to disk for all of them.

    An fsync per file costs a disk round trip each (some 80 files/s), so a batch is
    written to temporary siblings, made durable by one ``os.sync()``, and only then
    renamed into place; the folders are flushed last, so the renames are on disk
    when this returns. A run killed at any point leaves each file whole or absent.
    """
    if not files:
        return  # nothing to flush: os.sync() would wait for the whole machine's writes for nothing
    targets = {_file_to_write(path): data for path, data in files.items()}
    temporaries: dict[Path, str] = {}
    try:
        for path, data in targets.items():
            temporaries[path] = _temporary_sibling(path, data, flush=False)
        os.sync()
    except BaseException as exc:
        for temporary in temporaries.values():
            Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise WriteError(f"{next(iter(targets))} and {len(targets) - 1} more: cannot write the files: {exc.strerror or exc}") from None
        raise
    _rename_into_place(temporaries)
    for folder in {path.parent for path in targets}:
        _flush_folder(folder)


def _file_to_write(path: Path) -> Path:
    """``path``, its folder made; a :class:`WriteError` when a folder stands where the file goes."""
    path = Path(path)
    make_folder(path.parent)
    if path.is_dir():
        raise WriteError(f"{path}: cannot write the file: a folder of that name is there")
    return path


def _umask() -> int:
    """The process's umask: from /proc where there is one, since os.umask reads it only by setting it."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_hidden_folder(beside: Path) -> Path:
    """A new, empty hidden folder beside ``beside`` (``.<name>.XXXX``), with the permissions of any
    folder the user makes (tempfile makes it private), for output that is renamed into place."""
    folder = Path(tempfile.mkdtemp(prefix=f".{beside.name}.", dir=beside.parent))
    os.chmod(folder, 0o777 & ~_umask())
    return folder


def _temporary_sibling(path: Path, data: bytes | Iterable[bytes], *, flush: bool) -> str:
    """A new hidden file beside ``path`` holding ``data`` or its chunks (flushed to disk if ``flush``); its name.

    The file is removed if anything goes wrong, the making of a chunk included."""
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise WriteError(f"{path}: cannot write the file: {exc.strerror or exc}") from None
    try:
        # tempfile makes the file private; it is renamed into place, so it gets what open() would give.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            for chunk in [data] if isinstance(data, bytes) else data:
                handle.write(chunk)
            if flush:
                handle.flush()
                os.fsync(handle.fileno())
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise WriteError(f"{path}: cannot write the file: {exc.strerror or exc}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary


def _rename_into_place(temporaries: dict[Path, str]) -> None:
    """Rename each temporary file onto its path; the ones not yet renamed are removed if one fails."""
    pending = dict(temporaries)
    try:
        for path, temporary in temporaries.items():
            try:
                os.replace(temporary, path)
            except OSError as exc:
                raise WriteError(f"{path}: cannot write the file: {exc.strerror or exc}") from None
            del pending[path]
    finally:
        for temporary in pending.values():
            Path(temporary).unlink(missing_ok=True)


def _flush_folder(folder: Path) -> None:
    """Make the renames in a folder durable (its entries are data of their own)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise WriteError(f"{folder}: cannot flush the folder to disk: {exc.strerror or exc}") from None


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text (``\\n`` line ends as given) whole or not at all."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_chunks_atomic(path: Path, chunks: Iterable[bytes]) -> None:
    """Write the bytes the chunks make as :func:`write_bytes_atomic` writes them, a chunk at a time,
    so that the whole file is never in memory."""
    path = _file_to_write(path)
    _rename_into_place({path: _temporary_sibling(path, chunks, flush=True)})


def existing_bytes(path: Path) -> bytes | None:
    """What a file to be written holds now: None when nothing is there; a :class:`WriteError`
    when a folder is there or the file cannot be read (so it can be neither compared nor replaced)."""
    path = Path(path)
    if path.is_dir():
        raise WriteError(f"{path}: a folder is where this file is to be written")
    try:
        return path.read_bytes() if path.exists() else None
    except OSError as exc:
        raise WriteError(f"{path}: cannot read the file there now: {exc.strerror or exc}") from None


def write_new_files(files: dict[Path, bytes], *, error: type[WirecorpusError]) -> list[Path]:
    """Write each file atomically; ``error``, before writing any, if one is there with other contents.

    Each folder is checked first too, so a folder that cannot be made stops the
    command before the first file is written.
    """
    for path, data in files.items():
        if existing_bytes(path) not in (None, data):
            raise error(f"{path}: a different file is there already; remove it or choose another folder")
        check_folder(Path(path).parent)
    for path, data in files.items():
        write_bytes_atomic(path, data)
    return list(files)


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
