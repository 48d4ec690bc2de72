"""Token attributes of a Doc read once, for the components' passes over every token.

Indexing a Doc makes a new Token object each time, which costs more than what
the passes do with it; ``Doc.to_array`` reads the attributes they test into
plain lists in one call. Lookups of a token's lowercased lemma in a lexicon
are cached by the (lemma, POS) ids, since a corpus repeats its words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

from spacy.attrs import IS_ALPHA, IS_SPACE, LEMMA, LOWER, ORTH, POS, SPACY
from spacy.strings import get_string_id
from spacy.tokens import Doc

Value = TypeVar("Value")

_COLUMNS = (ORTH, LOWER, POS, LEMMA, IS_SPACE, IS_ALPHA, SPACY)


def string_ids(strings: Iterable[str]) -> frozenset[int]:
    """The ids (hashes) spaCy gives these strings, to compare with ``ORTH``/``LOWER`` values."""
    return frozenset(get_string_id(s) for s in strings)


class TokenAttributes:
    """A Doc's token attributes as lists indexed by token position."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        if len(doc):
            columns = doc.to_array(list(_COLUMNS)).T.tolist()
        else:
            columns = [[] for _ in _COLUMNS]
        self.orth, self.lower, self.pos, self.lemma, self.is_space, self.is_alpha, self.space_after = columns


class LemmaLookup(Generic[Value]):
    """``function(lowercased lemma, POS)`` per token, computed once per distinct (lemma, POS) pair."""

    def __init__(self, function: Callable[[str, str], Value]) -> None:
        self.function = function
        self.cache: dict[tuple[int, int], Value] = {}

    def found(self, tokens: TokenAttributes) -> dict[int, Value]:
        """The tokens of a Doc whose value is true (a rule, a match), by position."""
        cache = self.cache
        keys = list(zip(tokens.lemma, tokens.pos))
        missing = set(keys).difference(cache)
        if missing:
            position = dict(zip(keys, range(len(keys))))
            for key in missing:
                token = tokens.doc[position[key]]
                cache[key] = self.function(token.lemma_.lower(), token.pos_)
        return {i: value for i, key in enumerate(keys) if (value := cache[key])}
