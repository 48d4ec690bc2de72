"""Parquet shards of one config and split, written at most :data:`SHARD_ROWS` rows at a time.

Output bytes depend on the rows alone: the writer options are pinned and each
shard is one contiguous table when written.
"""

from __future__ import annotations

import json
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .. import card, schema

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

    def wait(self) -> None:
        while self.futures:
            self.futures.popleft().result()

    def __enter__(self) -> BackgroundWrites:
        return self

    def __exit__(self, *exc_info) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


@dataclass
class ShardWriter:
    """Collects one config and split's rows and writes them out a full shard at a time."""

    folder: Path
    config: str
    split: str
    writes: BackgroundWrites
    metadata: dict[str, str]  # of every shard (see :func:`parquet_metadata`)
    pending: list[pa.Table] = field(default_factory=list)
    pending_rows: int = 0
    written: list[tuple[Path, int]] = field(default_factory=list)  # (file, Arrow bytes)
    rows: int = 0

    def add(self, table: pa.Table) -> None:
        self.pending.append(table)
        self.pending_rows += table.num_rows
        while self.pending_rows >= SHARD_ROWS:
            self._flush(SHARD_ROWS)

    def finish(self) -> None:
        """Write the last, partial shard."""
        if self.pending_rows:
            self._flush(self.pending_rows)

    def output(self) -> card.SplitOutput:
        """Once every write is done: name the shards ``<split>-NNNNN-of-NNNNN.parquet``."""
        total = len(self.written)
        files = []
        for index, (path, _) in enumerate(self.written):
            final = path.with_name(f"{self.split}-{index:05d}-of-{total:05d}.parquet")
            path.rename(final)
            files.append(final.relative_to(self.folder).as_posix())
        return card.SplitOutput(
            config=self.config,
            split=self.split,
            num_examples=self.rows,
            num_bytes=sum(nbytes for _, nbytes in self.written),
            download_size=sum((self.folder / f).stat().st_size for f in files),
            files=tuple(files),
        )

    def _flush(self, count: int) -> None:
        table = pa.concat_tables(self.pending)
        shard, rest = table.slice(0, count).combine_chunks(), table.slice(count)
        self.pending, self.pending_rows = ([rest] if rest.num_rows else []), rest.num_rows
        path = self.folder / "data" / self.config / f"{self.split}-{len(self.written):05d}.partial"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.writes.submit(shard.replace_schema_metadata(self.metadata), path)
        self.written.append((path, shard.nbytes))
        self.rows += shard.num_rows


def parquet_metadata(config: str, ner_tags: tuple[str, ...]) -> dict[str, str]:
    # The features in the file itself too, as `datasets` writes them, so a lone shard reads back right.
    features = schema.features(config, ner_tags=ner_tags)
    return {"huggingface": json.dumps({"info": {"features": features.to_dict()}}, sort_keys=True)}
