"""Sets of ids (article ids, file names) for a whole corpus, held sorted in runs on disk.

A Python set of a million ids costs about 100 bytes an id, and even a sorted
array of them grows with the corpus. Here the ids go to an
:class:`~wirecorpus.sorted_runs.ExternalSort` a chunk at a time and are read
back sorted, a block at a time, to be matched with other sorted ids. Ids are
ASCII by the id rule; any other string (a name with other characters, a NUL or
of odd length, as a hand-edited corpus/splits.json may hold) is kept apart in
a Python set, so that membership is exactly that of strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Self

import numpy as np

from ..sorted_runs import ExternalSort, distinct, left_join

# Longer strings are kept apart: one of them would widen every item of the array.
MAX_ARRAY_LENGTH = 64
# Strings converted to an array at a time, so that no list of every id is made.
CHUNK = 4096


def in_array(text: str) -> bool:
    """Whether a string is held in the array: ASCII, no NUL (bytes arrays drop trailing NULs), not long."""
    return len(text) <= MAX_ARRAY_LENGTH and text.isascii() and "\x00" not in text


def as_array(texts: list[str]) -> np.ndarray:
    """Strings that are all :func:`in_array`, as an array of bytes (numpy encodes them as ASCII)."""
    return np.array(texts, dtype="S") if texts else np.array([], dtype="S1")


def in_array_each(texts: list[str]) -> np.ndarray:
    """:func:`in_array` of each string, as an array (a list of row numbers would cost 36 bytes a row)."""
    return np.fromiter(map(in_array, texts), dtype=bool, count=len(texts))


def as_rows(ids: np.ndarray, field: str) -> np.ndarray:
    """A contiguous array of ids as structured rows of one field, to be matched with rows that have that field."""
    return np.ascontiguousarray(ids).view(np.dtype([(field, ids.dtype)]))


class RunsHolder:
    """What holds sorted runs on disk: a context manager whose exit (or :meth:`close`) deletes them."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        raise NotImplementedError


class SortedIds(RunsHolder):
    """A set of strings: most in runs on disk (see :func:`in_array`), the rest in ``others``.
    Lookups are merges with the sorted ids, for many ids at once."""

    def __init__(self) -> None:
        self._sorter = ExternalSort()
        self._pending: list[str] = []
        self.others: set[str] = set()

    @classmethod
    def of(cls, strings: Iterable[str]) -> SortedIds:
        ids = cls()
        for text in strings:
            ids.add(text)
        return ids

    def close(self) -> None:
        self._sorter.close()
        self._pending.clear()

    def add(self, text: str) -> None:
        if in_array(text):
            self._pending.append(text)
            if len(self._pending) == CHUNK:
                self._flush()
        else:
            self.others.add(text)

    def blocks(self) -> Iterator[np.ndarray]:
        """The ids held in the array, sorted, each once, a block at a time."""
        self._flush()
        return distinct(self._sorter.blocks())

    def contains_each(self, texts: list[str]) -> np.ndarray:
        """For each string, whether it is in the set (one pass over the sorted ids for them all)."""
        found = np.zeros(len(texts), dtype=bool)
        held = np.flatnonzero(in_array_each(texts))
        keys = as_array([texts[row] for row in held.tolist()])
        order = np.argsort(keys, kind="stable")
        hits = [hit for _, hit, _ in left_join([keys[order]], self.blocks())]
        if hits:
            found[held[order]] = hits[0]
        for row, text in enumerate(texts):
            if not in_array(text):
                found[row] = text in self.others
        return found

    def _flush(self) -> None:
        if self._pending:
            self._sorter.add(as_array(self._pending))
            self._pending.clear()

