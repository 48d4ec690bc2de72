"""keep_large_blocks_mapped: blocks of a chunk's size go back to the system when freed, even after a larger one was."""

from __future__ import annotations

import platform

import pytest

from wirecorpus import heap

GLIBC = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"


def _anon_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("RssAnon")) / 1024


@pytest.mark.skipif(not GLIBC, reason="the threshold is glibc's malloc's")
def test_heap_freed_chunk_sized_blocks_go_back_to_the_system() -> None:
    assert heap.keep_large_blocks_mapped()
    # Freeing a mapped 24 MB block would raise glibc's own threshold to 24 MB, and blocks smaller than that would come from the heap.
    larger = b"x" * (24 << 20)
    del larger
    blocks = [b"%d" % n * (2 << 20) for n in range(8)]  # 16 MB, each page written
    held = _anon_mb()
    del blocks
    assert _anon_mb() < held - 12


def test_heap_keep_large_blocks_mapped_says_whether_it_could() -> None:
    assert heap.keep_large_blocks_mapped() is GLIBC
