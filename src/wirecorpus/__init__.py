"""wirecorpus: an annotated wire-news corpus and the tools that build it.

The data flows left to right, one module per step:
ingest -> annotate -> validate -> build -> release (load).
"""

from __future__ import annotations

from ._version import __version__

__all__ = ["__version__", "load"]


def __getattr__(name: str):
    # `load` pulls in `datasets`; import it only when asked for.
    if name == "load":
        from .load import load

        return load
    raise AttributeError(f"module 'wirecorpus' has no attribute {name!r}")
