"""Sets of ids (article ids, file names) for a whole corpus, held sorted in runs on disk.

An annotation set of a model covers every article of the corpus, and each split
holds a part of it; as Python sets they cost some 100 bytes an id, and even as
sorted arrays they grow with the corpus. Here the ids go to an
:class:`~wirecorpus.sorted_runs.ExternalSort` a block at a time and are read
back sorted and each once, a block at a time, to be matched with other sorted
ids: what is held is a run of ids while they are added and a block of each run
while they are read back.

The arrays hold an id as its bytes (:func:`wirecorpus.article_ids.encoded`:
UTF-8, a file name's undecodable bytes as they were), sorted as bytes. That is
exact only for a string those bytes give back; see :func:`held`. Every name a
file system lists is one, so the names of a folder are all in the arrays, in
the order of their bytes; any other string (as a hand-edited corpus/splits.json
may hold) is kept apart, as str, and membership is exactly that of strings.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from .article_ids import byte_array, encoded
from .sorted_runs import ExternalSort, distinct, left_join

# Ids held as Python strings at a time (some 100 bytes each) before they go to a sorter as bytes.
BLOCK = 4096
# The longest name a file system gives (Linux's NAME_MAX, in bytes). A longer string is kept apart:
# it would widen every id of its run, and it cannot be a file's name.
MAX_ID_BYTES = 255


def held(text: str) -> bool:
    """Whether the arrays hold a string: its bytes give it back (a name read with surrogateescape
    does; a lone surrogate otherwise may not), hold no NUL (arrays of bytes drop trailing NULs),
    and are no longer than a file name."""
    if text.isascii():
        return len(text) <= MAX_ID_BYTES and "\x00" not in text
    try:
        raw = encoded(text)
    except UnicodeEncodeError:
        return False
    return len(raw) <= MAX_ID_BYTES and "\x00" not in text and raw.decode("utf-8", "surrogateescape") == text


def all_plain(texts: list[str]) -> bool:
    """Whether every string is plain ASCII that the arrays hold: the usual block of ids, tested at once, not one by one."""
    joined = "".join(texts)
    return joined.isascii() and "\x00" not in joined and max(map(len, texts), default=0) <= MAX_ID_BYTES


def held_each(texts: list[str]) -> np.ndarray:
    """:func:`held` of each string, as an array (a list of row numbers would cost 36 bytes a row)."""
    return np.fromiter(map(held, texts), dtype=bool, count=len(texts))


def id_array(ids: list[str]) -> np.ndarray:
    """Ids as an array of their bytes (:func:`wirecorpus.article_ids.encoded`)."""
    return byte_array([encoded(article) for article in ids])


def decoded(block: np.ndarray) -> list[str]:
    return [item.decode("utf-8", "surrogateescape") for item in block.tolist()]


def id_rows(ids: np.ndarray) -> np.ndarray:
    """Ids as structured rows of one field, ``id``, to be matched with rows keyed by id."""
    return np.ascontiguousarray(ids).view(np.dtype([("id", ids.dtype)]))


def json_name_blocks(folder: Path | str, *, visible_only: bool) -> Iterator[list[str]]:
    """The names of a folder's JSON files without their ``.json`` (the ids of the files), a block at a
    time as ``os.scandir`` lists them; ``visible_only``: hidden names left out."""
    with os.scandir(folder) as listing:
        block = []
        for entry in listing:
            if entry.name.endswith(".json") and not (visible_only and entry.name.startswith(".")):
                block.append(entry.name[: -len(".json")])
                if len(block) == BLOCK:
                    yield block
                    block = []
        if block:
            yield block


class SortedIds:
    """A set of ids added in any order (repeats allowed): those :func:`held` in runs on disk, read back
    sorted and each once, the rest in ``others``. A context manager whose exit deletes the runs."""

    def __init__(self) -> None:
        self._sorter = ExternalSort()
        self._pending: list[str] = []
        self._count: int | None = None
        self.others: set[str] = set()

    @classmethod
    def in_folder(cls, folder: Path | str) -> SortedIds:
        """The ids of the JSON files in a folder (an annotation set's), from their names."""
        made = cls()
        for names in json_name_blocks(folder, visible_only=False):
            made.add(names)
        return made

    def __enter__(self) -> SortedIds:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._sorter.close()
        self._pending.clear()

    def add(self, ids: list[str]) -> None:
        """Some more ids, in any order; they go to the runs :data:`BLOCK` or more at a time."""
        if all_plain(ids):
            self._pending.extend(ids)
        else:
            for text in ids:
                if held(text):
                    self._pending.append(text)
                else:
                    self.others.add(text)
        self._count = None
        if len(self._pending) >= BLOCK:
            self._flush()

    def blocks(self) -> Iterator[np.ndarray]:
        """The ids :func:`held` in the arrays, sorted (as bytes) and each once, as byte arrays."""
        self._flush()
        return distinct(self._sorter.blocks())

    def contains_each(self, texts: list[str]) -> np.ndarray:
        """For each string, whether it is in the set (one pass over the sorted ids for them all)."""
        found = np.zeros(len(texts), dtype=bool)
        inside = held_each(texts)
        rows = np.flatnonzero(inside)
        keys = id_array([texts[row] for row in rows.tolist()])
        order = np.argsort(keys, kind="stable")
        for _, hit, _ in left_join([keys[order]], self.blocks()):
            found[rows[order]] = hit
        for row in np.flatnonzero(~inside).tolist():
            found[row] = texts[row] in self.others
        return found

    def __iter__(self) -> Iterator[str]:
        """The ids: those in the arrays in their order, then the others sorted."""
        for block in self.blocks():
            yield from decoded(block)
        yield from sorted(self.others)

    def __len__(self) -> int:
        if self._count is None:
            self._count = sum(len(block) for block in self.blocks()) + len(self.others)
        return self._count

    def __bool__(self) -> bool:
        return bool(self._pending or len(self._sorter) or self.others)

    def __repr__(self) -> str:
        return f"SortedIds({len(self._sorter) + len(self._pending)} ids added to the runs, {len(self.others)} apart)"

    def _flush(self) -> None:
        if self._pending:
            self._sorter.add(id_array(self._pending))
            self._pending = []


def found_blocks(left: Iterable[np.ndarray], right: Iterable[np.ndarray]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """For each block of sorted ids (``left``), whether another sorted stream of ids (each once) holds each."""
    for block, found, _ in left_join(left, right, right_dtype=np.dtype("S1")):
        yield block, found


def shares_an_id(first: SortedIds, second: SortedIds) -> bool:
    """Whether two sets have an id in common, found by matching their sorted streams (and their others:
    :func:`held` depends on the string alone, so an id of one is where the other would hold it)."""
    in_arrays = any(found.any() for _, found in found_blocks(first.blocks(), second.blocks()))
    return in_arrays or not first.others.isdisjoint(second.others)


class OnlyIn:
    """The ids of one set that another has not, as a sequence read from the two sets'
    sorted streams: groups once, never held (the few first are kept, for a report)."""

    def __init__(self, ids: SortedIds, others: SortedIds, *, kept: int) -> None:
        self._ids, self._others = ids, others
        self._count, first = 0, []
        for block in self._blocks():
            self._count += len(block)
            first.extend(decoded(block[: kept - len(first)]))
        apart = self._apart()
        self._count += len(apart)
        self._first = first + apart[: kept - len(first)]

    def _blocks(self) -> Iterator[np.ndarray]:
        for block, found in found_blocks(self._ids.blocks(), self._others.blocks()):
            if not found.all():
                yield block[~found]

    def _apart(self) -> list[str]:
        return sorted(self._ids.others - self._others.others)

    def __iter__(self) -> Iterator[str]:
        for block in self._blocks():
            yield from decoded(block)
        yield from self._apart()

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: slice) -> list[str]:
        """A slice of the ids: from the few kept when it is within them, else read from the streams."""
        start, stop, step = index.indices(self._count)
        if stop <= len(self._first):
            return self._first[start:stop:step]
        return list(itertools.islice(self, start, stop, step))
