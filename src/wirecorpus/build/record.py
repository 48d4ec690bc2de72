"""The record of the last build of a release folder, kept beside it (:func:`wirecorpus.layout.build_record_path`).

It says what the build read and what it made of it, so that the next build
can tell whether anything changed and redo only what a change touches:

- ``record.json``: the fingerprint of the code, the digest of the input
  listing, the SHA-256 of the release's ``MANIFEST.json`` and of the two
  tables below, and per chunk of rows (:func:`wirecorpus.rows.chunk_work`)
  its split, first and last article, its row count per config and its
  counts for the card; per config and split, its shards (path, rows, size,
  SHA-256); the card's scores.
- ``inputs.arrow``: every input file's path, size, mtime and SHA-256, sorted by
  path, so that the next build matches it with its own sorted listing a batch
  at a time (:func:`.inputs.changed_paths`).
- ``texts.arrow``: the text hash of every article (32 bytes), by chunk, for
  the check that no text is in the corpus twice.

The two tables are Arrow IPC files, written a batch at a time and read
memory-mapped, batch by batch: at a million articles they hold some 300 MB,
which the build then does not keep in its own memory.

Each file is written atomically, the record last, naming the digests of the
other two; a record whose files do not match (a build killed while writing
it, a hand edit), or whose manifest is not the release's, is not used, and
the build is then a full one. A record is never needed: without one the
build is a full build.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from functools import cached_property
from pathlib import Path
from typing import Any

import pyarrow as pa

from .. import layout, ner, storage
from ..stats import Stats
from .inputs import DIGEST_BYTES, INPUTS_SCHEMA, RECORD_FORMAT

RECORD_NAME = "record.json"
INPUTS_NAME = "inputs.arrow"
TEXTS_NAME = "texts.arrow"
TEXT_HASH = pa.binary(DIGEST_BYTES)  # a text's SHA-256, as 32 bytes
TEXTS_SCHEMA = pa.schema([("chunk", pa.int32()), ("sha256", TEXT_HASH)])


@dataclass(frozen=True)
class Scores:
    """The card's scores: the evaluation tables of model sets against hand sets, and the agreement of hand sets."""

    evaluations: list[str]
    agreement: str | None


@dataclass(frozen=True)
class ShardRecord:
    """A shard of the release: its path in the release folder, rows, file size and SHA-256."""

    path: str
    rows: int
    size: int
    sha256: str


@dataclass
class ChunkRecord:
    """What one chunk of articles came to: its rows per config, and its counts for the card."""

    split: str
    first: str
    last: str
    articles: int
    rows: dict[str, int]
    stats: Stats
    sentences: ner.Summary  # of this chunk alone


@dataclass
class BuildRecord:
    """The last build of a release folder (see the module docstring)."""

    folder: Path  # the record's folder
    fingerprint: str
    listing: str
    manifest_sha256: str
    chunks: list[ChunkRecord]
    shards: dict[str, list[ShardRecord]]  # "<config>/<split>" -> its shards in order
    scores: Scores
    digests: dict[str, str]  # INPUTS_NAME / TEXTS_NAME -> SHA-256 of the file

    @cached_property
    def inputs(self) -> pa.Table | None:
        """Every input file's path, size, mtime (ns) and SHA-256 (:data:`.inputs.INPUTS_SCHEMA`);
        None if the table is not the recorded one."""
        table = self._table(INPUTS_NAME)
        return table if table is not None and table.schema.equals(INPUTS_SCHEMA) else None

    @cached_property
    def texts(self) -> pa.Table | None:
        """The text hash of each article (:data:`TEXTS_SCHEMA`), by chunk; None if unknown (the build validated in full)."""
        table = self._table(TEXTS_NAME)
        if table is None or table.num_rows == 0 or not table.schema.equals(TEXTS_SCHEMA):
            return None
        return table

    def _table(self, name: str) -> pa.Table | None:
        try:
            data = pa.memory_map(str(self.folder / name)).read_buffer()
            if hashlib.sha256(memoryview(data)).hexdigest() != self.digests.get(name):
                return None
            return pa.ipc.open_file(data).read_all()
        except (OSError, pa.ArrowInvalid):
            return None


def read_record(release: Path) -> BuildRecord | None:
    """The record of the last build of ``release``, if there is one that fits it (see the module docstring)."""
    folder = layout.build_record_path(release)
    try:
        data = json.loads((folder / RECORD_NAME).read_text(encoding="utf-8"))
        manifest = (Path(release) / "MANIFEST.json").read_bytes()
        if data["format"] != RECORD_FORMAT or hashlib.sha256(manifest).hexdigest() != data["manifest_sha256"]:
            return None
        chunks = [_chunk_from_json(chunk) for chunk in data["chunks"]]
        shards = {key: [ShardRecord(**shard) for shard in found] for key, found in data["shards"].items()}
        scores = Scores(list(data["scores"]["evaluations"]), data["scores"]["agreement"])
        record = BuildRecord(folder, data["fingerprint"], data["listing"], data["manifest_sha256"], chunks, shards, scores, data["digests"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return record if _shards_in_place(Path(release), record) else None


def _shards_in_place(release: Path, record: BuildRecord) -> bool:
    """Every recorded shard is in the release with its recorded size (the files are read only where reused)."""
    for shards in record.shards.values():
        for shard in shards:
            try:
                if (release / shard.path).stat().st_size != shard.size:
                    return False
            except OSError:
                return False
    return True


def write_record(
    release: Path,
    *,
    fingerprint: str,
    listing: str,
    inputs: Iterable[pa.RecordBatch],
    chunks: list[ChunkRecord],
    texts: pa.Table | None,
    shards: dict[str, list[ShardRecord]],
    scores: Scores,
) -> None:
    """Write the record of a build of ``release`` (which holds its manifest by now)."""
    folder = layout.build_record_path(release)
    texts = TEXTS_SCHEMA.empty_table() if texts is None else texts
    digests = {INPUTS_NAME: _write_table(folder / INPUTS_NAME, INPUTS_SCHEMA, inputs),
               TEXTS_NAME: _write_table(folder / TEXTS_NAME, TEXTS_SCHEMA, texts.to_batches())}
    data = {
        "format": RECORD_FORMAT,
        "fingerprint": fingerprint,
        "listing": listing,
        "manifest_sha256": hashlib.sha256((Path(release) / "MANIFEST.json").read_bytes()).hexdigest(),
        "digests": digests,
        "chunks": [_chunk_to_json(chunk) for chunk in chunks],
        "shards": {key: [asdict(shard) for shard in found] for key, found in shards.items()},
        "scores": asdict(scores),
    }
    storage.write_text_atomic(folder / RECORD_NAME, json.dumps(data, sort_keys=True) + "\n")


def remove_record(release: Path) -> None:
    """Forget the last build's record (before a build replaces the release it describes)."""
    (layout.build_record_path(release) / RECORD_NAME).unlink(missing_ok=True)


def _write_table(path: Path, schema: pa.Schema, batches: Iterable[pa.RecordBatch]) -> str:
    """Write an Arrow IPC file a batch at a time (whole or not at all); its SHA-256."""
    digest = hashlib.sha256()

    def chunks() -> Iterator[bytes]:
        sink = _Sink()
        with pa.ipc.new_file(pa.PythonFile(sink, mode="w"), schema) as writer:
            for batch in batches:
                writer.write_batch(batch)
                yield from sink.drain(digest)
        yield from sink.drain(digest)  # the footer

    storage.write_chunks_atomic(path, chunks())
    return digest.hexdigest()


class _Sink:
    """Where the IPC writer puts its bytes until they are taken, hashed, to the file."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []
        self.position = 0
        self.closed = False

    def write(self, data: bytes) -> int:
        piece = bytes(data)
        self.pieces.append(piece)
        self.position += len(piece)
        return len(piece)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def drain(self, digest: Any) -> Iterator[bytes]:
        pieces, self.pieces = self.pieces, []
        for piece in pieces:
            digest.update(piece)
            yield piece


def _counters_to_json(counts: object) -> dict[str, list]:
    return {f.name: [[*key, n] if isinstance(key, tuple) else [key, n] for key, n in getattr(counts, f.name).items()]
            for f in fields(counts) if isinstance(getattr(counts, f.name), Counter)}


def _counter_from_json(pairs: list[list]) -> Counter:
    return Counter({(tuple(pair[:-1]) if len(pair) > 2 else pair[0]): pair[-1] for pair in pairs})


def _chunk_to_json(chunk: ChunkRecord) -> dict:
    return {"split": chunk.split, "first": chunk.first, "last": chunk.last, "articles": chunk.articles, "rows": chunk.rows,
            "stats": _counters_to_json(chunk.stats), "sentences": _counters_to_json(chunk.sentences)}


def _chunk_from_json(data: dict) -> ChunkRecord:
    stats = Stats(**{name: _counter_from_json(pairs) for name, pairs in data["stats"].items()})
    sentences = ner.Summary(tags=(), **{name: _counter_from_json(pairs) for name, pairs in data["sentences"].items()})
    return ChunkRecord(data["split"], data["first"], data["last"], data["articles"], data["rows"], stats, sentences)
