"""Sets of ids (article ids, file names) held as one sorted array of bytes, for a whole corpus.

A Python set of a million ids costs about 100 bytes an id; the array costs the
id's length. Ids are ASCII by the id rule; any other string (a name with other
characters, a NUL or of odd length, as a hand-edited corpus/splits.json may
hold) is kept apart in a Python set, so that membership is exactly that of
strings.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import numpy as np

from ..article_ids import found_in

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


class SortedIds:
    """A set of strings: most in ``array`` (sorted, unique), the rest (see :func:`in_array`) in ``others``."""

    def __init__(self, array: np.ndarray, others: set[str]) -> None:
        self.array = array
        self.others = others

    @classmethod
    def of(cls, strings: Iterable[str]) -> SortedIds:
        chunks: list[np.ndarray] = []
        pending: list[str] = []
        others: set[str] = set()
        for text in strings:
            if in_array(text):
                pending.append(text)
                if len(pending) == CHUNK:
                    chunks.append(np.unique(as_array(pending)))
                    pending.clear()
            else:
                others.add(text)
        chunks.append(as_array(pending))
        return cls(np.unique(np.concatenate(chunks)), others)

    def __len__(self) -> int:
        return len(self.array) + len(self.others)

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and bool(self.contains_each([text])[0])

    def contains_each(self, texts: list[str]) -> np.ndarray:
        """For each string, whether it is in the set."""
        found = np.zeros(len(texts), dtype=bool)
        held = in_array_each(texts)
        if held.any():
            found[held] = found_in(self.array, as_array(list(itertools.compress(texts, held))))
        for row in np.flatnonzero(~held).tolist():
            found[row] = texts[row] in self.others
        return found

