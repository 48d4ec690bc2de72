"""Sets of article ids kept compactly: sorted, in one NumPy array of UTF-8 bytes.

A corpus of a million articles has a million ids in each split, in the
listing of the corpus and in every annotation set that covers it. As Python
strings in sets and dicts they take some 100 to 200 bytes each; here about
the length of an id (25 bytes). Lookups are binary searches.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
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

    @classmethod
    def in_folder(cls, folder: Path) -> ArticleIds:
        """The ids of the JSON files in a folder (an annotation set's), from their names."""
        with os.scandir(folder) as entries:
            return cls.of(entry.name[: -len(".json")] for entry in entries if entry.name.endswith(".json"))

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

    def __contains__(self, article: object) -> bool:
        return isinstance(article, str) and bool(self.contains([article])[0])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ArticleIds) and np.array_equal(self.array, other.array)

    def __repr__(self) -> str:
        return f"ArticleIds({len(self)} ids)"

    def positions(self, articles: Iterable[str]) -> np.ndarray:
        """Where each id is in the sorted ids, -1 for an id that is not there."""
        return positions_in(self.array, byte_array([encoded(article) for article in articles]))

    def contains(self, articles: Iterable[str]) -> np.ndarray:
        """For each id, whether it is here."""
        return self.positions(articles) >= 0

    def intersection(self, other: ArticleIds) -> ArticleIds:
        return ArticleIds(np.intersect1d(self.array, other.array, assume_unique=True))

    def difference(self, other: ArticleIds) -> ArticleIds:
        """The ids here that are not in ``other``."""
        return ArticleIds(np.setdiff1d(self.array, other.array, assume_unique=True))

    def union(self, other: ArticleIds) -> ArticleIds:
        return ArticleIds(np.union1d(self.array, other.array))
