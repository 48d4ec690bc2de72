"""Train/test assignment by article, recorded in ``corpus/splits.json``.

A new article's split comes from a hash of its id (about 20 % test); an
assignment once recorded never changes, so an article never moves between
splits across releases. The file is shared by every command that adds
articles, so it is read, changed and written under the repository lock, and
any article found in no split (however that happened) gets its hashed split
the next time ingest runs.
"""

from __future__ import annotations

import collections
import contextlib
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
from .sorted_runs import ExternalSort
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
# The recorded splits as one ingest run keeps them, from batch to batch: read from the file a block
# of ids at a time whenever they are wanted, never held.

Stamp = tuple[int, int, int] | None
# Each split's keys in order, as (split, its blocks of keys), each split's blocks to be read through before the next split.
Sections = Iterator[tuple[str, Iterator[np.ndarray]]]


class _NotRendered(Exception):
    """The splits file is not exactly in the form render_splits writes ids that need no escape, with sorted lists."""


def id_keys(ids: Iterable[str]) -> np.ndarray:
    """Ids as sort keys in one bytes array: their UTF-8 (a lone surrogate as ``surrogatepass`` writes
    it) with each byte raised by one. UTF-8 has no byte 0xff, so a key has no NUL, which a bytes array
    drops at the end of an item (an id ending in one would be cut), and keys sort as the ids do."""
    return byte_array([article.encode("utf-8", "surrogatepass").translate(_RAISED) for article in ids])


def ids_of_keys(keys: np.ndarray) -> list[str]:
    """The ids that :func:`id_keys` made the keys of."""
    return [key.translate(_LOWERED).decode("utf-8", "surrogatepass") for key in keys.tolist()]


_RAISED = bytes(range(1, 256)) + b"\xff"  # translation tables: each byte one up, and back down
_LOWERED = b"\0" + bytes(range(255))


@dataclass
class RecordedSplits:
    """What an ingest run knows of ``corpus/splits.json`` from batch to batch: not its ids, which are
    read from the file a block at a time whenever they are wanted, but whether it is ``rendered``
    (exactly as :func:`render_splits` writes ids that need no escape: read then without a JSON parser,
    each list already sorted) and its ``stamp``: the file when read or last written, to tell when
    another command has written it. A file in any other form (edited by hand) is parsed as a stream
    and its ids sorted on disk (:class:`ExternalSort`) when they must be in order.
    """

    rendered: bool
    stamp: Stamp

    @classmethod
    def read(cls, root: Path) -> RecordedSplits:
        """The file, read through once; one that is not a splits file is the :class:`RepositoryError` of :func:`read_splits`."""
        path = Path(root) / SPLITS_PATH
        recorded = cls(True, _stamp(path))
        if recorded.stamp is not None:
            try:
                for _, blocks in _rendered_sections(path):
                    collections.deque(blocks, maxlen=0)
            except (_NotRendered, OSError):  # OSError: _parsed names the file and the error
                recorded.rendered = False
                collections.deque(_parsed(root), maxlen=0)
        return recorded

    def is_current(self, root: Path) -> bool:
        """Whether nobody has written the file since it was read or last written here."""
        return self.stamp == _stamp(Path(root) / SPLITS_PATH)

    def keys(self, root: Path) -> Iterator[np.ndarray]:
        """Every recorded id as a key (:func:`id_keys`), a block at a time, sorted within a block only."""
        if self.stamp is None:
            return
        if self.rendered:
            for _, blocks in _rendered_sections(Path(root) / SPLITS_PATH):
                yield from blocks
        else:
            yield from (np.sort(id_keys(ids)) for _, ids in _parsed(root))

    def add_unassigned(self, root: Path, article_ids: Iterable[str]) -> dict[str, str]:
        """Give the ids that are in no split their hashed split and write the file if there are any
        (under the repository lock the caller holds); returns the new assignments.

        Two passes over the recorded ids: one finds which of the ids are there already, the other
        writes the file, each split's recorded ids merged with its new ones a block at a time."""
        wanted = sorted(set(article_ids))
        held, plain = np.zeros(len(wanted), dtype=bool), True
        wanted_keys = id_keys(wanted)
        for keys in self.keys(root):
            held |= found_in(keys, wanted_keys)
            plain = plain and (self.rendered or _plain(keys))
        added = {article: split_for(article) for article, known in zip(wanted, held) if not known}
        if added:
            new = {name: id_keys([article for article, split in added.items() if split == name]) for name in SPLITS}
            path = Path(root) / SPLITS_PATH
            with self._sorted_sections(root) as sections:
                write_chunks_atomic(path, _rendered_file(sections, new))
            # Only once written: a failed write leaves this as the file is.
            self.rendered, self.stamp = plain and all(map(_plain, new.values())), _stamp(path)
        return added

    @contextlib.contextmanager
    def _sorted_sections(self, root: Path) -> Iterator[Sections]:
        """Each split's recorded keys, sorted; a hand-edited file's through an ExternalSort of each split."""
        if self.stamp is None:
            yield ((name, iter(())) for name in SPLITS)
        elif self.rendered:
            yield _rendered_sections(Path(root) / SPLITS_PATH)
        else:
            with contextlib.ExitStack() as stack:
                sorters = {name: stack.enter_context(ExternalSort()) for name in SPLITS}
                for name, ids in _parsed(root):
                    sorters[name].add(id_keys(ids))
                yield ((name, sorters[name].blocks()) for name in SPLITS)


def _parsed(root: Path) -> Iterator[tuple[str, list[str]]]:
    """:func:`iter_recorded`, but a file that is not a splits file is refused with the message
    :func:`read_splits` gives (the JSON parser's own words), as ingest always said."""
    try:
        yield from iter_recorded(root)
    except RepositoryError:
        read_splits(root)
        raise


def _rendered_file(sections: Sections, new: dict[str, np.ndarray]) -> Iterator[bytes]:
    """The bytes :func:`render_splits` makes of each split's sorted keys and its ``new`` ones (sorted), a block at a time."""
    yield b"{\n"
    for position, (name, blocks) in enumerate(sections):
        comma, opening = _COMMAS[position], _opening(name)
        lines = map(_id_lines, _merged(blocks, new[name]))
        pending = next(lines, None)
        if pending is None:
            yield opening + b"]" + comma + b"\n"
            continue
        yield opening + b"\n"
        for following in lines:
            yield pending
            pending = following
        yield pending[: -len(b",\n")] + b"\n"  # no comma after the last id
        yield b"  ]" + comma + b"\n"
    yield b"}\n"


def _merged(blocks: Iterator[np.ndarray], new: np.ndarray) -> Iterator[np.ndarray]:
    """Sorted blocks of keys with the (few, sorted) new keys put in their places."""
    for block in blocks:
        cut = int(np.searchsorted(new, block[-1:], "right")[0])
        yield insert_sorted(block, new[:cut])[0]
        new = new[cut:]
    if len(new):
        yield new


def _id_lines(keys: np.ndarray) -> bytes:
    """``    "id",\\n`` for each key's id, as render_splits writes it (escaped by json.dumps where it must be)."""
    if _plain(keys):
        codes = _codes(keys)
        return _plain_id_lines((codes - (codes > 0)).view(keys.dtype).ravel())
    return b"".join(b"    " + json.dumps(article).encode("ascii") + b",\n" for article in ids_of_keys(keys))


def _plain(keys: np.ndarray) -> bool:
    """Whether every key's id is one json.dumps writes as it is (printable ASCII but quote and backslash)."""
    codes = _codes(keys)
    if codes.size and codes.min() > 0:  # no padding after a shorter key: whole-array reductions, several times faster
        raised_quote, raised_backslash = ord('"') + 1, ord("\\") + 1
        return int(codes.min()) >= 0x21 and int(codes.max()) <= 0x7F and not np.any((codes == raised_quote) | (codes == raised_backslash))
    return bool(np.all((codes == 0) | _PLAIN_BYTE[codes - 1]))  # 0: the padding after a shorter key


def _codes(keys: np.ndarray) -> np.ndarray:
    """The bytes of the keys, a row each."""
    return np.ascontiguousarray(keys).view(np.uint8).reshape(len(keys), keys.itemsize)


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
_PLAIN_BYTE = np.zeros(256, dtype=bool)  # the same, byte by byte
_PLAIN_BYTE[0x20:0x7F] = True
_PLAIN_BYTE[[ord('"'), ord("\\")]] = False
_ID_LINE = re.compile(rb'    "(' + _PLAIN_ID + rb')",\n')
_LAST_ID_LINE = re.compile(rb'    "(' + _PLAIN_ID + rb')"\n')
_LINE_START, _LINE_END = (np.frombuffer(part, dtype=np.uint8) for part in (b'    "', b'",\n'))


def _rendered_sections(path: Path) -> Sections:
    """Each split's keys from a file exactly as :func:`render_splits` writes ids that need no escape;
    :class:`_NotRendered` where the file is not that, or a list is not sorted."""
    with open(path, "rb") as handle:
        text = _Blocks(handle)
        text.expect(b"{\n")
        for position, name in enumerate(SPLITS):
            comma, opening = _COMMAS[position], _opening(name)
            if text.take(opening + b"]" + comma + b"\n"):
                yield name, iter(())
                continue
            text.expect(opening + b"\n")
            yield name, text.sorted_keys()
            text.expect(b"  ]" + comma + b"\n")
        text.expect(b"}\n")
        if not text.at_end():
            raise _NotRendered


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

    def expect(self, line: bytes) -> None:
        if not self.take(line):
            raise _NotRendered

    def sorted_keys(self) -> Iterator[np.ndarray]:
        """The keys of the id lines of a non-empty list, up to its last (without a comma), a block at a
        time; :class:`_NotRendered` when they are not that, or not in order."""
        last = None
        while True:
            keys = self._comma_line_keys()
            if len(keys):
                if (last is not None and keys[0] < last) or np.any(keys[1:] < keys[:-1]):
                    raise _NotRendered
                last = keys[-1]
                yield keys
            elif self.data.find(b"\n", self.at) >= 0:
                break  # a whole line that is not an id line with a comma: the list's last
            elif not self._more():
                raise _NotRendered
        line = _LAST_ID_LINE.match(self.data, self.at)
        if line is None or (last is not None and line[1].translate(_RAISED) < last):
            raise _NotRendered
        self.at = line.end()
        yield byte_array([line[1].translate(_RAISED)])

    def _comma_line_keys(self) -> np.ndarray:
        """The keys of the next id lines with a comma that are whole in the data read and of one length
        (all of them, as the id rule makes ids), the lines seen as the rows of a byte grid."""
        length = self.data.find(b"\n", self.at) + 1 - self.at
        if length <= len(b'    "",\n'):  # no whole line, or an empty id: no grid
            line = _ID_LINE.match(self.data, self.at)
            self.at = line.end() if line else self.at
            return byte_array([line[1].translate(_RAISED)] if line else [])
        rows = (len(self.data) - self.at) // length
        grid = np.frombuffer(self.data, dtype=np.uint8, count=rows * length, offset=self.at).reshape(rows, length)
        taken, window = 0, 64
        while taken < rows:  # a window that grows: little is looked at where the lines' length changes often
            part = grid[taken : taken + window]
            good = len(part) if _all_id_lines_with_comma(part) else int(np.argmin(_id_lines_with_comma(part)))
            taken, window = taken + good, window * 8
            if good < len(part):
                break
        self.at += taken * length
        return (grid[:taken, 5:-3] + 1).view(f"S{length - 8}").ravel()

    def at_end(self) -> bool:
        return self.at == len(self.data) and not self._more()


def _id_lines_with_comma(grid: np.ndarray) -> np.ndarray:
    """For each row of a byte grid, whether it is an id line with a comma."""
    framed = (grid[:, :5] == _LINE_START).all(1) & (grid[:, -3:] == _LINE_END).all(1)
    return framed & _PLAIN_BYTE[grid[:, 5:-3]].all(1)


def _all_id_lines_with_comma(grid: np.ndarray) -> bool:
    """Whether every row of a byte grid (whole lines of one length, contiguous) is an id line with a
    comma, as :func:`_id_lines_with_comma` says, but some ten times faster: each byte of the framing
    in its column, then the bytes counted as a whole, so that no other byte is below a space, above
    ``~``, a quote or a backslash."""
    rows, flat = len(grid), grid.reshape(-1)
    framed = all((grid[:, column] == byte).all() for column, byte in _FRAMING)
    return (
        framed
        and int(flat.max()) <= 0x7E
        and np.count_nonzero(flat < 0x20) == rows  # the newlines
        and np.count_nonzero(flat == ord('"')) == 2 * rows
        and not (flat == ord("\\")).any()
    )


# The columns of an id line's framing (from the end, negative) and their bytes.
_FRAMING = [*enumerate(b'    "'), *zip(range(-3, 0), b'",\n')]

