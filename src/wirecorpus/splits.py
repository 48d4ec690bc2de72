"""Train/test assignment by article, recorded in ``corpus/splits.json``.

A new article's split comes from a hash of its id (about 20 % test); an
assignment once recorded never changes, so an article never moves between
splits across releases. The file is shared by every command that adds
articles, so it is read, changed and written under the repository lock, and
any article found in no split (however that happened) gets its hashed split
the next time ingest runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import ijson
import numpy as np

from .article_ids import byte_array, found_in, insert_sorted
from .errors import RepositoryError
from .layout import SPLITS_PATH
from .storage import repository_lock, write_chunks_atomic

SPLITS = ("train", "test")
TEST_PERCENT = 20


def split_for(article_id: str) -> str:
    """The split a new article gets: a stable function of its id alone."""
    bucket = int(hashlib.sha256(article_id.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "test" if bucket < TEST_PERCENT else "train"


def read_splits(root: Path) -> dict[str, list[str]]:
    """The recorded assignment, ``{"train": [ids], "test": [ids]}``; empty when there is none.

    A file that is not a splits file is a :class:`RepositoryError` naming it.
    """
    path = Path(root) / SPLITS_PATH
    if not path.exists():
        return {name: [] for name in SPLITS}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if type(data) is not dict or not all(_is_id_list(data.get(name, [])) for name in SPLITS):
            raise ValueError(f"expected an object with a list of article ids under each of {', '.join(SPLITS)}")
    except (OSError, ValueError) as exc:
        raise RepositoryError(f"{SPLITS_PATH.as_posix()}: not a readable splits file ({exc}); run `wirecorpus validate` for the details") from None
    return {name: list(data.get(name, [])) for name in SPLITS}


def iter_recorded(root: Path, *, block: int = 1 << 16) -> Iterator[tuple[str, list[str]]]:
    """The recorded ids as ``(split, ids)`` a block of ids at a time, in the file's order, whatever
    the file's size: the file is parsed as a stream (ijson), never held whole. Nothing when there is
    no file; a file that is not a splits file is the :class:`RepositoryError` of :func:`read_splits`,
    raised when the reading gets to the fault."""
    path = Path(root) / SPLITS_PATH
    if not path.exists():
        return
    try:
        with open(path, "rb") as handle:
            yield from _id_blocks(ijson.parse(handle), block)
    except (OSError, ValueError, ijson.JSONError) as exc:
        raise RepositoryError(f"{SPLITS_PATH.as_posix()}: not a readable splits file ({exc}); run `wirecorpus validate` for the details") from None


def _id_blocks(events: Iterator[tuple[str, str, object]], block: int) -> Iterator[tuple[str, list[str]]]:
    """The ids of each split from ijson's parse events; a ValueError for any other shape."""
    seen: set[str] = set()
    pending: list[str] = []
    for prefix, event, value in events:
        if prefix == "" and event not in ("start_map", "map_key", "end_map"):
            raise ValueError(f"expected an object with a list of article ids under each of {', '.join(SPLITS)}")
        name, _, rest = prefix.partition(".")
        if name not in SPLITS:
            continue
        if prefix == name and event == "start_array":
            if name in seen:
                raise ValueError(f"{name} is given twice")
            seen.add(name)
        elif prefix == name and event == "end_array":
            if pending:
                yield name, pending
            pending = []
        elif rest == "item" and event == "string":
            pending.append(value)
            if len(pending) == block:
                yield name, pending
                pending = []
        else:
            raise ValueError(f"{name} must be a list of article ids (strings)")


def _is_id_list(value: object) -> bool:
    return type(value) is list and all(type(item) is str for item in value)


def assignment(root: Path) -> dict[str, str]:
    """Article id -> split, from the recorded lists."""
    return {article: name for name, ids in read_splits(root).items() for article in ids}


def render_splits(splits: dict[str, list[str]]) -> str:
    """The file text: one id per line, sorted, so that a review diff shows each move."""
    return json.dumps({name: sorted(splits[name]) for name in SPLITS}, indent=2) + "\n"


def record_new_articles(root: Path, article_ids: Iterable[str]) -> dict[str, str]:
    """Give each id not yet in a split its hashed split and write the file; return the new assignments.

    Read, changed and written under the repository lock (re-entered if the caller holds it).
    """
    with repository_lock(root):
        return RecordedSplits.read(root).add_unassigned(root, article_ids)


# --------------------------------------------------------------------------
# The recorded splits as one ingest run keeps them, from batch to batch.

Stamp = tuple[int, int, int] | None


@dataclass
class RecordedSplits:
    """The recorded ids of each split, sorted, in arrays of a few dozen bytes an id rather than Python strings.

    An array holds UTF-8 ``bytes`` (``S`` dtype); only when some id has no such
    form (a lone surrogate, or a NUL at its end, which the arrays drop) does it
    hold ``str`` objects. ``plain``: every id is one json.dumps writes as it is,
    so the file can be rendered from the arrays; ``stamp``: the file when read or
    last written, to tell when another command has written it.
    """

    ids: dict[str, np.ndarray]
    plain: bool
    stamp: Stamp

    @classmethod
    def read(cls, root: Path) -> RecordedSplits:
        """The recorded splits; a file that is not a splits file is the :class:`RepositoryError` of :func:`read_splits`.

        A file in the form :func:`render_splits` writes, with plain ids, is read a
        block at a time; any other (hand-edited) is read whole by :func:`read_splits`.
        """
        path = Path(root) / SPLITS_PATH
        stamp = _stamp(path)
        try:
            found = _read_rendered(path) if stamp is not None else None
        except OSError:
            found = None  # read_splits names the file and the error
        if found is not None:
            return cls({name: ids if _is_sorted(ids) else np.sort(ids) for name, ids in found.items()}, True, stamp)
        recorded = read_splits(root)
        plain = all(_is_plain(article) for ids in recorded.values() for article in ids)
        return cls({name: np.sort(_id_array(ids)) for name, ids in recorded.items()}, plain, stamp)

    def is_current(self, root: Path) -> bool:
        """Whether nobody has written the file since it was read or last written here."""
        return self.stamp == _stamp(Path(root) / SPLITS_PATH)

    def holds(self, encoded_ids: np.ndarray) -> np.ndarray:
        """For each of an array of UTF-8 ids (``S`` dtype), whether a split holds it."""
        held = np.zeros(len(encoded_ids), dtype=bool)
        for ids in self.ids.values():
            keys = encoded_ids if ids.dtype.kind == "S" else np.array([item.decode("utf-8") for item in encoded_ids], dtype=object)
            held |= found_in(ids, keys)
        return held

    def add_unassigned(self, root: Path, article_ids: Iterable[str]) -> dict[str, str]:
        """Give the ids that are in no split their hashed split and write the file if there are any
        (under the repository lock the caller holds); returns the new assignments."""
        wanted = sorted(set(article_ids))
        held = np.zeros(len(wanted), dtype=bool)
        for ids in self.ids.values():
            held |= _found_among(ids, wanted)
        added = {article: split_for(article) for article, known in zip(wanted, held) if not known}
        if added:
            merged = {name: _merged(ids, [article for article, split in added.items() if split == name]) for name, ids in self.ids.items()}
            plain = self.plain and all(map(_is_plain, added))
            path = Path(root) / SPLITS_PATH
            write_chunks_atomic(path, _rendered(merged) if plain else [render_splits(_decoded_lists(merged)).encode("utf-8")])
            self.ids, self.plain, self.stamp = merged, plain, _stamp(path)  # only once written: a failed write leaves this as the file is
        return added


def _rendered(recorded: dict[str, np.ndarray]) -> Iterator[bytes]:
    """The bytes :func:`render_splits` makes of sorted arrays of plain ids, some thousands of ids at a time."""
    yield b"{\n"
    for position, name in enumerate(SPLITS):
        comma, opening, ids = _COMMAS[position], _opening(name), recorded[name]
        if not len(ids):
            yield opening + b"]" + comma + b"\n"
            continue
        yield opening + b"\n"
        for start in range(0, len(ids), _CHUNK):
            lines = _plain_id_lines(ids[start : start + _CHUNK])
            yield lines if start + _CHUNK < len(ids) else lines[: -len(b",\n")] + b"\n"
        yield b"  ]" + comma + b"\n"
    yield b"}\n"


def _decoded_lists(recorded: dict[str, np.ndarray]) -> dict[str, list[str]]:
    return {name: [_decoded(item) for item in ids] for name, ids in recorded.items()}


_CHUNK = 65536
_BLOCK = 1 << 20  # bytes of the file read at a time
_COMMAS = [b","] * (len(SPLITS) - 1) + [b""]


def _opening(name: str) -> bytes:
    return b"  " + json.dumps(name).encode("ascii") + b": ["


def _stamp(path: Path) -> Stamp:
    """The file's inode, time and size (a write replaces the file: a new inode); None when there is none."""
    try:
        found = os.stat(path)
    except OSError:
        return None  # no file (or none that can be seen): read_splits says what it makes of it
    return (found.st_ino, found.st_mtime_ns, found.st_size)


def _is_plain(article: str) -> bool:
    """Whether json.dumps quotes the id as it is, with no escape: printable ASCII, without quote or backslash."""
    return article.isascii() and article.isprintable() and '"' not in article and "\\" not in article


def _encoded(article: str) -> bytes | None:
    """The id as a bytes array holds it; None for one it cannot (a lone surrogate, or a NUL at its end, which it drops)."""
    try:
        encoded = article.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return None if encoded.endswith(b"\0") else encoded


def _id_array(ids: list[str]) -> np.ndarray:
    """The ids as UTF-8 bytes, or as ``str`` objects when one has no bytes form."""
    encoded = [_encoded(article) for article in ids]
    return np.array(ids, dtype=object) if None in encoded else byte_array(encoded)


def _is_sorted(ids: np.ndarray) -> bool:
    return bool(np.all(ids[:-1] <= ids[1:]))


def _found_among(sorted_ids: np.ndarray, articles: list[str]) -> np.ndarray:
    """For each id, whether the sorted array holds it (an id with no bytes form is in no bytes array)."""
    if sorted_ids.dtype.kind == "O":
        return found_in(sorted_ids, np.array(articles, dtype=object))
    encoded = [_encoded(article) for article in articles]
    storable = [position for position, item in enumerate(encoded) if item is not None]
    found = np.zeros(len(articles), dtype=bool)
    found[storable] = found_in(sorted_ids, byte_array([encoded[position] for position in storable]))
    return found


def _merged(sorted_ids: np.ndarray, new: list[str]) -> np.ndarray:
    """The sorted array with the new ids in their places; of ``str`` objects if either has them."""
    added = np.sort(_id_array(new))
    if sorted_ids.dtype.kind != "O" and added.dtype.kind != "O":
        return insert_sorted(sorted_ids, added)[0]
    sorted_ids, added = (np.array([_decoded(item) for item in ids], dtype=object) for ids in (sorted_ids, added))
    return np.insert(sorted_ids, np.searchsorted(sorted_ids, added, "right"), added)


def _decoded(item: bytes | str) -> str:
    return item.decode("utf-8") if isinstance(item, bytes) else item  # numpy's bytes too


def _plain_id_lines(ids: np.ndarray) -> bytes:
    """``    "id",\\n`` for each id of a bytes array of plain ids, made in arrays (a row a line) rather than a string an id."""
    width, lengths = ids.itemsize, np.char.str_len(ids)
    grid = np.zeros((len(ids), width + 8), dtype=np.uint8)
    grid[:, :5] = np.frombuffer(b'    "', dtype=np.uint8)
    grid[:, 5 : 5 + width] = np.ascontiguousarray(ids).view(np.uint8).reshape(len(ids), width)
    if np.all(lengths == width):  # ids of one length (as the id rule makes them): whole rows, in half the time
        grid[:, 5 + width :] = np.frombuffer(b'",\n', dtype=np.uint8)
        return grid.tobytes()
    grid[np.arange(len(ids))[:, None], lengths[:, None] + np.arange(5, 8)] = np.frombuffer(b'",\n', dtype=np.uint8)
    return grid[np.arange(width + 8) < lengths[:, None] + 8].tobytes()


# --------------------------------------------------------------------------
# The rendered form, read a block at a time.

_PLAIN_ID = rb'[\x20\x21\x23-\x5b\x5d-\x7e]*'  # what json.dumps writes as it is: printable ASCII but quote and backslash
_ID_LINES = re.compile(rb'(?:    "' + _PLAIN_ID + rb'",\n)*')  # the lines of a list's ids but the last
_ID_LINE = re.compile(rb'    "(' + _PLAIN_ID + rb')",\n')
_LAST_ID_LINE = re.compile(rb'    "(' + _PLAIN_ID + rb')"\n')


def _read_rendered(path: Path) -> dict[str, np.ndarray] | None:
    """The ids of a file exactly as :func:`render_splits` writes plain ids, as bytes arrays; None for any other file."""
    with open(path, "rb") as handle:
        text = _Blocks(handle)
        if not text.take(b"{\n"):
            return None
        found = {}
        for position, name in enumerate(SPLITS):
            comma, opening = _COMMAS[position], _opening(name)
            if text.take(opening + b"]" + comma + b"\n"):
                found[name] = byte_array([])
            elif text.take(opening + b"\n") and (ids := text.id_list()) is not None and text.take(b"  ]" + comma + b"\n"):
                found[name] = ids
            else:
                return None
        return found if text.take(b"}\n") and text.at_end() else None


class _Blocks:
    """A file read a block of whole lines at a time, and taken in from the front."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle, self.data, self.at = handle, b"", 0

    def _more(self) -> bool:
        block = self.handle.read(_BLOCK)
        self.data, self.at = self.data[self.at :] + block, 0
        return bool(block)

    def take(self, line: bytes) -> bool:
        """Take the line if it comes next."""
        while len(self.data) - self.at < len(line) and self._more():
            pass
        if not self.data.startswith(line, self.at):
            return False
        self.at += len(line)
        return True

    def id_list(self) -> np.ndarray | None:
        """The ids of the lines of a non-empty list of plain ids, up to its last; None when they are not that."""
        chunks = []
        while True:
            end = _ID_LINES.match(self.data, self.at).end()
            chunks.append(byte_array(_ID_LINE.findall(self.data, self.at, end)))
            self.at = end
            if self.data.find(b"\n", self.at) >= 0 or not self._more():  # else the block ended inside a line
                break
        last = _LAST_ID_LINE.match(self.data, self.at)
        if last is None:
            return None
        self.at = last.end()
        return np.concatenate([*chunks, byte_array([last[1]])])

    def at_end(self) -> bool:
        return self.at == len(self.data) and not self._more()
