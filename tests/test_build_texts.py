"""The build's text hashes, kept on disk as chunks come: a repeat is found across chunks and runs, and
the record's table has every chunk's hashes in chunk order."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wirecorpus import sorted_runs
from wirecorpus.build.record import TEXT_HASH, TEXTS_SCHEMA
from wirecorpus.build.texts import ChunkTexts

hashes = st.lists(st.integers(0, 5).map(lambda n: bytes([n]) * 32), max_size=5)  # few values: repeats are common


def texts_table(chunks: dict[int, list[bytes]]) -> pa.Table:
    rows = [(position, digest) for position, found in sorted(chunks.items()) for digest in found]
    return pa.table([pa.array([p for p, _ in rows], pa.int32()), pa.array([d for _, d in rows], TEXT_HASH)], schema=TEXTS_SCHEMA)


@settings(max_examples=60, deadline=None)
@given(st.lists(hashes, max_size=6), st.sets(st.integers(0, 5)))
def test_build_texts_find_a_repeat_and_keep_chunk_order(chunks: list[list[bytes]], taken_again: set[int]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sorted_runs, "RUN_ROWS", 2)  # runs on disk, read back a row or two at a time
        patch.setattr(sorted_runs, "BLOCK_ROWS", 1)
        earlier = {position: found for position, found in enumerate(chunks) if position in taken_again}
        with ChunkTexts() as texts:
            for position, found in enumerate(chunks):
                if position not in taken_again:
                    texts.add(position, pa.array(found, TEXT_HASH))
            every = [digest for found in chunks for digest in found]
            assert texts.repeated(texts_table(earlier)) == (len(set(every)) < len(every))
            assert texts.table(texts_table(earlier)).equals(texts_table(dict(enumerate(chunks))))


def test_build_texts_keep_nothing_once_a_chunk_comes_without() -> None:
    with ChunkTexts() as texts:
        texts.add(0, pa.array([b"a" * 32], TEXT_HASH))
        texts.add(1, None)
        texts.add(2, pa.array([b"a" * 32], TEXT_HASH))
        assert not texts.known
