"""The validator: checks article records and annotation files in four levels.

    L1 file     readable, UTF-8, JSON, Unicode NFC
    L2 schema   fields and types from wirecorpus.schema, values from annotations/schema.json
    L3 article  a record against itself; an annotation's ids, references and spans against its article
    L4 corpus   splits, duplicate texts, files outside the layout

A lower level's errors gate the higher levels for that file. Every finding
has a stable id declared by the check that emits it (see :mod:`.registry`);
CONTRIBUTING.md lists them all.
"""

from __future__ import annotations

from .registry import REGISTRY, Finding, FindingKind
from .output import render
from .runner import ValidationReport, validate

__all__ = ["REGISTRY", "Finding", "FindingKind", "ValidationReport", "render", "validate"]
