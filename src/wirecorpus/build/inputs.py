"""What a build reads, checked cheaply: every input file's size and mtime, and a fingerprint of the code.

A build's inputs are every file under ``corpus/`` and ``annotations/`` (the
survey of the layout looks at all of them, not only the records), the files
the dataset card quotes (:data:`wirecorpus.card.INPUT_PATHS`), the version,
and the code and libraries that turn files into rows and Parquet bytes
(:func:`fingerprint`).

:func:`list_inputs` is one pass over the input folders: ``scandir`` on a
folder's descriptor and one ``stat`` per file, which is most of its cost
(about 3 µs a file here). The files are in listing order: folder by folder
(depth first, subfolders sorted), each folder's files sorted by name. The
:attr:`Listing.digest` covers every path, size and mtime, so an unchanged
repository is recognised by comparing one string; else the listing is
compared with the record's column by column, or, when a path was added or
removed, path by path (:func:`changed_paths`). There a file whose size or
mtime differs is hashed, and counts as changed only if its content does:
a file touched, or checked out again, is not a change.

A million articles are some two or three million files, so nothing here keeps a
Python object per file: names, sizes, mtimes and digests are kept in arrays
(some 75 bytes a file in all), and the record's table is made a batch at a time.
"""

from __future__ import annotations

import bisect
import hashlib
import importlib.metadata
import os
import sys
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import card, layout
from ..article_ids import byte_array, encoded, positions_in

# Bumped when what the record holds changes meaning.
RECORD_FORMAT = 2
INPUT_FOLDERS = (layout.CORPUS_DIR, layout.ANNOTATIONS_DIR)
# The libraries whose versions the output bytes depend on (Parquet writer, tokenizer, features, Croissant).
LIBRARIES = ("pyarrow", "spacy", "datasets", "mlcroissant")
PACKAGE_DIR = Path(__file__).resolve().parents[1]
DIGEST_BYTES = 32
UNREADABLE = bytes(DIGEST_BYTES)  # the digest of a file that cannot be read: never a real one
# How the record keeps the input files (in listing order).
INPUTS_SCHEMA = pa.schema([("path", pa.string()), ("size", pa.int64()), ("mtime_ns", pa.int64()), ("sha256", pa.binary(DIGEST_BYTES))])
# The record's table is made and written this many files at a time.
BATCH_ROWS = 1 << 16


@dataclass(frozen=True)
class Folder:
    """One folder's files: names (UTF-8, in a NumPy array: about 30 bytes a file,
    where a list of str takes 80), sizes and mtimes (ns); sorted by name."""

    relpath: str
    names: np.ndarray
    sizes: np.ndarray
    mtimes: np.ndarray

    def path(self, row: int) -> str:
        name = self.names[row].decode("utf-8", "surrogateescape")
        return f"{self.relpath}/{name}" if self.relpath else name

    def path_array(self, start: int, stop: int) -> pa.Array:
        """The paths of rows ``start`` to ``stop``, relative to the repository."""
        names = pa.array(self.names[start:stop], pa.binary())
        prefix = f"{self.relpath}/" if self.relpath else ""
        return pc.binary_join_element_wise(encoded(prefix), names, b"").cast(pa.string())

    def rows_of(self, names: list[str]) -> np.ndarray:
        """The row of each name, -1 where the folder has no such file."""
        return positions_in(self.names, byte_array([encoded(name) for name in names]))


@dataclass(frozen=True)
class Listing:
    """Every input file with its size and mtime, and one digest of them all.

    A row is a file's place in the listing: folder by folder, in each by name.
    """

    folders: tuple[Folder, ...]
    digest: str

    @cached_property
    def starts(self) -> list[int]:
        """The first row of each folder, then the number of files."""
        starts = [0]
        for folder in self.folders:
            starts.append(starts[-1] + len(folder.names))
        return starts

    @cached_property
    def _folder_at(self) -> dict[str, int]:
        return {folder.relpath: index for index, folder in enumerate(self.folders)}

    def __len__(self) -> int:
        return self.starts[-1]

    def path(self, row: int) -> str:
        """The path of a row, relative to the repository."""
        index = bisect.bisect_right(self.starts, row) - 1
        return self.folders[index].path(row - self.starts[index])

    def rows_of(self, paths: list[str]) -> np.ndarray:
        """The row of each path (relative to the repository), -1 where the listing has no such file."""
        rows = np.full(len(paths), -1, dtype=np.int64)
        by_folder: dict[str, list[int]] = {}
        for index, path in enumerate(paths):
            by_folder.setdefault(path.rpartition("/")[0], []).append(index)
        for relpath, indices in by_folder.items():
            position = self._folder_at.get(relpath)
            if position is not None:
                found = self.folders[position].rows_of([paths[index].rpartition("/")[2] for index in indices])
                rows[indices] = np.where(found < 0, -1, found + self.starts[position])
        return rows

    def sizes_and_mtimes(self) -> tuple[np.ndarray, np.ndarray]:
        return (np.concatenate([folder.sizes for folder in self.folders]), np.concatenate([folder.mtimes for folder in self.folders]))

    def path_array(self) -> pa.ChunkedArray:
        """Every path, in listing order."""
        return pa.chunked_array([paths for _, paths in self._pieces()], pa.string())

    def same_paths(self, recorded: pa.ChunkedArray) -> bool:
        """Whether ``recorded`` holds the paths of the listing in its order, compared a piece at a time."""
        if len(recorded) != len(self):
            return False
        return all(pa.chunked_array([paths]).equals(recorded.slice(row, len(paths))) for row, paths in self._pieces())

    def batches(self, hashes: np.ndarray) -> Iterator[pa.RecordBatch]:
        """The files as the record keeps them (:data:`INPUTS_SCHEMA`) with their SHA-256s (the rows of
        ``hashes``), :data:`BATCH_ROWS` at most at a time."""
        sizes, mtimes = self.sizes_and_mtimes()
        for row, paths in self._pieces():
            rows = slice(row, row + len(paths))
            columns = [paths, pa.array(sizes[rows], pa.int64()), pa.array(mtimes[rows], pa.int64()), digest_array(hashes[rows])]
            yield pa.RecordBatch.from_arrays(columns, schema=INPUTS_SCHEMA)

    def _pieces(self) -> Iterator[tuple[int, pa.Array]]:
        """The paths a folder, or :data:`BATCH_ROWS` of one, at a time: (the first one's row, the paths)."""
        for index, folder in enumerate(self.folders):
            for start in range(0, len(folder.names), BATCH_ROWS):
                yield self.starts[index] + start, folder.path_array(start, min(start + BATCH_ROWS, len(folder.names)))


def unreadable(rows: int) -> np.ndarray:
    """Digests for ``rows`` files, all :data:`UNREADABLE`: one row of 32 bytes a file."""
    return np.zeros((rows, DIGEST_BYTES), dtype=np.uint8)


def digest_array(digests: np.ndarray) -> pa.FixedSizeBinaryArray:
    """Rows of 32 bytes as an Arrow array."""
    data = pa.py_buffer(np.ascontiguousarray(digests, dtype=np.uint8))
    return pa.FixedSizeBinaryArray.from_buffers(pa.binary(DIGEST_BYTES), len(digests), [None, data])


def digest_rows(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """An Arrow column of 32-byte digests as rows of a NumPy array (a copy that may be written to)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks else pa.array([], pa.binary(DIGEST_BYTES))
    data = np.frombuffer(column.buffers()[1], dtype=np.uint8) if len(column) else np.zeros(0, dtype=np.uint8)
    return data[column.offset * DIGEST_BYTES : (column.offset + len(column)) * DIGEST_BYTES].reshape(-1, DIGEST_BYTES).copy()


def list_inputs(root: Path) -> Listing:
    """The repository's input files as they are now (see the module docstring)."""
    root = Path(root)
    digest = hashlib.sha256()
    folders: list[Folder] = []
    _add_folder(digest, folders, "", *_top_files(root))
    for top in INPUT_FOLDERS:
        if (root / top).is_dir():
            _walk(root, top.as_posix(), digest, folders)
    return Listing(tuple(folders), digest.hexdigest())


def _add_folder(digest: Any, folders: list[Folder], relpath: str, names: list[bytes], sizes: array, mtimes: array) -> None:
    """Add a folder's files, sorted by name, so that a file's row is found by binary search."""
    unsorted = byte_array(names)
    order = np.argsort(unsorted, kind="stable")
    folder = Folder(relpath, unsorted[order], np.frombuffer(sizes, dtype=np.int64)[order], np.frombuffer(mtimes, dtype=np.int64)[order])
    del unsorted
    digest.update(f"{relpath}\0{len(names)}\0{folder.names.itemsize}\0".encode())
    digest.update(folder.names.tobytes())
    digest.update(folder.sizes.tobytes())
    digest.update(folder.mtimes.tobytes())
    folders.append(folder)


def _top_files(root: Path) -> tuple[list[bytes], array, array]:
    names, sizes, mtimes = [], array("q"), array("q")
    for path in card.INPUT_PATHS:
        try:
            stat = os.stat(root / path)
        except OSError:
            continue
        names.append(encoded(path.as_posix()))
        sizes.append(stat.st_size)
        mtimes.append(stat.st_mtime_ns)
    return names, sizes, mtimes


def _walk(root: Path, relpath: str, digest: Any, folders: list[Folder]) -> None:
    """Add the folder's files, then its subfolders' (sorted), depth first."""
    names, sizes, mtimes, subfolders = [], array("q"), array("q"), []
    handle = os.open(root / relpath, os.O_RDONLY | os.O_DIRECTORY)
    try:
        with os.scandir(handle) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    subfolders.append(entry.name)
                    continue
                try:
                    stat = entry.stat()
                except OSError:  # a broken link: listed, so that the build gets to name it
                    stat = os.stat_result((0,) * 10)
                names.append(encoded(entry.name))
                sizes.append(stat.st_size)
                mtimes.append(stat.st_mtime_ns)
    finally:
        os.close(handle)
    _add_folder(digest, folders, relpath, names, sizes, mtimes)
    del names
    for name in sorted(subfolders):
        _walk(root, f"{relpath}/{name}", digest, folders)


def content_digest(data: bytes) -> bytes:
    """A file's SHA-256, as 32 bytes: a million of them are kept while a build runs."""
    return hashlib.sha256(data).digest()


def hash_file(root: Path, relpath: str) -> bytes:
    """A file's SHA-256, or :data:`UNREADABLE`."""
    try:
        return content_digest((Path(root) / relpath).read_bytes())
    except OSError:
        return UNREADABLE


@dataclass(frozen=True)
class Changes:
    """How the inputs differ from a record's: the paths added, removed or with other content; the
    SHA-256 of every file now, in listing order (from the record where size and mtime are the same);
    whether the paths are the record's."""

    changed: frozenset[str]
    hashes: np.ndarray
    same_paths: bool


def changed_paths(root: Path, listing: Listing, recorded: pa.Table) -> Changes:
    """Compare the listing with the recorded files, hashing only those whose size or mtime differ.

    The usual case, the same paths in the same order, is compared column by column; else each
    path is looked up among the recorded ones (and the other way round, for the files removed).
    """
    sizes, mtimes = listing.sizes_and_mtimes()
    before = digest_rows(recorded.column("sha256"))
    same_paths = listing.same_paths(recorded.column("path"))
    if same_paths:
        at, removed = np.arange(len(listing), dtype=np.int64), []
    else:
        paths = listing.path_array()
        at = pc.fill_null(pc.index_in(paths, value_set=recorded.column("path")), -1).to_numpy().astype(np.int64)
        gone = pc.invert(pc.is_in(recorded.column("path"), value_set=paths))
        removed = recorded.column("path").filter(gone).to_pylist()
        del paths
    known = at >= 0
    hashes = unreadable(len(listing))
    hashes[known] = before[at[known]]
    unmoved = known.copy()
    unmoved[known] = (recorded.column("size").to_numpy()[at[known]] == sizes[known]) & (recorded.column("mtime_ns").to_numpy()[at[known]] == mtimes[known])
    changed = set(removed)
    for row in np.flatnonzero(~unmoved).tolist():
        path = listing.path(row)
        digest = hash_file(root, path)
        if not known[row] or digest != hashes[row].tobytes() or digest == UNREADABLE:
            changed.add(path)
        hashes[row] = np.frombuffer(digest, dtype=np.uint8)
    return Changes(frozenset(changed), hashes, same_paths)


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
