"""The text hash of every article of a build, kept on disk as the chunks come, not in memory.

The build refuses a text that is in the corpus twice, which the screen of one chunk
cannot see when the two articles are in different chunks: so every article's text
hash (32 bytes) is looked at once all chunks are made. The hashes go to a sorter
(:class:`~wirecorpus.sorted_runs.ExternalSort`), read back sorted to find two equal
ones side by side, and, in chunk order, to a file for the build's record
(``texts.arrow``, :data:`.record.TEXTS_SCHEMA`): at a million articles they are
32 MB that the build does not hold.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa

from ..sorted_runs import ExternalSort, groups
from .record import TEXTS_SCHEMA


class ChunkTexts:
    """The text hashes of the chunks a build makes, added in chunk order; a context manager whose exit
    deletes what is on disk. ``known`` is False once a chunk came without them (then nothing more is kept)."""

    def __init__(self) -> None:
        self.known = True
        self._sorter = ExternalSort()
        self._folder = tempfile.TemporaryDirectory(prefix="wirecorpus-texts-")
        self._path = Path(self._folder.name) / "texts.arrow"
        self._writer: pa.ipc.RecordBatchFileWriter | None = pa.ipc.new_file(str(self._path), TEXTS_SCHEMA)

    def __enter__(self) -> ChunkTexts:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._finish_file()
        self._sorter.close()
        self._folder.cleanup()

    def add(self, position: int, hashes: pa.Array | None) -> None:
        """Chunk ``position``'s text hashes (:data:`.record.TEXT_HASH`); None: not known."""
        if hashes is None:
            self.known = False
        if not self.known:
            return
        self._writer.write_batch(pa.record_batch([pa.array(np.full(len(hashes), position, dtype=np.int32)), hashes], schema=TEXTS_SCHEMA))
        self._sorter.add(_hash_rows(hashes))

    def repeated(self, earlier: pa.Table) -> bool:
        """Whether a text hash is there twice, among the chunks added and those of ``earlier`` (taken from the last build)."""
        for hashes in earlier.column("sha256").chunks:
            self._sorter.add(_hash_rows(hashes))
        return any(bool((counts > 1).any()) for _, counts in groups(self._sorter.blocks()))

    def table(self, earlier: pa.Table) -> pa.Table:
        """Every chunk's text hashes in chunk order (``earlier``'s and those added; each chunk is in one),
        read memory-mapped and put together from slices, not copied."""
        self._finish_file()
        added = pa.ipc.open_file(pa.memory_map(str(self._path))).read_all()
        return pa.concat_tables([TEXTS_SCHEMA.empty_table(), *_in_chunk_order([earlier, added])])

    def _finish_file(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None


def _hash_rows(hashes: pa.Array) -> np.ndarray:
    """Fixed-size binary hashes as a byte array, viewed in place (they have no nulls)."""
    width = hashes.type.byte_width
    return np.frombuffer(hashes.buffers()[1], dtype=f"S{width}", count=len(hashes) + hashes.offset)[hashes.offset :]


def _in_chunk_order(tables: list[pa.Table]) -> Iterator[pa.Table]:
    """Slices of tables sorted by chunk, each chunk in one of them, in chunk order."""
    runs: list[list] = []  # [chunk, table, first row, rows]
    for table in tables:
        offset = 0
        for piece in table.column("chunk").chunks:
            chunks = piece.to_numpy()
            starts = np.flatnonzero(np.append(True, chunks[1:] != chunks[:-1])) if len(chunks) else np.array([], dtype=np.int64)
            for start, end in zip(starts.tolist(), [*starts[1:].tolist(), len(chunks)]):
                if start == 0 and runs and runs[-1][1] is table and runs[-1][0] == chunks[0]:
                    runs[-1][3] += end  # the chunk goes on from the last piece
                else:
                    runs.append([int(chunks[start]), table, offset + start, end - start])
            offset += len(chunks)
    for _, table, start, length in sorted(runs, key=lambda run: run[0]):
        yield table.slice(start, length)
