"""More rows than memory should hold, sorted on disk and merged back a block at a time.

A step that must see every article of a corpus in order (the build's chunks, the
validator's split and duplicate-text checks, ingest's duplicate check) adds its rows
here in any order and reads them back sorted. It holds one run of rows while it
sorts and one block of each run while it merges, however many rows there are, so
its memory stays the same as the corpus grows; the rows themselves wait in
temporary files. Rows are NumPy arrays: of byte strings (``S``), compared as
bytes, or structured, compared field by field in the dtype's order. Two batches
may differ in the width of a byte-string field; they are widened to the wider.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import reduce
from pathlib import Path

import numpy as np

from .article_ids import positions_in

RUN_ROWS = 1 << 18  # rows sorted in memory at a time: about 10 MB of ids
BLOCK_ROWS = 1 << 13  # rows read from each run at a time while merging
FAN_IN = 32  # runs merged at once; when there are more, they are first merged into longer runs


@dataclass(frozen=True)
class _Run:
    """A sorted run in a file of its own: its rows as raw bytes of ``dtype``."""

    path: Path
    dtype: np.dtype
    rows: int

    def blocks(self, block_rows: int) -> Iterator[np.ndarray]:
        with open(self.path, "rb") as handle:
            for start in range(0, self.rows, block_rows):
                yield np.fromfile(handle, dtype=self.dtype, count=min(block_rows, self.rows - start))


class ExternalSort:
    """Rows added in any order, read back sorted (repeats kept) as often as wanted; a context manager
    whose exit deletes the runs. Nothing touches the disk while the rows fit in one run."""

    def __init__(self, *, run_rows: int | None = None, block_rows: int | None = None, fan_in: int | None = None) -> None:
        # The module's sizes as they are now, not when this was defined: a test sets them small to send rows to disk.
        run_rows = RUN_ROWS if run_rows is None else run_rows
        block_rows = BLOCK_ROWS if block_rows is None else block_rows
        fan_in = FAN_IN if fan_in is None else fan_in
        if run_rows < 1 or block_rows < 1 or fan_in < 2:
            raise ValueError("run_rows and block_rows must be at least 1, fan_in at least 2")
        self.run_rows, self.block_rows, self.fan_in = run_rows, block_rows, fan_in
        self._pending: list[np.ndarray] = []
        self._pending_rows = 0
        self._runs: list[_Run] = []
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._written = 0
        self.rows = 0

    def __enter__(self) -> ExternalSort:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return self.rows

    def close(self) -> None:
        self._pending, self._pending_rows, self._runs = [], 0, []
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    def add(self, rows: np.ndarray) -> None:
        """Some more rows, in any order."""
        while len(rows):
            taken = rows[: self.run_rows - self._pending_rows]
            self._pending.append(taken)
            self._pending_rows += len(taken)
            self.rows += len(taken)
            rows = rows[len(taken) :]
            if self._pending_rows == self.run_rows:
                self._write_run(_sorted(self._pending))
                self._pending, self._pending_rows = [], 0

    def blocks(self) -> Iterator[np.ndarray]:
        """Every row added so far, sorted, in blocks of at most about ``block_rows`` each."""
        if not self._runs:
            yield from _cut(_sorted(self._pending), self.block_rows)
            return
        if self._pending:
            self._write_run(_sorted(self._pending))
            self._pending, self._pending_rows = [], 0
        while len(self._runs) > self.fan_in:
            merged, self._runs = self._runs[: self.fan_in], self._runs[self.fan_in :]
            dtype = _common_dtype([run.dtype for run in merged])
            self._write_run_blocks(merge_sorted([run.blocks(self.block_rows) for run in merged]), dtype)
            for run in merged:
                os.unlink(run.path)
        yield from merge_sorted([run.blocks(self.block_rows) for run in self._runs])

    def _write_run(self, rows: np.ndarray) -> None:
        self._write_run_blocks(iter([rows]), rows.dtype)

    def _write_run_blocks(self, blocks: Iterator[np.ndarray], dtype: np.dtype) -> None:
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="wirecorpus-sort-")
        self._written += 1
        path = Path(self._folder.name) / f"run-{self._written:06d}"
        rows = 0
        with open(path, "wb") as handle:
            for block in blocks:
                block.astype(dtype, copy=False).tofile(handle)
                rows += len(block)
        self._runs.append(_Run(path, dtype, rows))


def merge_sorted(streams: Iterable[Iterable[np.ndarray]]) -> Iterator[np.ndarray]:
    """Sorted streams of blocks merged into one sorted stream of blocks.

    Each round takes, from every stream's current block, the rows up to the least of
    their last rows: nothing still to come can sort before those.
    """
    sources = [iter(stream) for stream in streams]
    heads = [_next_block(source) for source in sources]
    while live := [position for position, head in enumerate(heads) if head is not None]:
        dtype = _common_dtype([heads[position].dtype for position in live])
        lasts = np.sort(np.concatenate([heads[position][-1:].astype(dtype) for position in live]))
        taken = []
        for position in live:
            head = heads[position].astype(dtype, copy=False)
            cut = int(np.searchsorted(head, lasts[:1], "right")[0])
            taken.append(head[:cut])
            heads[position] = head[cut:] if cut < len(head) else _next_block(sources[position])
        yield np.sort(np.concatenate(taken), kind="stable")


def left_join(
    left: Iterable[np.ndarray], right: Iterable[np.ndarray], *, key: str | None = None, right_dtype: np.dtype | None = None
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """For each block of ``left`` (sorted), the rows of ``right`` (sorted, each key once) with the same keys.

    Yields ``(block, found, matched)``: ``found[i]`` says whether ``right`` has
    ``block[i]``'s key, and ``matched`` holds those rows of ``right``, in the
    order of ``block[found]``. ``key`` names the field compared in structured
    rows; plain rows are compared whole. ``matched`` has ``right_dtype`` when
    ``right`` has no rows at all (else the left's dtype). One block of each side is
    held at a time.
    """
    right_blocks = iter(right)
    current = _next_block(right_blocks)
    dtype = current.dtype if current is not None else right_dtype
    for block in left:
        if not len(block):
            continue
        keys = _keys(block, key)
        found = np.zeros(len(block), dtype=bool)
        pieces = []
        while current is not None:
            right_keys = _keys(current, key)
            places = positions_in(right_keys, keys)
            hit = places >= 0
            found |= hit
            pieces.append(current[places[hit]])
            dtype = _common_dtype([dtype, current.dtype])
            if right_keys[-1] >= keys[-1]:
                break  # the rest of this right block belongs to later left blocks (its last key too: the next may start with it)
            current = _next_block(right_blocks)
        matched = np.concatenate([piece.astype(dtype, copy=False) for piece in pieces]) if pieces else np.empty(0, dtype=dtype or block.dtype)
        yield block, found, matched


def groups(blocks: Iterable[np.ndarray], *, key: str | None = None, keep: str = "first") -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """A sorted stream of blocks as its keys, each once: a block of rows (the first, or the ``keep="last"``,
    row of each key) and a block of how many rows share each key, at a time.

    Equal keys may straddle blocks, so a block's last key waits for the next block,
    which may go on with it. ``key`` names the field compared in structured rows, as
    in :func:`left_join`; plain rows are compared whole.
    """
    if keep not in ("first", "last"):
        raise ValueError(f"keep must be first or last, not {keep!r}")
    held: tuple[np.ndarray, np.ndarray] | None = None
    for block in blocks:
        if not len(block):
            continue
        keys = _keys(block, key)
        starts = np.flatnonzero(run_starts(keys))
        ends = np.append(starts[1:], len(block))
        rows, counts = block[starts if keep == "first" else ends - 1], ends - starts
        if held is not None and _keys(held[0], key)[0] == keys[0]:
            rows = rows.astype(_common_dtype([rows.dtype, held[0].dtype]))
            counts[0] += held[1][0]
            if keep == "first":
                rows[0] = held[0][0]
        elif held is not None:
            yield held
        held = (rows[-1:], counts[-1:])
        if len(rows) > 1:
            yield rows[:-1], counts[:-1]
    if held is not None:
        yield held


def distinct(blocks: Iterable[np.ndarray], *, key: str | None = None, keep: str = "first") -> Iterator[np.ndarray]:
    """A sorted stream of blocks with each key once: the first (or ``keep="last"``) row of each, as in :func:`groups`."""
    return (rows for rows, _ in groups(blocks, key=key, keep=keep))


def run_starts(keys: np.ndarray, previous: object = None) -> np.ndarray:
    """For each key of a sorted block, whether it starts a run of equal keys. A run may straddle
    blocks: ``previous`` is the last key of the block before (None for the first block)."""
    first = np.empty(len(keys), dtype=bool)
    if len(keys):
        first[0] = previous is None or keys[0] != previous
        first[1:] = keys[1:] != keys[:-1]
    return first


def _keys(rows: np.ndarray, key: str | None) -> np.ndarray:
    return rows if key is None else rows[key]


def _next_block(blocks: Iterator[np.ndarray]) -> np.ndarray | None:
    for block in blocks:
        if len(block):
            return block
    return None


def _sorted(parts: list[np.ndarray]) -> np.ndarray:
    if not parts:
        return np.array([], dtype="S1")
    dtype = _common_dtype([part.dtype for part in parts])
    return np.sort(np.concatenate([part.astype(dtype, copy=False) for part in parts]), kind="stable")


def _cut(rows: np.ndarray, block_rows: int) -> Iterator[np.ndarray]:
    for start in range(0, len(rows), block_rows):
        yield rows[start : start + block_rows]


def _common_dtype(dtypes: list[np.dtype]) -> np.dtype:
    """The dtype that holds rows of each (byte strings widened to the widest)."""
    return reduce(np.result_type, dtypes)
