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
from .article_ids import byte_array, insert_sorted
from .splits import RecordedSplits

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
            chunks.append(byte_array(chunk))  # a few thousand at a time: never a list of every id
        if chunks:
            new = np.concatenate(chunks)
            order = np.argsort(new, kind="stable")
            new, hashes = new[order], np.array([_text_hash(item) for item in new[order]], dtype=np.int64)
            self.ids, at = insert_sorted(self.ids, new)
            self.hashes = np.insert(self.hashes, at, hashes)
        self.stamp = corpus_stamp(root)

    def with_hashes(self, prefixes: set[str]) -> dict[str, list[str]]:
        """The ids whose text hash starts with one of the 8-hex-digit ``prefixes``, by prefix."""
        wanted = np.isin(self.hashes, [int(prefix, 16) for prefix in prefixes])
        found: dict[str, list[str]] = {}
        for item in self.ids[wanted]:
            found.setdefault(item[-8:].decode("ascii"), []).append(item.decode("utf-8"))
        return found

    def missing_from(self, recorded: RecordedSplits) -> list[str]:
        """The ids that are in no recorded split, in sorted order."""
        return [item.decode("utf-8") for item in self.ids[~recorded.holds(self.ids)]]


_CHUNK = 65536


def _text_hash(article: bytes) -> int:
    tail = article[-8:]
    return int(tail, 16) if len(tail) == 8 and all(char in b"0123456789abcdef" for char in tail) else _NO_HASH


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
