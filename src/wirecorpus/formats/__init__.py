"""Interchange formats: one module per annotation tool (see :mod:`.base` for the contract)."""

from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import WirecorpusError


def format_module(format: str, modules: dict[str, str], *, error: type[WirecorpusError]) -> ModuleType:
    """The module of this package that a command-line format name (a key of ``modules``) stands for."""
    if format not in modules:
        raise error(f"unknown format {format!r}; expected one of {', '.join(modules)}")
    return importlib.import_module(f"{__name__}.{modules[format]}")
