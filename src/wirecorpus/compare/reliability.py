"""Chance-corrected agreement: Cohen's kappa on paired labels, Krippendorff's alpha over tokens.

**Cohen's kappa** (two coders, nominal labels) is computed here, as it is a
few lines: ``(p_o - p_e) / (1 - p_e)``, with ``p_o`` the share of pairs whose
two labels are equal and ``p_e`` the sum over labels of the product of the two
coders' shares of that label. It is undefined (None) with no pairs, or when
both coders use one and the same label throughout (``p_e == 1``).

**Krippendorff's alpha** (any number of coders, nominal) is the
``krippendorff`` package's. The units are the article's tokens, cut without a
model by the regular expression ``\\w+|[^\\w\\s]`` (runs of word characters, and
every other non-space character alone), so that it needs no spaCy and gives
the same units on every machine. A coder's value for a token is the label of
the span that covers it (shares a character with it), ``O`` when none does:

- entities: the entity label;
- quotes: the part of a quote the token is in: ``cue``, else ``speaker`` (the
  span of the entity the quote points at, or its ``speaker_span``), else
  ``content`` (a cue or speaker inside a content span is marked as such);
- events: the trigger's event type.

Where spans of one part overlap, the first in the file (ids are in text
order) gives the value. The package's pitfalls (its docstring and issue
tracker), and how they are met here: it raises ``ValueError`` when its value
domain has fewer than two values or no unit has two coders, and divides 0 by 0
(a RuntimeWarning and nan) when the values in units with two or more coders are
all one value, though others occur in units with one coder; missing values must
be ``np.nan``, which a string array silently turns into the string ``"nan"``;
given ``reliability_data`` it takes the values it sees as the domain, given
``value_counts`` the columns. So the value counts are built here (units by
values, only units with two or more coders, only the values those use) and
passed as ``value_counts``; alpha is None (shown ``n/a``) when fewer than two
values remain, as when every coder marked nothing in the layer.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from .. import schema
from .align import Bounds, bounds
from .scores import speaker

TOKEN = re.compile(r"\w+|[^\w\s]")
OUTSIDE = "O"
QUOTE_PARTS = ("cue", "speaker", "content")  # which part a token takes when parts overlap: the first


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two coders' labels on the same items; None when undefined."""
    if not pairs:
        return None
    observed = sum(a == b for a, b in pairs) / len(pairs)
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[label] * second[label] for label in first) / len(pairs) ** 2
    return None if expected == 1 else (observed - expected) / (1 - expected)


def tokens(text: str) -> list[Bounds]:
    """The units of alpha: ``\\w+|[^\\w\\s]`` over the text."""
    return [match.span() for match in TOKEN.finditer(text)]


def _layer_spans(annotation: schema.AnnotationFile, layer: str) -> list[tuple[Bounds, str]]:
    """A layer's labelled spans, those that win a token first."""
    if layer == "entities":
        return [(bounds(e), e.label) for e in annotation.entities]
    if layer == "events":
        return [(bounds(e.trigger), e.type) for e in annotation.events]
    entities = {e.id: e for e in annotation.entities}
    parts = {
        "cue": [q.cue for q in annotation.quotes],
        "speaker": [speaker(q, entities) for q in annotation.quotes],
        "content": [q.content for q in annotation.quotes],
    }
    return [(bounds(span), part) for part in QUOTE_PARTS for span in parts[part] if span is not None]


def token_values(annotation: schema.AnnotationFile, layer: str, units: Sequence[Bounds]) -> list[str]:
    """One coder's value for each token (``units``, in text order): see the module docstring."""
    values = [OUTSIDE] * len(units)
    starts = [start for start, _ in units]
    for (start, end), value in _layer_spans(annotation, layer):
        # Tokens that start before the span ends, back to the last one that ends after it starts.
        k = bisect.bisect_left(starts, end) - 1
        while k >= 0 and units[k][1] > start:
            if values[k] == OUTSIDE:
                values[k] = value
            k -= 1
    return values


# A unit is a token of an article: (article id, token index), so that the counts
# of several articles add up to those of their tokens pooled.
Unit = tuple[str, int]


def value_counts(article: str, coders: Sequence[Sequence[str]]) -> Counter[tuple[Unit, str]]:
    """How many coders gave each value to each token of an article (each coder's values in token order)."""
    counts: Counter[tuple[Unit, str]] = Counter()
    for values in coders:
        counts.update(((article, k), value) for k, value in enumerate(values))
    return counts


def krippendorff_alpha(counts: Counter[tuple[Unit, str]]) -> float | None:
    """Nominal alpha from (unit, value) counts; None when undefined (see the module docstring)."""
    import krippendorff

    coders_per_unit: Counter[Unit] = Counter()
    for (unit, _), n in counts.items():
        coders_per_unit[unit] += n
    units = sorted(unit for unit, n in coders_per_unit.items() if n >= 2)
    values = sorted({value for (unit, value) in counts if coders_per_unit[unit] >= 2})
    if len(values) < 2:
        return None
    row, column = {unit: k for k, unit in enumerate(units)}, {value: k for k, value in enumerate(values)}
    matrix = np.zeros((len(units), len(values)))
    for (unit, value), n in counts.items():
        if unit in row:
            matrix[row[unit], column[value]] = n
    return float(krippendorff.alpha(value_counts=matrix, level_of_measurement="nominal"))
