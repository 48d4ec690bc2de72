"""keep_large_blocks_mapped: blocks of a chunk's size go back to the system when freed, even after a larger one was."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from wirecorpus import heap

GLIBC = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"

# Run in a process of its own, as a command is: the test process's heap depends on the tests before
# (a library some load changes how malloc maps blocks). Prints the MB given back when 16 MB of blocks are freed.
FREED_MB = """
import sys
from wirecorpus import heap

def anon_mb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("RssAnon")) / 1024

if sys.argv[1] == "fixed":
    assert heap.keep_large_blocks_mapped()
# Freeing a mapped 24 MB block raises glibc's own threshold to 24 MB: smaller blocks would then come from the heap.
larger = b"x" * (24 << 20)
del larger
blocks = [b"%d" % n * (2 << 20) for n in range(8)]  # 16 MB, each page written
held = anon_mb()
del blocks
print(held - anon_mb())
"""


def _freed_mb(how: str) -> float:
    done = subprocess.run([sys.executable, "-c", FREED_MB, how], capture_output=True, text=True, check=True)
    return float(done.stdout)


@pytest.mark.skipif(not GLIBC, reason="the threshold is glibc's malloc's")
def test_heap_freed_chunk_sized_blocks_go_back_to_the_system() -> None:
    assert _freed_mb("fixed") > 12  # as glibc has it (any other argument), some 0 MB


def test_heap_keep_large_blocks_mapped_says_whether_it_could() -> None:
    assert heap.keep_large_blocks_mapped() is GLIBC
