"""Large buffers kept out of the C library's heap, so that the memory they took goes back to the system when they are freed.

glibc's ``malloc`` maps a block of 128 KiB or more on its own and unmaps it when
it is freed; but each time such a block is freed it raises that threshold to the
block's size (up to 32 MiB), and from then on blocks of that size come from the
heap. A step that handles a chunk of some megabytes at a time (the rows a worker
sends, a shard's columns) then grows its heap with every chunk: the blocks are
freed, but the heap keeps the pages between the ones still in use. On a build
of 100,000 articles (50 chunks), the main process's anonymous memory crept from
260 to 420 MB over the chunks though it held no more objects, and ended at
some 380 MB; with the threshold fixed it stays near 280 MB and ends near 220 MB.
:func:`keep_large_blocks_mapped` fixes it.
"""

from __future__ import annotations

import ctypes
import platform

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)
# Blocks this large or larger are mapped on their own: a chunk's buffers are, a Python object is not.
LARGE_BLOCK_BYTES = 1 << 20


def keep_large_blocks_mapped() -> bool:
    """Fix glibc's threshold for mapping a block on its own at :data:`LARGE_BLOCK_BYTES`, for this process
    and those it forks; whether it was set (False where the C library is not glibc)."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK_BYTES))
