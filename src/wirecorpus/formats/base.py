"""The contract every interchange format keeps, and what the formats share.

A format module (``brat``, ``inception``, ``label_studio``, ...) does one or both of:

- ``read(paths) -> list[ToolDocument]``: a tool's export, as the tool sees it. A
  :class:`ToolDocument` is the text the tool showed and its labelled spans and
  links (relations, events) under the tool's own labels, with offsets turned into
  code points of that text. What the reader cannot take in at all (an attribute
  it has no place for, a note, a result type it does not know) goes into
  ``ToolDocument.problems``, never nowhere. An export that is not one (bad
  syntax, a missing text) raises :class:`~wirecorpus.errors.FormatError` naming
  the file and the line or id.
- ``write(pairs, *, out, inventory) -> list[Path]``: schema records written out
  for the tool, one article and its annotation file at a time.

Turning tool labels into the three layers (the MAP.json) is not a format's
business: :mod:`wirecorpus.formats.mapping` does it for every format alike.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import FormatError

Fragment = tuple[int, int]  # (start, end), code points, end-exclusive


@dataclass(frozen=True)
class Problem:
    """Something in a tool's export that was not converted, and why.

    ``where`` is ``path:line`` or ``path#id``; ``item`` shows the thing as the tool
    has it (``T12 Content 120 150;160 200``).
    """

    where: str
    item: str
    why: str

    def __str__(self) -> str:
        return f"{self.where}: {self.item}: {self.why}"


@dataclass(frozen=True)
class ToolSpan:
    """A labelled stretch of the document's text: one fragment, or several (discontinuous)."""

    id: str
    label: str
    fragments: tuple[Fragment, ...]
    where: str
    attributes: tuple[tuple[str, str], ...] = ()  # (name, value), e.g. brat A lines

    @property
    def start(self) -> int:
        return self.fragments[0][0]

    @property
    def end(self) -> int:
        return self.fragments[-1][1]

    @property
    def shown(self) -> str:
        """The span as a report shows it: ``T12 Content 120 150;160 200``."""
        return f"{self.id} {self.label} {';'.join(f'{start} {end}' for start, end in self.fragments)}"


@dataclass(frozen=True)
class ToolLink:
    """A labelled link between spans: a relation (no trigger) or an event (a trigger span).

    ``arguments`` are (role, span id) pairs, in the tool's order. For a binary
    relation a reader gives the roles the tool gives (brat's ``Arg1``/``Arg2``,
    or ``from``/``to`` where the tool has no names).
    """

    id: str
    label: str
    trigger: str | None
    arguments: tuple[tuple[str, str], ...]
    where: str
    attributes: tuple[tuple[str, str], ...] = ()

    @property
    def shown(self) -> str:
        """The link as a report shows it: ``E1 Attribution:T4 Content:T3 Cue:T2``."""
        head = f"{self.label}:{self.trigger}" if self.trigger else self.label
        return f"{self.id} {head} {' '.join(f'{role}:{target}' for role, target in self.arguments)}".rstrip()


@dataclass
class ToolDocument:
    """One annotated document of an export, in the tool's terms.

    ``kind`` is ``hand`` for people's work and ``model`` for a tool's
    predictions (Label Studio ``predictions``); ``annotator`` is who the tool
    says made it, when it says so.
    """

    name: str
    text: str
    where: str
    spans: list[ToolSpan] = field(default_factory=list)
    links: list[ToolLink] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    kind: str = "hand"
    annotator: str | None = None


class Utf16Offsets:
    """UTF-16 code unit offsets of a text (Label Studio, doccano, UIMA) turned into code points.

    Characters outside the Basic Multilingual Plane (emoji, many CJK ideographs)
    are one code point but two UTF-16 units; every offset after one shifts.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        # UTF-16 offsets at which each astral character starts.
        self._astral: list[int] = []
        units = 0
        for char in text:
            if ord(char) > 0xFFFF:
                self._astral.append(units)
                units += 2
            else:
                units += 1
        self.units = units

    def code_point(self, unit: int) -> int:
        """The code point index of a UTF-16 offset; ValueError if it splits a character or lies outside."""
        if not 0 <= unit <= self.units:
            raise ValueError(f"offset {unit} lies outside the text ({self.units} UTF-16 units)")
        before = bisect.bisect_left(self._astral, unit)
        if before and self._astral[before - 1] == unit - 1:
            raise ValueError(f"offset {unit} falls inside a character outside the BMP (a surrogate pair)")
        return unit - before


def checked_fragment(start: object, end: object, limit: int) -> Fragment:
    """``(start, end)`` as a tool gave them, checked: integers with ``0 <= start < end <= limit``.

    ValueError says what is wrong (a tool's offsets are data: strings, floats and
    empty or reversed spans occur in real exports).
    """
    if type(start) is not int or type(end) is not int:  # bool is an int but no offset
        raise ValueError(f"start {start!r} and end {end!r} are not integer offsets")
    if not 0 <= start < end <= limit:
        raise ValueError(f"offsets {start}-{end} are empty, reversed or outside the text ({limit} long)")
    return start, end


def code_point_fragments(index: Utf16Offsets, fragments: Sequence[tuple[int, int]]) -> tuple[Fragment, ...]:
    """UTF-16 fragments as code point fragments (raises ValueError like :meth:`Utf16Offsets.code_point`)."""
    return tuple((index.code_point(start), index.code_point(end)) for start, end in fragments)


def files_under(paths: Sequence[Path], suffixes: tuple[str, ...]) -> list[Path]:
    """The files named, and those with one of ``suffixes`` under the folders named, sorted; hidden ones left out.

    A path that does not exist is a FormatError (each reader would otherwise say it in its own words).
    """
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.name.endswith(suffixes) and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.exists():
            found.append(path)
        else:
            raise FormatError(f"{path}: no such file or folder")
    return found


_JSON_VALUE_START = re.compile(r"[^ \t\n\r]")  # the first character that is not JSON whitespace


def json_values(path: Path) -> list[tuple[int, Any]]:
    """The JSON values of a file one after another, each with the line it starts on.

    Reads JSON Lines, one JSON document, and pretty-printed values in a row alike
    (doccano's own relation example is pretty-printed although named ``.jsonl``).
    A file that cannot be read, or anything that is not JSON, raises
    :class:`FormatError` naming the file and the line the faulty value starts on.
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise FormatError(f"{path}: cannot be read as UTF-8 text: {error}") from None
    decoder = json.JSONDecoder()
    values: list[tuple[int, Any]] = []
    line, start, end = 1, 0, 0  # line is the line of text[start]
    while found := _JSON_VALUE_START.search(text, end):
        line += text.count("\n", start, found.start())
        start = found.start()
        try:
            value, end = decoder.raw_decode(text, start)
        except json.JSONDecodeError as error:
            where = "" if error.lineno == line else f" (at line {error.lineno})"
            raise FormatError(f"{path}:{line}: not JSON: {error.msg}{where}") from None
        values.append((line, value))
    return values
