"""Article ids more than memory should hold: listed from a folder or read from a file a block at a
time, sorted in runs on disk (:mod:`wirecorpus.sorted_runs`) and read back sorted, each once.

An annotation set of a model covers every article of the corpus, and each split holds a
part of it; kept as arrays of every id they grow with the corpus (25 bytes an id). Here what is
held is a run of ids while they are added and a block of each run while they are read back.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from .article_ids import byte_array, encoded
from .sorted_runs import ExternalSort, distinct, left_join

SCAN_BLOCK = 1 << 16  # names taken from a folder's listing at a time


def json_name_blocks(folder: Path | str, *, visible_only: bool) -> Iterator[list[str]]:
    """The names of a folder's JSON files without their ``.json`` (the ids of the files), a block at a
    time as ``os.scandir`` lists them; ``visible_only``: hidden names left out."""
    with os.scandir(folder) as listing:
        block = []
        for entry in listing:
            if entry.name.endswith(".json") and not (visible_only and entry.name.startswith(".")):
                block.append(entry.name[: -len(".json")])
                if len(block) == SCAN_BLOCK:
                    yield block
                    block = []
        if block:
            yield block


def id_array(ids: list[str]) -> np.ndarray:
    """Ids as an array of their bytes (:func:`wirecorpus.article_ids.encoded`)."""
    return byte_array([encoded(article) for article in ids])


def decoded(block: np.ndarray) -> list[str]:
    return [item.decode("utf-8", "surrogateescape") for item in block.tolist()]


class IdListing:
    """Ids added in any order (repeats allowed), read back sorted and each once, a block at a time;
    a context manager whose exit deletes the runs."""

    def __init__(self) -> None:
        self._sorter = ExternalSort()
        self._count: int | None = None

    @classmethod
    def in_folder(cls, folder: Path | str) -> IdListing:
        """The ids of the JSON files in a folder (an annotation set's), from their names."""
        listing = cls()
        for names in json_name_blocks(folder, visible_only=False):
            listing.add(names)
        return listing

    def __enter__(self) -> IdListing:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._sorter.close()

    def add(self, ids: list[str]) -> None:
        if ids:
            self._sorter.add(id_array(ids))
            self._count = None

    def blocks(self) -> Iterator[np.ndarray]:
        """The ids, sorted and each once, as byte arrays."""
        return distinct(self._sorter.blocks())

    def __iter__(self) -> Iterator[str]:
        for block in self.blocks():
            yield from decoded(block)

    def __len__(self) -> int:
        if self._count is None:
            self._count = sum(len(block) for block in self.blocks())
        return self._count

    def __bool__(self) -> bool:
        return len(self._sorter) > 0

    def __repr__(self) -> str:
        return f"IdListing({len(self._sorter)} ids added)"


def found_blocks(left: Iterable[np.ndarray], right: Iterable[np.ndarray]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """For each block of sorted ids (``left``), whether another sorted stream of ids (each once) holds each."""
    for block, found, _ in left_join(left, right, right_dtype=np.dtype("S1")):
        yield block, found


def shares_an_id(first: IdListing, second: IdListing) -> bool:
    """Whether two listings have an id in common, found by matching their sorted streams."""
    return any(found.any() for _, found in found_blocks(first.blocks(), second.blocks()))


class OnlyIn:
    """The ids of one listing that another has not, as a sequence read from the two listings'
    sorted streams: groups once, never held (the few first are kept, for a report)."""

    def __init__(self, ids: IdListing, others: IdListing, *, kept: int) -> None:
        self._ids, self._others = ids, others
        self._count, first = 0, []
        for block in self._blocks():
            self._count += len(block)
            first.extend(decoded(block[: kept - len(first)]))
        self._first = first

    def _blocks(self) -> Iterator[np.ndarray]:
        for block, found in found_blocks(self._ids.blocks(), self._others.blocks()):
            if not found.all():
                yield block[~found]

    def __iter__(self) -> Iterator[str]:
        for block in self._blocks():
            yield from decoded(block)

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: slice) -> list[str]:
        """A slice of the ids: from the few kept when it is within them, else read from the streams."""
        start, stop, step = index.indices(self._count)
        if stop <= len(self._first):
            return self._first[start:stop:step]
        return list(itertools.islice(self, start, stop, step))
