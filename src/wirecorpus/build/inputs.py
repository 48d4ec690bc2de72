"""What a build reads, checked cheaply: every input file's size and mtime, and a fingerprint of the code.

A build's inputs are every file under ``corpus/`` and ``annotations/`` (the
survey of the layout looks at all of them, not only the records), the files
the dataset card quotes (:data:`wirecorpus.card.INPUT_PATHS`), the version,
and the code and libraries that turn files into rows and Parquet bytes
(:func:`fingerprint`).

:func:`list_inputs` is one pass over the input folders: ``scandir`` on a
folder's descriptor and one ``stat`` per file, which is most of its cost
(about 3 µs a file here). Its :attr:`Listing.digest` covers every path, size
and mtime, in listing order, so an unchanged repository is recognised by
comparing one string; the order is the file system's, which only changes
when the folder does, and a listing in another order just takes the slower
comparison file by file (:func:`changed_paths`). There a file whose size or
mtime differs is hashed, and counts as changed only if its content does:
a file touched, or checked out again, is not a change.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import sys
from array import array
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from .. import card, layout

# Bumped when what the record holds changes meaning.
RECORD_FORMAT = 1
INPUT_FOLDERS = (layout.CORPUS_DIR, layout.ANNOTATIONS_DIR)
# The libraries whose versions the output bytes depend on (Parquet writer, tokenizer, features, Croissant).
LIBRARIES = ("pyarrow", "spacy", "datasets", "mlcroissant")
PACKAGE_DIR = Path(__file__).resolve().parents[1]
UNREADABLE = b""  # the digest of a file that cannot be read: never equal to a real one
# How the record keeps the input files (in listing order).
INPUTS_SCHEMA = pa.schema([("path", pa.string()), ("size", pa.int64()), ("mtime_ns", pa.int64()), ("sha256", pa.binary())])


@dataclass(frozen=True)
class Folder:
    """One folder's files, in listing order: names, sizes and mtimes (ns)."""

    relpath: str
    names: list[str]
    sizes: array
    mtimes: array


@dataclass(frozen=True)
class Listing:
    """Every input file with its size and mtime, and one digest of them all."""

    folders: tuple[Folder, ...]
    digest: str

    @cached_property
    def paths(self) -> list[str]:
        """Every input file's path relative to the repository, in listing order."""
        return [f"{folder.relpath}/{name}" if folder.relpath else name for folder in self.folders for name in folder.names]

    def table(self, hashes: list[bytes]) -> pa.Table:
        """The files as the record keeps them, with their SHA-256s (in listing order)."""
        sizes, mtimes = array("q"), array("q")
        for folder in self.folders:
            sizes.extend(folder.sizes)
            mtimes.extend(folder.mtimes)
        return pa.table([self.paths, pa.array(sizes, pa.int64()), pa.array(mtimes, pa.int64()), hashes], schema=INPUTS_SCHEMA)


def list_inputs(root: Path) -> Listing:
    """The repository's input files as they are now (see the module docstring)."""
    root = Path(root)
    folders: list[Folder] = [_top_files(root)]
    for top in INPUT_FOLDERS:
        if (root / top).is_dir():
            _walk(root, top.as_posix(), folders)
    digest = hashlib.sha256()
    for folder in folders:
        digest.update(f"{folder.relpath}\0{len(folder.names)}\0".encode())
        digest.update("\0".join(folder.names).encode("utf-8", "surrogateescape"))
        digest.update(folder.sizes.tobytes())
        digest.update(folder.mtimes.tobytes())
    return Listing(tuple(folders), digest.hexdigest())


def _top_files(root: Path) -> Folder:
    names, sizes, mtimes = [], array("q"), array("q")
    for path in card.INPUT_PATHS:
        try:
            stat = os.stat(root / path)
        except OSError:
            continue
        names.append(path.as_posix())
        sizes.append(stat.st_size)
        mtimes.append(stat.st_mtime_ns)
    return Folder("", names, sizes, mtimes)


def _walk(root: Path, relpath: str, folders: list[Folder]) -> None:
    """Append the folder's files, then its subfolders' (sorted), depth first."""
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
                names.append(entry.name)
                sizes.append(stat.st_size)
                mtimes.append(stat.st_mtime_ns)
    finally:
        os.close(handle)
    folders.append(Folder(relpath, names, sizes, mtimes))
    for name in sorted(subfolders):
        _walk(root, f"{relpath}/{name}", folders)


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
    hashes: list[bytes]
    same_paths: bool


def changed_paths(root: Path, listing: Listing, recorded: pa.Table) -> Changes:
    """Compare the listing with the recorded files, hashing only those whose size or mtime differ.

    The usual case, the same paths in the same order, is compared column by column.
    """
    now = listing.table([UNREADABLE] * len(listing.paths))
    if now.column("path").equals(recorded.column("path")):
        moved = pc.or_(pc.not_equal(now.column("size"), recorded.column("size")), pc.not_equal(now.column("mtime_ns"), recorded.column("mtime_ns")))
        hashes = recorded.column("sha256").to_pylist()
        changed = set()
        for row in pc.indices_nonzero(moved).to_pylist():
            digest = hash_file(root, listing.paths[row])
            if digest != hashes[row] or digest == UNREADABLE:
                changed.add(listing.paths[row])
            hashes[row] = digest
        return Changes(frozenset(changed), hashes, True)
    known = dict(zip(recorded.column("path").to_pylist(), zip(*(recorded.column(n).to_pylist() for n in ("size", "mtime_ns", "sha256")))))
    hashes, changed = [], set(known.keys() - set(listing.paths))
    for path, size, mtime in zip(listing.paths, now.column("size").to_pylist(), now.column("mtime_ns").to_pylist()):
        found = known.get(path)
        digest = found[2] if found is not None and found[:2] == (size, mtime) else hash_file(root, path)
        if found is None or digest != found[2] or digest == UNREADABLE:
            changed.add(path)
        hashes.append(digest)
    return Changes(frozenset(changed), hashes, False)


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
