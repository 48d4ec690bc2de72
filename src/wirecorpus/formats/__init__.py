"""Interchange formats: one module per annotation tool (see :mod:`.base` for the contract)."""

from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import WirecorpusError

# Command-line format names -> modules of this package, for `wirecorpus import` and `wirecorpus export`.
# Kept here, with no heavy import, so that building the command line costs nothing.
IMPORT_FORMATS = {"brat": "brat", "inception": "inception", "label-studio": "label_studio", "doccano": "doccano", "prodigy": "prodigy"}
EXPORT_FORMATS = {"brat": "brat", "spacy": "spacy_docbin", "conll": "conll"}


def format_module(format: str, modules: dict[str, str], *, error: type[WirecorpusError]) -> ModuleType:
    """The module of this package that a command-line format name (a key of ``modules``) stands for."""
    if format not in modules:
        raise error(f"unknown format {format!r}; expected one of {', '.join(modules)}")
    return importlib.import_module(f"{__name__}.{modules[format]}")
