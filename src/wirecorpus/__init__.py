"""wirecorpus: an annotated wire-news corpus and the tools that build it.

The data flows left to right, one module per step:
ingest -> annotate -> validate -> build -> release (load).
"""

from __future__ import annotations

from ._version import __version__

# Bound here, before anything imports the submodule of the same name, so that
# `wirecorpus.load` stays the function; the submodule imports `datasets` only when called.
from .load import load

__all__ = ["__version__", "load"]
