"""JSON with line numbers: the value of a document and the line on which each of its values starts.

The validator parses with the C :mod:`json` module, which is fast but keeps no
positions; only for a file that has findings does it parse again with
:func:`loads_with_lines` to say on which line a finding lies. The parser
accepts what ``json.loads`` accepts and gives the same value (duplicate keys:
the last one wins), so the two never disagree.

Paths are tuples of object keys and list indices, ``()`` for the document:
``("entities", 12, "text")`` is the ``text`` of the 13th entity.
"""

from __future__ import annotations

import bisect
import re
from json import JSONDecodeError
from json.decoder import scanstring
from json.scanner import NUMBER_RE
from typing import Any

JsonPath = tuple[str | int, ...]

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_CONSTANTS = {
    "null": None,
    "true": True,
    "false": False,
    "NaN": float("nan"),
    "Infinity": float("inf"),
    "-Infinity": float("-inf"),
}


def loads_with_lines(text: str) -> tuple[Any, dict[JsonPath, int]]:
    """Parse a JSON document; return its value and the 1-based start line of every value by path."""
    parser = _Parser(text)
    value, end = parser.value(0, ())
    end = parser.skip(end)
    if end != len(text):
        raise JSONDecodeError("Extra data", text, end)
    return value, parser.lines


def line_of(lines: dict[JsonPath, int], path: JsonPath) -> int | None:
    """The line of a path, or of its nearest ancestor that exists (a missing field: its record)."""
    for depth in range(len(path), -1, -1):
        line = lines.get(path[:depth])
        if line is not None:
            return line
    return None


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [match.start() for match in re.finditer("\n", text)]
        self.lines: dict[JsonPath, int] = {}

    def skip(self, pos: int) -> int:
        return _WHITESPACE.match(self.text, pos).end()

    def value(self, pos: int, path: JsonPath) -> tuple[Any, int]:
        pos = self.skip(pos)
        self.lines[path] = bisect.bisect_left(self.newlines, pos) + 1
        char = self.text[pos : pos + 1]
        if char == "{":
            return self.object(pos + 1, path)
        if char == "[":
            return self.array(pos + 1, path)
        if char == '"':
            return scanstring(self.text, pos + 1, True)
        number = NUMBER_RE.match(self.text, pos)
        if number:
            integer, fraction, exponent = number.groups()
            if fraction or exponent:
                return float(integer + (fraction or "") + (exponent or "")), number.end()
            return int(integer), number.end()
        for word, constant in _CONSTANTS.items():
            if self.text.startswith(word, pos):
                return constant, pos + len(word)
        raise JSONDecodeError("Expecting value", self.text, pos)

    def object(self, pos: int, path: JsonPath) -> tuple[dict[str, Any], int]:
        result: dict[str, Any] = {}
        pos = self.skip(pos)
        if self.text[pos : pos + 1] == "}":
            return result, pos + 1
        while True:
            if self.text[pos : pos + 1] != '"':
                raise JSONDecodeError("Expecting property name enclosed in double quotes", self.text, pos)
            key, pos = scanstring(self.text, pos + 1, True)
            pos = self.skip(pos)
            if self.text[pos : pos + 1] != ":":
                raise JSONDecodeError("Expecting ':' delimiter", self.text, pos)
            result[key], pos = self.value(pos + 1, (*path, key))
            pos = self.skip(pos)
            char = self.text[pos : pos + 1]
            if char == "}":
                return result, pos + 1
            if char != ",":
                raise JSONDecodeError("Expecting ',' delimiter", self.text, pos)
            pos = self.skip(pos + 1)

    def array(self, pos: int, path: JsonPath) -> tuple[list[Any], int]:
        result: list[Any] = []
        pos = self.skip(pos)
        if self.text[pos : pos + 1] == "]":
            return result, pos + 1
        while True:
            item, pos = self.value(pos, (*path, len(result)))
            result.append(item)
            pos = self.skip(pos)
            char = self.text[pos : pos + 1]
            if char == "]":
                return result, pos + 1
            if char != ",":
                raise JSONDecodeError("Expecting ',' delimiter", self.text, pos)
            pos += 1
