"""corpus/splits.json read as a stream, each id with its line, when the file is sound.

The file holds an id per article (30 MB at a million articles), so it is not
read whole: it is decoded and taken apart a block at a time, and what the
checks of levels 1 and 2 ask of it (UTF-8 without a byte order mark, JSON, NFC,
no lone surrogate, an object of exactly the splits, each a list of strings) is
checked on the way. Anything else (a fault, or JSON that is sound but not that
plainly so, such as a split given twice, where the last one counts) stops the
stream with :class:`NotPlain`, and the file is read whole by the checks of
:mod:`.files` and :mod:`.corpus_checks`, which say what is wrong and where.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterator
from json.decoder import scanstring
from pathlib import Path
from typing import BinaryIO

from .. import splits

_READ = 1 << 20  # bytes read at a time
_SPACE = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\.)*"', re.DOTALL)  # a string's extent; scanstring decodes it
# An item with nothing to decode (no escape), and the comma or the list's end after it.
_PLAIN_ITEM = re.compile(r'[ \t\n\r]*"([^"\\\x00-\x1f]*)"[ \t\n\r]*([,\]])')
_LAST_ASCII = re.compile(r"[\x00-\x7f][^\x00-\x7f]*\Z")


class NotPlain(Exception):
    """The file is not plainly a sound splits file: it is to be read whole."""


def recorded_blocks(path: Path, *, block: int = 1 << 12) -> Iterator[tuple[str, list[str], list[int]]]:
    """The ids of each split as ``(split, ids, lines)`` blocks in the file's order; :class:`NotPlain` (raised
    when the reading gets there) for a file that is not plainly sound, or that cannot be read. A block's
    ids and lines are Python objects, some 100 bytes an id: blocks are kept small."""
    try:
        with open(path, "rb") as handle:
            yield from _Reader(handle, block).splits()
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise NotPlain(str(exc)) from None


class _Reader:
    """The file's text a block at a time, taken in from the front, with the line of the place reached."""

    def __init__(self, handle: BinaryIO, block: int) -> None:
        self.handle, self.block = handle, block
        self.decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self.text, self.at, self.line, self.counted = "", 0, 1, 0
        self.ended = False
        self.nfc_tail = ""  # text since the last ASCII character, whose NFC may depend on what follows
        raw = handle.read(max(_READ, len(codecs.BOM_UTF8)))
        if raw.startswith(codecs.BOM_UTF8):
            raise NotPlain("a byte order mark")
        self._append(raw)

    def splits(self) -> Iterator[tuple[str, list[str], list[int]]]:
        self.expect("{")
        seen: set[str] = set()
        while True:
            name = self.string()
            if name not in splits.SPLITS or name in seen:
                raise NotPlain(f"the key {name!r}")
            seen.add(name)
            self.expect(":")
            self.expect("[")
            yield from ((name, ids, lines) for ids, lines in self.items())
            if self.expect(",", "}") == "}":
                break
        self.space()  # to the end of the file, or to what follows the object
        if seen != set(splits.SPLITS) or self.at < len(self.text):
            raise NotPlain("not an object of the splits alone")

    def items(self) -> Iterator[tuple[list[str], list[int]]]:
        """The strings of a list whose ``[`` was taken, up to its ``]``, a block at a time."""
        ids: list[str] = []
        lines: list[int] = []
        self.space()
        ended = self.peek() == "]"
        self.at += ended
        while not ended:
            plain = _PLAIN_ITEM.match(self.text, self.at)
            if plain is not None and plain.end() < len(self.text):
                ids.append(plain[1])
                lines.append(self._line_at(plain.start(1) - 1))
                self.at, ended = plain.end(), plain[2] == "]"
            else:
                self.space()
                lines.append(self._line_at(self.at))
                ids.append(self.string())
                ended = self.expect(",", "]") == "]"
            if len(ids) == self.block or (ended and ids):
                yield ids, lines
                ids, lines = [], []

    def string(self) -> str:
        """A JSON string, decoded as json.loads decodes it; one with a lone surrogate is not plain."""
        self.space()
        found = self._match(_STRING)
        if found is None:
            raise NotPlain("not a string")
        value, end = scanstring(self.text, self.at + 1, True)
        if end != found.end():
            raise NotPlain("not a string")
        if not value.isascii():
            value.encode("utf-8")  # UnicodeEncodeError (a ValueError) for a lone surrogate
        self.at = end
        return value

    def expect(self, *tokens: str) -> str:
        self.space()
        token = self.peek()
        if token not in tokens:
            raise NotPlain(f"expected one of {tokens}")
        self.at += 1
        return token

    def space(self) -> None:
        self.at = self._match(_SPACE).end()

    def peek(self) -> str:
        if self.at >= len(self.text):
            self._more_or_end()
        return self.text[self.at : self.at + 1]

    def _match(self, pattern: re.Pattern) -> re.Match | None:
        """The pattern at the place reached, with text enough that the match cannot go on past it."""
        while True:
            found = pattern.match(self.text, self.at)
            if (found is not None and found.end() < len(self.text)) or not self._more_or_end():
                return found

    def _line_at(self, place: int) -> int:
        self.line += self.text.count("\n", self.counted, place)
        self.counted = place
        return self.line

    def _more_or_end(self) -> bool:
        """Read on; False at the end of the file."""
        if self.ended:
            return False
        raw = self.handle.read(_READ)
        self._line_at(self.at)
        self.text, self.at, self.counted = self.text[self.at :], 0, 0
        self._append(raw)
        return bool(raw)

    def _append(self, raw: bytes) -> None:
        self.ended = not raw
        decoded = self.decoder.decode(raw, final=self.ended)
        self._check_nfc(decoded)
        self.text += decoded

    def _check_nfc(self, decoded: str) -> None:
        # An ASCII character starts a part whose NFC does not depend on what comes before it.
        text = self.nfc_tail + decoded
        if text.isascii():
            self.nfc_tail = text[-1:]
            return
        last = _LAST_ASCII.search(text)
        cut = last.start() if last is not None and not self.ended else len(text)
        if not unicodedata.is_normalized("NFC", text[:cut]):
            raise NotPlain("not in NFC")
        self.nfc_tail = text[cut:]
