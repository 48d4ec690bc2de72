"""Token attributes of a Doc read as arrays, for the components' passes over every token.

A pass that indexes the Doc makes a Token object per token; ``Doc.to_array``
reads the attributes in one call, and numpy picks out the few tokens a pass
acts on (quotation marks, spaces, verbs) before any Python code runs per
token. Lookups of a token's lowercased lemma in a lexicon are cached by the
(lemma, POS) ids, since a corpus repeats its words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

import numpy
from spacy.attrs import IS_ALPHA, IS_SPACE, LEMMA, LOWER, ORTH, POS, SPACY
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.strings import get_string_id
from spacy.tokens import Doc

Value = TypeVar("Value")


def string_ids(strings: Iterable[str]) -> numpy.ndarray:
    """The ids (hashes) spaCy gives these strings, to compare with ``ORTH``/``LOWER`` arrays."""
    return numpy.array(sorted({get_string_id(s) for s in strings}), dtype=numpy.uint64)


def any_of(values: numpy.ndarray, ids: numpy.ndarray) -> numpy.ndarray:
    """Where an id array holds one of a few ids (``numpy.isin`` costs more for so few)."""
    mask = numpy.zeros(len(values), dtype=bool)
    for value in ids:
        mask |= values == value
    return mask


def positions(mask: numpy.ndarray) -> list[int]:
    """The positions where a boolean array over the tokens is true, in text order."""
    return numpy.flatnonzero(mask).tolist()


class TokenAttributes:
    """A Doc's token forms and flags as arrays indexed by token position."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.orth, self.lower, self.is_space, self.is_alpha, self.space_after = doc.to_array(
            [ORTH, LOWER, IS_SPACE, IS_ALPHA, SPACY]
        ).T

class LemmaLookup(Generic[Value]):
    """``function(lowercased lemma, POS)`` per token of the given POS, computed once per (lemma, POS) pair."""

    def __init__(self, function: Callable[[str, str], Value], pos: Iterable[str]) -> None:
        self.function = function
        self.pos_ids = numpy.array(sorted({POS_IDS[tag] for tag in pos if tag in POS_IDS}), dtype=numpy.uint64)
        self.cache: dict[tuple[int, int], Value] = {}

    def found(self, doc: Doc) -> dict[int, Value]:
        """The tokens of a Doc whose value is true (a rule, a match), by position in text order."""
        lemmas, tags = doc.to_array([LEMMA, POS]).T
        positions = numpy.flatnonzero(any_of(tags, self.pos_ids))
        keys = list(zip(lemmas[positions].tolist(), tags[positions].tolist()))
        cache = self.cache
        missing = set(keys).difference(cache)
        if missing:
            position = dict(zip(keys, positions.tolist()))
            for key in missing:
                token = doc[position[key]]
                cache[key] = self.function(token.lemma_.lower(), token.pos_)
        return {i: value for i, value in zip(positions.tolist(), map(cache.__getitem__, keys)) if value}
