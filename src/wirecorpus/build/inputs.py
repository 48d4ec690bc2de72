"""What a build reads, checked cheaply: every input file's size and mtime, and a fingerprint of the code.

A build's inputs are every file under ``corpus/`` and ``annotations/`` (the
survey of the layout looks at all of them, not only the records), the files
the dataset card quotes (:data:`wirecorpus.card.INPUT_PATHS`), the version,
and the code and libraries that turn files into rows and Parquet bytes
(:func:`fingerprint`).

:func:`list_inputs` is one pass over the input folders: ``scandir`` on a
folder's descriptor and one ``stat`` per file, which is most of its cost
(about 3 µs a file here). The files go, a block at a time, into an
:class:`~wirecorpus.sorted_runs.ExternalSort` of (path, size, mtime) rows,
and are merged back sorted by path into a temporary file, which the build
then reads a block at a time: a folder may hold a file per article, so not
even one folder's names are kept whole. The :attr:`Listing.digest`
covers every path, size and mtime, so an unchanged repository is recognised
by comparing one string; else the sorted listing is matched with the
record's files, which are sorted by path too (:func:`changed_paths`, with
:func:`~wirecorpus.sorted_runs.left_join` both ways: the files added or
changed, and the files removed). A file whose size or mtime differs is
hashed, and counts as changed only if its content does: a file touched, or
checked out again, is not a change.

A million articles are some two or three million files, so what this module
holds does not grow with them: a run of rows while they are sorted (:data:`RUN_ROWS`),
a block of each run while they are merged, and the paths that changed. The SHA-256s
the build learns (files hashed here, files the workers read) wait in sorters
of their own, and the record's table is written from the sorted listing a
batch at a time (:meth:`Listing.batches`).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from .. import card, layout
from ..article_ids import byte_array, encoded
from ..sorted_runs import ExternalSort, left_join

# Bumped when what the record holds changes meaning (3: the input files sorted by path, and the listing's digest over them).
RECORD_FORMAT = 3
INPUT_FOLDERS = (layout.CORPUS_DIR, layout.ANNOTATIONS_DIR)
# The libraries whose versions the output bytes depend on (Parquet writer, tokenizer, features, Croissant).
LIBRARIES = ("pyarrow", "spacy", "datasets", "mlcroissant")
PACKAGE_DIR = Path(__file__).resolve().parents[1]
DIGEST_BYTES = 32
UNREADABLE = bytes(DIGEST_BYTES)  # the digest of a file that cannot be read: never a real one
# How the record keeps the input files (sorted by path).
INPUTS_SCHEMA = pa.schema([("path", pa.string()), ("size", pa.int64()), ("mtime_ns", pa.int64()), ("sha256", pa.binary(DIGEST_BYTES))])
# Files stat'd before they go to the sorter together, read back, and written to the record or read from it at a time.
LIST_BLOCK = 1 << 13
# Rows sorted in memory at a time. A row here holds a path and a size and mtime, or a digest (100 to
# 130 bytes), where the sorter's own runs are sized for ids: a run of 2**16 rows is some 8 MB, and
# two or three times that while it is sorted.
RUN_ROWS = 1 << 16
_DIGEST_FIELD = ("sha256", np.uint8, (DIGEST_BYTES,))


def listed_rows(width: int) -> np.dtype:
    """A listed file: its path (UTF-8, relative to the repository), size and mtime (ns)."""
    return np.dtype([("path", f"S{max(width, 1)}"), ("size", "<i8"), ("mtime_ns", "<i8")])


def digest_rows(width: int) -> np.dtype:
    """A file's SHA-256, by path."""
    return np.dtype([("path", f"S{max(width, 1)}"), _DIGEST_FIELD])


def recorded_rows(width: int) -> np.dtype:
    """A file as the record keeps it (:data:`INPUTS_SCHEMA`)."""
    return np.dtype([*listed_rows(width).descr, _DIGEST_FIELD])


def _sorter() -> ExternalSort:
    # The sizes as they are when the sorter is made, so that a test can set them small and send the rows to disk.
    return ExternalSort(run_rows=RUN_ROWS, block_rows=LIST_BLOCK)


class Listing:
    """Every input file with its size and mtime, sorted by path, and one digest of them all; and the
    SHA-256s of files that this build learns: those hashed when the listing was compared with the
    record (:func:`changed_paths`), and those the workers read.

    The sorted files are kept in one temporary file (no name on disk, so gone with the process
    whatever happens), each row as wide as the longest path: the build reads them two or three
    times, and merging the sorter's runs each time would sort them again. A context manager whose
    exit deletes the file and the sorters' runs.
    """

    def __init__(self, files: Iterable[np.ndarray], rows: int, width: int) -> None:
        self.rows = rows
        self.dtype = listed_rows(width)
        self._file = tempfile.TemporaryFile(prefix="wirecorpus-listing-")
        # Each row as wide as the longest path, so that the digest does not depend on where the blocks end.
        digest = hashlib.sha256(f"{rows}\0{width}\0".encode())
        for block in files:
            data = block.astype(self.dtype, copy=False).tobytes()
            digest.update(data)
            self._file.write(data)
        self._file.flush()
        self.digest = digest.hexdigest()
        self.hashed = _sorter()
        self.read = _sorter()

    def __enter__(self) -> Listing:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()
        self.hashed.close()
        self.read.close()

    def __len__(self) -> int:
        return self.rows

    def blocks(self) -> Iterator[np.ndarray]:
        """The files (:func:`listed_rows`), sorted by path, :data:`LIST_BLOCK` at a time (read-only arrays)."""
        for start in range(0, self.rows, LIST_BLOCK):
            count = min(LIST_BLOCK, self.rows - start)
            data = os.pread(self._file.fileno(), count * self.dtype.itemsize, start * self.dtype.itemsize)
            yield np.frombuffer(data, dtype=self.dtype)

    def add_read(self, paths: list[str], digests: bytes) -> None:
        """The SHA-256s (32 bytes each, one after the other) of files a worker read, by path relative to the repository."""
        names = byte_array([encoded(path) for path in paths])
        rows = np.empty(len(paths), digest_rows(names.itemsize))
        rows["path"] = names
        rows["sha256"] = np.frombuffer(digests, dtype=np.uint8).reshape(-1, DIGEST_BYTES)
        self.read.add(rows)

    def batches(self, root: Path, recorded: pa.Table | None) -> Iterator[pa.RecordBatch]:
        """The files as the record keeps them (:data:`INPUTS_SCHEMA`), :data:`LIST_BLOCK` at a time.
        A file's SHA-256 is the one a worker read, else the one hashed when the listing was
        compared, else the ``recorded`` one if its size and mtime are the same, else it is hashed now."""
        files = _fill(_with_digests(self.blocks()), self.read.blocks())
        files = _fill(files, self.hashed.blocks())
        if recorded is not None:
            files = _fill(files, recorded_blocks(recorded), unmoved=True)
        for block in files:
            for row in np.flatnonzero(~block["sha256"].any(axis=1)).tolist():  # UNREADABLE, all zeros, is tried again
                block["sha256"][row] = np.frombuffer(hash_file(root, _path(block["path"][row])), dtype=np.uint8)
            columns = [path_array(block["path"]), pa.array(block["size"], pa.int64()), pa.array(block["mtime_ns"], pa.int64()), digest_array(block["sha256"])]
            yield pa.RecordBatch.from_arrays(columns, schema=INPUTS_SCHEMA)


def _with_digests(blocks: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
    """Listed files with a SHA-256 each, all zeros (not known yet)."""
    for block in blocks:
        rows = np.zeros(len(block), recorded_rows(block.dtype["path"].itemsize))
        for name in ("path", "size", "mtime_ns"):
            rows[name] = block[name]
        yield rows


def _fill(files: Iterable[np.ndarray], known: Iterable[np.ndarray], *, unmoved: bool = False) -> Iterator[np.ndarray]:
    """The files (sorted by path) with the SHA-256s of ``known`` (sorted by path, each once) where theirs is not
    known yet; ``unmoved``: only where the size and mtime are ``known``'s too."""
    for block, found, matched in left_join(files, known, key="path", right_dtype=recorded_rows(1)):
        at = np.flatnonzero(found)
        if unmoved:
            same = (matched["size"] == block["size"][at]) & (matched["mtime_ns"] == block["mtime_ns"][at])
            at, matched = at[same], matched[same]
        unknown = ~block["sha256"][at].any(axis=1)
        block["sha256"][at[unknown]] = matched["sha256"][unknown]
        yield block


def path_array(paths: np.ndarray) -> pa.Array:
    """Paths (UTF-8 in a NumPy byte array; none holds a NUL byte) as an Arrow string array."""
    data = np.ascontiguousarray(paths).view(np.uint8).reshape(len(paths), paths.itemsize)
    present = data != 0
    offsets = np.zeros(len(paths) + 1, dtype=np.int32)
    np.cumsum(present.sum(axis=1), out=offsets[1:])
    joined = pa.Array.from_buffers(pa.binary(), len(paths), [None, pa.py_buffer(offsets), pa.py_buffer(data[present])])
    return joined.cast(pa.string())


def path_bytes(paths: pa.Array) -> np.ndarray:
    """An Arrow string array (with no nulls) as a NumPy byte array, as wide as its longest string."""
    offsets = np.frombuffer(paths.buffers()[1], dtype=np.int32)[paths.offset : paths.offset + len(paths) + 1]
    lengths = np.diff(offsets)
    width = max(int(lengths.max(initial=0)), 1)
    data = np.zeros((len(paths), width), dtype=np.uint8)
    if len(paths) and offsets[-1] > offsets[0]:
        data[np.arange(width) < lengths[:, None]] = np.frombuffer(paths.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    return data.view(f"S{width}").reshape(len(paths))


def recorded_blocks(recorded: pa.Table) -> Iterator[np.ndarray]:
    """A record's files (:data:`INPUTS_SCHEMA`; sorted by path) as rows of :func:`recorded_rows`, :data:`LIST_BLOCK` at most at a time."""
    for whole in recorded.to_batches():
        for start in range(0, whole.num_rows, LIST_BLOCK):
            yield _recorded_rows(whole.slice(start, LIST_BLOCK))


def _recorded_rows(batch: pa.RecordBatch) -> np.ndarray:
    paths = path_bytes(batch.column("path"))
    rows = np.empty(batch.num_rows, recorded_rows(paths.itemsize))
    rows["path"] = paths
    rows["size"] = batch.column("size").to_numpy()
    rows["mtime_ns"] = batch.column("mtime_ns").to_numpy()
    rows["sha256"] = digest_matrix(batch.column("sha256"))
    return rows


def digest_array(digests: np.ndarray) -> pa.FixedSizeBinaryArray:
    """Rows of 32 bytes as an Arrow array."""
    data = pa.py_buffer(np.ascontiguousarray(digests, dtype=np.uint8))
    return pa.FixedSizeBinaryArray.from_buffers(pa.binary(DIGEST_BYTES), len(digests), [None, data])


def digest_matrix(column: pa.Array) -> np.ndarray:
    """An Arrow array of 32-byte digests as rows of a NumPy array."""
    data = np.frombuffer(column.buffers()[1], dtype=np.uint8) if len(column) else np.zeros(0, dtype=np.uint8)
    return data[column.offset * DIGEST_BYTES : (column.offset + len(column)) * DIGEST_BYTES].reshape(-1, DIGEST_BYTES)


def list_inputs(root: Path) -> Listing:
    """The repository's input files as they are now (see the module docstring)."""
    with _sorter() as files:
        width = 0
        for block in _listed_blocks(_input_files(Path(root))):
            files.add(block)
            width = max(width, block.dtype["path"].itemsize)
        return Listing(files.blocks(), len(files), width)


def _listed_blocks(found: Iterable[tuple[bytes, int, int]]) -> Iterator[np.ndarray]:
    """(path, size, mtime) triples as rows of :func:`listed_rows`, :data:`LIST_BLOCK` at a time."""
    found = iter(found)
    while block := [entry for _, entry in zip(range(LIST_BLOCK), found)]:
        paths = byte_array([path for path, _, _ in block])
        rows = np.empty(len(block), listed_rows(paths.itemsize))
        rows["path"] = paths
        rows["size"] = [size for _, size, _ in block]
        rows["mtime_ns"] = [mtime for _, _, mtime in block]
        yield rows


def _input_files(root: Path) -> Iterator[tuple[bytes, int, int]]:
    """Every input file's path (relative to the repository, encoded), size and mtime, in no particular order."""
    for path in card.INPUT_PATHS:
        try:
            stat = os.stat(root / path)
        except OSError:
            continue
        yield encoded(path.as_posix()), stat.st_size, stat.st_mtime_ns
    pending = [top.as_posix() for top in INPUT_FOLDERS if (root / top).is_dir()]
    while pending:
        relpath = pending.pop()
        handle = os.open(root / relpath, os.O_RDONLY | os.O_DIRECTORY)
        try:
            with os.scandir(handle) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(f"{relpath}/{entry.name}")
                        continue
                    try:
                        stat = entry.stat()
                    except OSError:  # a broken link: listed, so that the build gets to name it
                        stat = os.stat_result((0,) * 10)
                    yield encoded(f"{relpath}/{entry.name}"), stat.st_size, stat.st_mtime_ns
        finally:
            os.close(handle)


def _path(encoded_path: bytes) -> str:
    return encoded_path.decode("utf-8", "surrogateescape")


def content_digest(data: bytes) -> bytes:
    """A file's SHA-256, as 32 bytes (the record keeps one for every input file)."""
    return hashlib.sha256(data).digest()


def hash_file(root: Path, relpath: str) -> bytes:
    """A file's SHA-256, or :data:`UNREADABLE`."""
    try:
        return content_digest((Path(root) / relpath).read_bytes())
    except OSError:
        return UNREADABLE


@dataclass(frozen=True)
class Changes:
    """How the inputs differ from a record's: the paths added, removed or with other content; whether
    the paths are the record's (none added or removed). The SHA-256s of the files hashed to tell are
    kept in the listing (:attr:`Listing.hashed`)."""

    changed: frozenset[str]
    same_paths: bool


def changed_paths(root: Path, listing: Listing, recorded: pa.Table) -> Changes:
    """Compare the listing with the recorded files (both sorted by path), hashing only those whose size or mtime differ."""
    changed: set[str] = set()
    added = kept = 0
    for block, found, matched in left_join(listing.blocks(), recorded_blocks(recorded), key="path", right_dtype=recorded_rows(1)):
        at = np.flatnonzero(found)
        moved = np.ones(len(block), dtype=bool)
        moved[at] = (matched["size"] != block["size"][at]) | (matched["mtime_ns"] != block["mtime_ns"][at])
        before = np.zeros((len(block), DIGEST_BYTES), dtype=np.uint8)
        before[at] = matched["sha256"]
        rows = np.flatnonzero(moved)
        hashed = np.empty(len(rows), digest_rows(block.dtype["path"].itemsize))
        hashed["path"] = block["path"][rows]
        for index, row in enumerate(rows.tolist()):
            digest = hash_file(root, _path(block["path"][row]))
            if not found[row] or digest != before[row].tobytes() or digest == UNREADABLE:
                changed.add(_path(block["path"][row]))
            hashed["sha256"][index] = np.frombuffer(digest, dtype=np.uint8)
        listing.hashed.add(hashed)
        added += len(block) - len(at)
        kept += len(at)
    # Each path is listed once: when every recorded one was found, none was removed.
    removed = _removed(listing, recorded) if kept < recorded.num_rows else set()
    return Changes(frozenset(changed | removed), same_paths=not added and not removed)


def _removed(listing: Listing, recorded: pa.Table) -> set[str]:
    """The recorded paths that the listing no longer has."""
    removed: set[str] = set()
    for block, found, _ in left_join(recorded_blocks(recorded), listing.blocks(), key="path", right_dtype=listed_rows(1)):
        removed.update(_path(path) for path in block["path"][~found].tolist())
    return removed


def fingerprint(version: str) -> str:
    """What, besides the files, the output bytes depend on: the version, Python's and the libraries'
    versions, and the package's own files."""
    digest = hashlib.sha256(f"{RECORD_FORMAT}\0{version}\0{sys.version_info[:2]}".encode())
    for library in LIBRARIES:
        try:
            digest.update(f"\0{library}={importlib.metadata.version(library)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"\0{library}=none".encode())
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(f"\0{path.relative_to(PACKAGE_DIR).as_posix()}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
