"""Parquet shards of one config and split, written at most :data:`SHARD_ROWS` rows at a time.

Output bytes depend on the rows alone: the writer options are pinned and each
shard is one contiguous table when written. So rows taken back from the last
build's shards (:class:`OldRows`) make the same bytes as the same rows made
from the files, and a shard whose rows are all an old shard's is that file.
"""

from __future__ import annotations

import bisect
import json
import os
import shutil
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .. import card, schema
from .record import ShardRecord

SHARD_ROWS = 10_000
ROW_GROUP_ROWS = 1_000
# Pinned so that output bytes depend on the rows alone.
PARQUET_OPTIONS = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
}


class BackgroundWrites:
    """Parquet files written on a thread while the next rows are parsed (Arrow releases the GIL).

    At most ``limit`` shards wait or are being written, which keeps memory bounded.
    """

    def __init__(self, limit: int = 2) -> None:
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.futures: deque[Future] = deque()
        self.limit = limit

    def submit(self, shard: pa.Table, path: Path) -> None:
        while len(self.futures) >= self.limit:
            self.futures.popleft().result()
        self.futures.append(self.pool.submit(pq.write_table, shard, path, row_group_size=ROW_GROUP_ROWS, **PARQUET_OPTIONS))

    def link(self, source: Path, path: Path) -> None:
        """A file of the last build, again: a hard link where the file system has them, else a copy."""
        try:
            os.link(source, path)
        except OSError:
            shutil.copyfile(source, path)

    def wait(self) -> None:
        while self.futures:
            self.futures.popleft().result()

    def __enter__(self) -> BackgroundWrites:
        return self

    def __exit__(self, *exc_info) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


@dataclass(frozen=True)
class OldRange:
    """Rows ``start`` to ``start + count`` of a config and split in the last build."""

    start: int
    count: int


class OldRows:
    """One config and split's rows in the last build's shards, still in its release folder."""

    def __init__(self, release: Path, shards: list[ShardRecord], arrow_schema: pa.Schema) -> None:
        self.release = release
        self.shards = shards
        self.arrow_schema = arrow_schema
        self.starts = [sum(shard.rows for shard in shards[:index]) for index in range(len(shards))]
        self._read: tuple[int, pa.Table] | None = None  # the shard read last: a shard's rows are taken in order

    def whole_shard(self, rows: OldRange) -> ShardRecord | None:
        """The old shard that holds exactly these rows, if one does."""
        index = bisect.bisect_left(self.starts, rows.start)
        if index < len(self.shards) and self.starts[index] == rows.start and self.shards[index].rows == rows.count:
            return self.shards[index]
        return None

    def table(self, rows: OldRange) -> pa.Table:
        """The rows, read from the shards that hold them."""
        parts, start, end = [], rows.start, rows.start + rows.count
        index = bisect.bisect_right(self.starts, start) - 1
        while start < end:
            table = self._shard_table(index)
            offset = start - self.starts[index]
            part = table.slice(offset, min(end - start, table.num_rows - offset))
            parts.append(part)
            start += part.num_rows
            index += 1
        return pa.concat_tables(parts)

    def _shard_table(self, index: int) -> pa.Table:
        if self._read is None or self._read[0] != index:
            # Cast back: Parquet names a list's items "element", the rows' schema "item".
            table = pq.read_table(self.release / self.shards[index].path).replace_schema_metadata(None)
            self._read = (index, table.cast(self.arrow_schema))
        return self._read[1]


@dataclass(frozen=True)
class WrittenShard:
    """A shard of this build, under its temporary name; ``sha256`` known if it is a file of the last build."""

    path: Path
    rows: int
    sha256: str | None


@dataclass
class ShardWriter:
    """Collects one config and split's rows and writes them out a full shard at a time.

    Rows are new tables or ranges of the last build's rows (``old``); a shard
    made of exactly an old shard's rows is that file again, linked rather than
    written, and one made partly of old rows reads them from the old shards.
    """

    folder: Path
    config: str
    split: str
    writes: BackgroundWrites
    metadata: dict[str, str]  # of every shard (see :func:`parquet_metadata`)
    old: OldRows | None = None
    pending: list[pa.Table | OldRange] = field(default_factory=list)
    pending_rows: int = 0
    written: list[WrittenShard] = field(default_factory=list)

    def add(self, table: pa.Table) -> None:
        self.pending.append(table)
        self._added(table.num_rows)

    def add_old(self, rows: OldRange) -> None:
        """Rows of the last build, taken as they are."""
        last = self.pending[-1] if self.pending else None
        if isinstance(last, OldRange) and last.start + last.count == rows.start:
            self.pending[-1] = OldRange(last.start, last.count + rows.count)
        elif rows.count:
            self.pending.append(rows)
        self._added(rows.count)

    def _added(self, count: int) -> None:
        self.pending_rows += count
        while self.pending_rows >= SHARD_ROWS:
            self._flush(SHARD_ROWS)

    def finish(self) -> None:
        """Write the last, partial shard."""
        if self.pending_rows:
            self._flush(self.pending_rows)

    @property
    def rows(self) -> int:
        return sum(shard.rows for shard in self.written)

    def output(self) -> card.SplitOutput:
        """Once every write is done: name the shards ``<split>-NNNNN-of-NNNNN.parquet``."""
        total = len(self.written)
        for index, shard in enumerate(self.written):
            final = shard.path.with_name(f"{self.split}-{index:05d}-of-{total:05d}.parquet")
            shard.path.rename(final)
            self.written[index] = WrittenShard(final, shard.rows, shard.sha256)
        files = tuple(shard.path.relative_to(self.folder).as_posix() for shard in self.written)
        return card.SplitOutput(
            config=self.config,
            split=self.split,
            num_examples=self.rows,
            num_bytes=sum(_uncompressed_size(shard.path) for shard in self.written),
            download_size=sum((self.folder / f).stat().st_size for f in files),
            files=files,
        )

    def _flush(self, count: int) -> None:
        taken = self._take(count)
        path = self.folder / "data" / self.config / f"{self.split}-{len(self.written):05d}.partial"
        path.parent.mkdir(parents=True, exist_ok=True)
        reused = self.old.whole_shard(taken[0]) if len(taken) == 1 and isinstance(taken[0], OldRange) else None
        if reused is not None:
            self.writes.link(self.old.release / reused.path, path)
            self.written.append(WrittenShard(path, count, reused.sha256))
            return
        tables = [self.old.table(piece) if isinstance(piece, OldRange) else piece for piece in taken]
        shard = pa.concat_tables(tables).combine_chunks()
        self.writes.submit(shard.replace_schema_metadata(self.metadata), path)
        self.written.append(WrittenShard(path, count, None))

    def _take(self, count: int) -> list[pa.Table | OldRange]:
        """The first ``count`` pending rows, as pieces; the rest stay pending."""
        taken, needed = [], count
        while needed:
            piece = self.pending.pop(0)
            size = piece.count if isinstance(piece, OldRange) else piece.num_rows
            if size > needed:
                head, tail = _split_piece(piece, needed)
                self.pending.insert(0, tail)
                piece, size = head, needed
            taken.append(piece)
            needed -= size
        self.pending_rows -= count
        return taken


def _uncompressed_size(path: Path) -> int:
    """The rows' size in the Parquet file before compression, from its footer. Not Arrow's in-memory
    size: that depends on how the rows were made (a validity bitmap with no null is kept from JSON,
    dropped from Parquet), and the same rows must give the same card."""
    metadata = pq.ParquetFile(path).metadata
    return sum(metadata.row_group(index).total_byte_size for index in range(metadata.num_row_groups))


def _split_piece(piece: pa.Table | OldRange, at: int) -> tuple[pa.Table | OldRange, pa.Table | OldRange]:
    if isinstance(piece, OldRange):
        return OldRange(piece.start, at), OldRange(piece.start + at, piece.count - at)
    return piece.slice(0, at), piece.slice(at)


def parquet_metadata(config: str, ner_tags: tuple[str, ...]) -> dict[str, str]:
    # The features in the file itself too, as `datasets` writes them, so a lone shard reads back right.
    features = schema.features(config, ner_tags=ner_tags)
    return {"huggingface": json.dumps({"info": {"features": features.to_dict()}}, sort_keys=True)}
