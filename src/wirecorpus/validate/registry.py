"""The registry of checks and of the finding ids they emit, and the findings themselves.

Each check is a function registered with :func:`check` at its level; its
docstring lists, under ``Emits:``, every id it can report with a severity and
a one-line meaning::

    Emits:
        span-text-mismatch (error): the covered text differs from text[start:end].

That list is the registry: a finding with an id no check declares cannot be
made, and the table of ids in CONTRIBUTING.md is generated from it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import jsonpos

LEVELS = {1: "file", 2: "schema", 3: "article", 4: "corpus"}
SEVERITIES = ("error", "warning")

_EMITS_LINE = re.compile(r"^\s+(?P<id>[a-z0-9]+(?:-[a-z0-9]+)*) \((?P<severity>error|warning)\): (?P<summary>.+)$")


@dataclass(frozen=True)
class FindingKind:
    """One finding id: its level, severity, meaning and the check that emits it."""

    id: str
    level: int
    severity: str
    summary: str
    check: str


REGISTRY: dict[str, FindingKind] = {}


def check(level: int) -> Callable[[Callable], Callable]:
    """Register a check function at a level, with the ids its docstring declares."""

    def register(func: Callable) -> Callable:
        kinds = _declared_kinds(func, level)
        if not kinds:
            raise TypeError(f"check {func.__qualname__} declares no ids under 'Emits:'")
        for kind in kinds:
            if kind.id in REGISTRY and REGISTRY[kind.id].check != kind.check:
                raise TypeError(f"id {kind.id} is declared by both {REGISTRY[kind.id].check} and {kind.check}")
            REGISTRY[kind.id] = kind
        func.emits = frozenset(kind.id for kind in kinds)
        return func

    return register


def _declared_kinds(func: Callable, level: int) -> list[FindingKind]:
    doc = func.__doc__ or ""
    _, _, emits = doc.partition("Emits:\n")
    kinds = []
    for line in emits.splitlines():
        match = _EMITS_LINE.match(line)
        if not match:
            break
        kinds.append(FindingKind(match["id"], level, match["severity"], match["summary"], f"{func.__module__}.{func.__qualname__}"))
    return kinds


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in one file."""

    id: str
    path: str
    message: str
    place: str | None = None
    line: int | None = None

    @property
    def kind(self) -> FindingKind:
        return REGISTRY[self.id]

    @property
    def level(self) -> int:
        return REGISTRY[self.id].level

    @property
    def severity(self) -> str:
        return REGISTRY[self.id].severity

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "level": f"L{self.level}",
            "severity": self.severity,
            "path": self.path,
            "line": self.line,
            "place": self.place,
            "message": self.message,
        }


class Collector:
    """The findings of one file.

    Checks add an id, a message and where in the JSON the problem is; places
    (``entities[12] (T13)``) and line numbers are worked out only at the end,
    and only for a file that has findings, so a clean file costs nothing extra.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.pending: list[tuple[str, str, jsonpos.JsonPath | None, jsonpos.JsonPath | None, int | None]] = []

    def add(self, finding_id: str, message: str, where: jsonpos.JsonPath | None = None, *, at: jsonpos.JsonPath | None = None, line: int | None = None) -> None:
        """Record a finding; ``where`` is shown as the place, ``at`` (default ``where``) gives the line."""
        if finding_id not in REGISTRY:
            raise KeyError(f"finding id {finding_id!r} is not declared by any check")
        self.pending.append((finding_id, message, where, at if at is not None else where, line))

    def errors(self, level: int | None = None) -> int:
        return sum(
            1
            for finding_id, *_ in self.pending
            if REGISTRY[finding_id].severity == "error" and (level is None or REGISTRY[finding_id].level == level)
        )

    def findings(self, *, text: str | None = None, data: Any = None) -> list[Finding]:
        """The findings, with places taken from ``data`` and lines from the file ``text``."""
        if not self.pending:
            return []
        lines = _lines(text)
        out = []
        for finding_id, message, where, at, line in self.pending:
            if line is None and at is not None and lines:
                line = jsonpos.line_of(lines, at)
            place = describe(where, data) if where else None
            out.append(Finding(finding_id, self.path, message, place, line))
        return out


def _lines(text: str | None) -> dict[jsonpos.JsonPath, int]:
    if text is None:
        return {}
    try:
        return jsonpos.loads_with_lines(text)[1]
    except (ValueError, RecursionError):
        return {}


def describe(where: jsonpos.JsonPath, data: Any) -> str:
    """A path as a reader names it: ``quotes[2] (Q3).content``; a listed record's id is shown."""
    parts: list[str] = []
    node = data
    for step in where:
        if isinstance(step, int):
            parts.append(f"[{step}]")
            node = node[step] if isinstance(node, list) and step < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                parts.append(f" ({node['id']})")
        else:
            parts.append(f".{step}" if parts else step)
            node = node.get(step) if isinstance(node, dict) else None
    return "".join(parts)


def markdown_table() -> str:
    """The table of finding ids for CONTRIBUTING.md, by level then id."""
    rows = ["| Id | Level | Severity | Meaning |", "| --- | --- | --- | --- |"]
    for kind in sorted(REGISTRY.values(), key=lambda k: (k.level, k.id)):
        rows.append(f"| `{kind.id}` | L{kind.level} {LEVELS[kind.level]} | {kind.severity} | {kind.summary} |")
    return "\n".join(rows) + "\n"


TABLE_BEGIN = "<!-- finding ids: begin (generated: python -m wirecorpus.validate) -->"
TABLE_END = "<!-- finding ids: end -->"


def with_table(document: str) -> str:
    """A document with the text between the table markers replaced by the current table."""
    head, begin, rest = document.partition(TABLE_BEGIN)
    _, end, tail = rest.partition(TABLE_END)
    if not begin or not end:
        raise ValueError(f"the document lacks the markers {TABLE_BEGIN!r} and {TABLE_END!r}")
    return f"{head}{TABLE_BEGIN}\n{markdown_table()}{TABLE_END}{tail}"


def update_document(path: Path) -> bool:
    """Rewrite the table in a document; True if it changed."""
    old = path.read_text(encoding="utf-8")
    new = with_table(old)
    if new != old:
        path.write_text(new, encoding="utf-8")
    return new != old
