"""The article ids on disk, as one ingest run keeps them from batch to batch.

Listing every record name of a large corpus for each batch of an ingest made
the run quadratic, so the listing is kept, in arrays of a few dozen bytes an
article rather than Python strings, and made again only when something else
has written to the corpus since: every command that adds an article rewrites
``corpus/splits.json`` (a new inode), and a record added or removed by hand
changes the modification time of its ``corpus/<source>/<YYYY>/`` folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import layout

_NO_HASH = -1  # an id whose last 8 characters are not lower-case hex: no text hash has them
Stamp = tuple[tuple[str, int, int], ...]


@dataclass
class Listing:
    """The ids the id rule accepts of the article records on disk: sorted UTF-8 ``ids`` and, beside each, the
    ``hashes`` its last 8 hex digits make (the start of its text's hash); ``stamp``: the disk when they were taken."""

    ids: np.ndarray
    hashes: np.ndarray
    stamp: Stamp

    @classmethod
    def take(cls, root: Path) -> Listing:
        listing = cls(np.array([], dtype="S1"), np.array([], dtype=np.int64), ())
        listing.add(root, (article for article in layout.iter_article_ids(root) if layout.ID_PATTERN.match(article)))
        return listing

    def is_current(self, root: Path) -> bool:
        """Whether nothing has written to the corpus since the listing was taken or last added to."""
        return self.stamp == corpus_stamp(root)

    def add(self, root: Path, article_ids: Iterable[str]) -> None:
        """Add ids (ones this run wrote, under the lock it still holds) and stamp the disk anew."""
        pending, chunks = iter(article_ids), []
        while chunk := [article.encode("utf-8") for _, article in zip(range(_CHUNK), pending)]:
            chunks.append(_bytes_array(chunk))  # a few thousand at a time: never a list of every id
        if chunks:
            new = np.concatenate(chunks)
            order = np.argsort(new, kind="stable")
            new, hashes = new[order], np.array([_text_hash(item) for item in new[order]], dtype=np.int64)
            width = max(self.ids.itemsize, new.itemsize)
            at = np.searchsorted(self.ids, new, "right")
            self.ids, self.hashes = np.insert(self.ids.astype(f"S{width}"), at, new), np.insert(self.hashes, at, hashes)
        self.stamp = corpus_stamp(root)

    def with_hashes(self, prefixes: set[str]) -> dict[str, list[str]]:
        """The ids whose text hash starts with one of the 8-hex-digit ``prefixes``, by prefix."""
        wanted = np.isin(self.hashes, [int(prefix, 16) for prefix in prefixes])
        found: dict[str, list[str]] = {}
        for item in self.ids[wanted]:
            found.setdefault(item[-8:].decode("ascii"), []).append(item.decode("utf-8"))
        return found

    def missing_from(self, recorded_chunks: Iterable[list[str]]) -> list[str]:
        """The ids that are in none of the chunks of recorded ids, in sorted order."""
        covered = np.zeros(len(self.ids) + 1, dtype=np.int64)  # +1 where a run of one id starts, -1 after it
        for chunk in recorded_chunks:
            encoded = _bytes_array([item for item in map(_encoded, chunk) if item is not None and len(item) <= self.ids.itemsize])
            starts, ends = np.searchsorted(self.ids, encoded, "left"), np.searchsorted(self.ids, encoded, "right")
            np.add.at(covered, starts, 1)
            np.add.at(covered, ends, -1)
        return [item.decode("utf-8") for item in self.ids[np.cumsum(covered[:-1]) == 0]]


_CHUNK = 65536


def _bytes_array(items: list[bytes]) -> np.ndarray:
    """The items as one array (numpy finds the width far more slowly than it is told it)."""
    return np.array(items, dtype=f"S{max(map(len, items), default=1) or 1}")


def _text_hash(article: bytes) -> int:
    tail = article[-8:]
    return int(tail, 16) if len(tail) == 8 and all(char in b"0123456789abcdef" for char in tail) else _NO_HASH


def _encoded(article: str) -> bytes | None:
    """The id as the listing holds it; None for one no file name gives (a NUL at its end, which the arrays drop, or a lone surrogate)."""
    try:
        encoded = article.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return None if encoded.endswith(b"\0") else encoded


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
