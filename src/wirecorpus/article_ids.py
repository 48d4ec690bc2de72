"""Article ids kept compactly: sorted byte arrays of their UTF-8, and lookups in them.

An id here is about the length of its bytes (25), where a Python string in a set
takes 100 to 200. The helpers (:func:`encoded`, :func:`byte_array`,
:func:`positions_in`, :func:`insert_sorted`) serve every sorted array of ids;
:class:`ArticleIds` is the ids of one chunk of the build. Ids of a whole corpus are
never held so: they are sorted in runs on disk (:mod:`wirecorpus.sorted_ids`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import overload

import numpy as np

# Ids are turned into arrays this many at a time, so that no list of every id is ever made.
_BLOCK = 1 << 16


def encoded(name: str) -> bytes:
    """An id or file name as the arrays hold it: UTF-8, a name's undecodable bytes kept as they were."""
    return name.encode("utf-8", "surrogateescape")


def byte_array(items: list[bytes]) -> np.ndarray:
    """Byte strings as one array (NumPy finds the width far more slowly than it is told it)."""
    return np.array(items, dtype=f"S{max(map(len, items), default=1) or 1}")


def positions_in(sorted_array: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Where each key is in a sorted array (of bytes or of str objects), -1 for a key that is not there."""
    found = np.full(len(keys), -1, dtype=np.int64)
    if not len(sorted_array) or not len(keys):
        return found
    places = np.minimum(np.searchsorted(sorted_array, keys), len(sorted_array) - 1)
    # Compared with the keys themselves: searchsorted cuts a key wider than the array's items to their width.
    hit = np.asarray(sorted_array[places] == keys, dtype=bool)
    found[hit] = places[hit]
    return found


def insert_sorted(sorted_array: np.ndarray, added: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Byte strings (sorted) put into a sorted byte array, which is widened to hold them; the merged
    array and where each went in, for arrays that run beside it."""
    width = f"S{max(sorted_array.itemsize, added.itemsize)}"
    sorted_array, added = sorted_array.astype(width, copy=False), added.astype(width, copy=False)
    at = np.searchsorted(sorted_array, added, "right")
    return np.insert(sorted_array, at, added), at


def found_in(sorted_array: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """For each key, whether the sorted array holds it."""
    return positions_in(sorted_array, keys) >= 0


class ArticleIds:
    """Article ids, sorted and each once, as a read-only sequence of str."""

    __slots__ = ("array",)

    def __init__(self, array: np.ndarray) -> None:
        self.array = array  # sorted, unique

    @classmethod
    def of(cls, ids: Iterable[str]) -> ArticleIds:
        """The ids (in any order, repeats allowed), a block at a time."""
        pending, blocks = iter(ids), []
        while block := [encoded(article) for article in itertools.islice(pending, _BLOCK)]:
            blocks.append(byte_array(block))
        return cls(np.unique(np.concatenate(blocks)) if blocks else np.array([], dtype="S1"))

    def __len__(self) -> int:
        return len(self.array)

    def __bool__(self) -> bool:
        return len(self.array) > 0

    def __iter__(self) -> Iterator[str]:
        for start in range(0, len(self.array), _BLOCK):
            yield from (item.decode("utf-8", "surrogateescape") for item in self.array[start : start + _BLOCK].tolist())

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> ArticleIds: ...

    def __getitem__(self, index: int | slice) -> str | ArticleIds:
        if isinstance(index, slice):
            return ArticleIds(self.array[index])
        return self.array[index].decode("utf-8", "surrogateescape")

    def __repr__(self) -> str:
        return f"ArticleIds({len(self)} ids)"
