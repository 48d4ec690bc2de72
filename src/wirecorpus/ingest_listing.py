"""The article records on disk, as one ingest run asks about them from batch to batch.

A batch must know which records already hold a text with the same start of its
hash (an id ends with the first 8 hex digits of its text's hash), and the first
batch which records are in no split. Neither is held in memory: the names are
listed with ``os.scandir`` a block at a time into sorters on disk
(:class:`sorted_runs.ExternalSort`); the records by hash go to a sorted table in
a file, which a batch looks its hashes up in by binary search (memory-mapped:
a few pages a lookup), and the run's own additions to a table in memory that
goes to a file of its own when it reaches a run's size. The tables are made again
only when something else has written to the corpus since: every command that
adds an article rewrites ``corpus/splits.json`` (a new inode), and a record added
or removed by hand changes the modification time of its ``corpus/<source>/<YYYY>/``
folder.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from . import layout, sorted_runs
from .article_ids import byte_array, insert_sorted
from .sorted_ids import json_name_blocks
from .sorted_runs import ExternalSort, distinct, left_join
from .splits import RecordedSplits, id_keys, ids_of_keys

Stamp = tuple[tuple[str, int, int], ...]
_HASH = 8  # hex digits of the text hash an id ends with


class Listing:
    """The ids the id rule accepts of the article records on disk, as sorted tables of rows
    ``<8 hex digits of the text hash><id>`` (so sorted by hash, then id); ``stamp``: the disk when
    they were taken or last added to. A context manager whose exit deletes the tables' files."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="wirecorpus-listing-")
        self.tables: list[np.ndarray] = []  # in files, mapped
        self.added = np.array([], dtype="S1")  # this run's additions, fewer than a run
        self.stamp: Stamp = ()

    def __enter__(self) -> Listing:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.tables, self.added = [], np.array([], dtype="S1")
        self._folder.cleanup()

    @classmethod
    def take(cls, root: Path, recorded: RecordedSplits) -> tuple[Listing, list[str]]:
        """The listing of the corpus, and the ids on disk that are in no recorded split (sorted)."""
        listing, width = cls(), 1
        with ExternalSort() as by_hash, ExternalSort() as by_id:
            for ids in _record_ids(root):
                rows = _rows(ids)
                by_hash.add(rows)
                by_id.add(id_keys(ids))
                width = max(width, rows.itemsize)
            listing.tables = [listing._table(by_hash.blocks(), width)] if len(by_hash) else []
            unsplit = _missing(by_id.blocks(), root, recorded)
        listing.stamp = corpus_stamp(root)
        return listing, unsplit

    def is_current(self, root: Path) -> bool:
        """Whether nothing has written to the corpus since the listing was taken or last added to."""
        return self.stamp == corpus_stamp(root)

    def add(self, root: Path, article_ids: Iterable[str]) -> None:
        """Add ids (ones this run wrote, under the lock it still holds) and stamp the disk anew."""
        rows = np.sort(_rows(list(article_ids)))
        if len(rows):
            self.added = insert_sorted(self.added, rows)[0]
        if len(self.added) >= sorted_runs.RUN_ROWS:  # read now, not at import: a test sets it small
            self.tables.append(self._table(iter([self.added]), self.added.itemsize))
            self.added = np.array([], dtype="S1")
        self.stamp = corpus_stamp(root)

    def with_hashes(self, prefixes: set[str]) -> dict[str, list[str]]:
        """The ids whose text hash starts with one of the 8-hex-digit ``prefixes``, by prefix, sorted."""
        wanted = byte_array(sorted(prefix.encode("ascii") for prefix in prefixes))
        found: dict[str, list[str]] = {}
        for table in [*self.tables, self.added]:
            if not len(table) or not len(wanted):
                continue
            # Bounds cast to the table's width, so that the (mapped) table itself is never converted.
            starts = np.searchsorted(table, wanted.astype(table.dtype), "left")
            ends = np.searchsorted(table, np.char.add(wanted, b"\x7f").astype(table.dtype), "left")  # above any id's characters
            for start, end in zip(starts.tolist(), ends.tolist()):
                for row in table[start:end].tolist():
                    found.setdefault(row[:_HASH].decode("ascii"), []).append(row[_HASH:].decode("ascii"))
        return {prefix: sorted(ids) for prefix, ids in found.items()}

    def _table(self, blocks: Iterator[np.ndarray], width: int) -> np.ndarray:
        """Sorted rows (none wider than ``width``) written to a file of their own, mapped back."""
        path = Path(self._folder.name) / f"table-{len(self.tables):04d}"
        with open(path, "wb") as handle:
            for block in blocks:
                block.astype(f"S{width}").tofile(handle)
        return np.memmap(path, dtype=f"S{width}", mode="r")


def _rows(article_ids: list[str]) -> np.ndarray:
    """``<hash><id>`` for ids the id rule accepts (their last 8 characters are the hash)."""
    return byte_array([(article[-_HASH:] + article).encode("ascii") for article in article_ids])


def _record_ids(root: Path) -> Iterator[list[str]]:
    """The ids (by the id rule) of the records' file names, a block of a folder at a time."""
    for year in layout.article_record_folders(root):
        for names in json_name_blocks(year, visible_only=True):
            yield [article for article in names if layout.ID_PATTERN.match(article)]


def _missing(listed: Iterator[np.ndarray], root: Path, recorded: RecordedSplits) -> list[str]:
    """The listed ids (sorted keys) that no split records."""
    with ExternalSort() as every:
        for keys in recorded.keys(root):
            every.add(keys)
        return [article for block, found, _ in left_join(listed, distinct(every.blocks())) for article in ids_of_keys(block[~found])]


def corpus_stamp(root: Path) -> Stamp:
    """What tells that another command wrote to the corpus: the splits file's inode and time, and each record folder's time."""
    stamps = []
    for path in [Path(root) / layout.SPLITS_PATH, Path(root) / layout.CORPUS_DIR, *layout.article_record_folders(root)]:
        try:
            found = os.stat(path)
            stamps.append((str(path), found.st_ino, found.st_mtime_ns))
        except OSError:
            stamps.append((str(path), -1, -1))
    return tuple(stamps)
