"""Where a tool's text lies in an article: offsets of the tool's text taken to the article's.

A tool holds the text it was given, which is not always the article's ``text``
character for character. The text is matched to an article after ingest's
normalisation (:func:`wirecorpus.ingest.normalize_text`: ``\\r\\n`` to ``\\n``, NFC,
outer whitespace stripped), first whole, then without its first line, its first two
lines, and so on: a brat ``.txt`` whose first line is a headline matches the article
that is its body. A span in the lines left out lies outside the article and cannot be
converted.

Offsets follow the text through each step: ``\\r\\n`` is one character less; NFC is
applied run by run (a character that does not combine with the one before it, with
the marks that follow it), so an offset inside a run that NFC composes moves to the
run's start or end.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..ingest import normalize_text


@dataclass(frozen=True)
class Normalised:
    """A text after ingest's rule, and for each offset of the original, its offset in it."""

    text: str
    offsets: tuple[int, ...]  # len(original) + 1 entries, non-decreasing


def normalise(original: str) -> Normalised | None:
    """``normalize_text`` with offsets kept; None when NFC reaches across runs (rare Hangul or
    composition exclusions), as the offsets cannot then be followed."""
    pieces: list[str] = []
    offsets: list[int] = []
    length = 0
    for start, end in _runs(original):
        run = original[start:end]
        if run == "\r" and original[end : end + 1] == "\n":
            offsets.append(length)
            continue
        normal = unicodedata.normalize("NFC", run)
        offsets += [length] * (end - start)
        pieces.append(normal)
        length += len(normal)
    offsets.append(length)
    joined = "".join(pieces)
    if joined != unicodedata.normalize("NFC", original.replace("\r\n", "\n")):
        return None
    return Normalised(joined, tuple(offsets))


def _runs(text: str) -> Iterator[tuple[int, int]]:
    """Runs of a character that does not combine backwards, with the combining marks after it."""
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or unicodedata.combining(text[index]) == 0:
            yield start, index
            start = index


@dataclass(frozen=True)
class Located:
    """An article's text found in a tool's text: its offsets in the normalised text, and the way there."""

    normalised: Normalised
    start: int  # where the article's text starts in the normalised text
    length: int

    def project(self, start: int, end: int) -> tuple[int, int] | None:
        """Tool offsets (start, end) as article offsets; None when the span is not inside the article."""
        offsets = self.normalised.offsets
        if not 0 <= start < end <= len(offsets) - 1:
            return None
        first, last = offsets[start] - self.start, offsets[end] - self.start
        if first < 0 or last > self.length or first >= last:
            return None
        return first, last


def candidates(original: str) -> Iterator[tuple[str, Located]]:
    """The texts an article could have within ``original``: all of it, then without 1, 2, ... leading lines."""
    normalised = normalise(original)
    if normalised is None:
        return
    text = normalised.text
    line_start = 0
    while True:
        body = normalize_text(text[line_start:])
        if body:
            offset = line_start + len(text[line_start:]) - len(text[line_start:].lstrip())
            yield body, Located(normalised, offset, len(body))
        next_line = text.find("\n", line_start)
        if next_line < 0:
            return
        line_start = next_line + 1


def locate(original: str, known: Callable[[str], object | None]) -> tuple[object, Located] | None:
    """The first candidate text that ``known`` recognises (e.g. by its hash), with its location."""
    for body, located in candidates(original):
        found = known(body)
        if found is not None:
            return found, located
    return None

