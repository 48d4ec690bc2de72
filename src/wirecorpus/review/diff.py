"""Differences between the marks of two sets in one layer.

Marks are compared kind by kind (entities with entities, cues with cues, ...)
with the project's span alignment, in two rounds: first spans with the same
bounds are paired (strict), then what is left is paired by shared characters
(overlap, the larger overlaps first). Then:

- ``diff-missing``: a mark of the first set with no partner in the second;
- ``diff-extra``: a mark of the second set with no partner in the first;
- ``diff-label``: paired, but the labels differ (entity label, quote kind,
  event type, the roles an entity fills);
- ``diff-span``: paired by overlap only: the boundaries differ.

A pair can be both ``diff-span`` and ``diff-label``. Speakers and arguments are
compared as spans (the entity marked as a speaker, the entity filling roles),
not through the quotes and events they belong to; ``wirecorpus evaluate``
scores those links.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence

# The span alignment lives in evaluate for now; it moves to wirecorpus.compare.align.
from ..evaluate import match
from .marks import Mark

MISSING, EXTRA, LABEL, SPAN = "diff-missing", "diff-extra", "diff-label", "diff-span"
DIFFERENCES = (MISSING, EXTRA, LABEL, SPAN)


def _pairs(first: Sequence[Mark], second: Sequence[Mark]) -> list[tuple[int, int, bool]]:
    """(first index, second index, strict) pairs: same bounds first, then overlapping ones."""
    strict = match([m.bounds for m in first], [m.bounds for m in second], mode="strict")
    rest_first = [i for i in range(len(first)) if i not in strict]
    taken = set(strict.values())
    rest_second = [j for j in range(len(second)) if j not in taken]
    loose = match([first[i].bounds for i in rest_first], [second[j].bounds for j in rest_second], mode="overlap")
    return [(i, j, True) for i, j in strict.items()] + [(rest_first[i], rest_second[j], False) for i, j in loose.items()]


def _kind_differences(first: Sequence[Mark], second: Sequence[Mark]) -> tuple[list[Mark], list[Mark]]:
    """The marks of one kind, each with its differences set and, when the labels differ, the other label."""
    first_diff: list[tuple[str, ...]] = [(MISSING,)] * len(first)
    second_diff: list[tuple[str, ...]] = [(EXTRA,)] * len(second)
    first_other: list[str | None] = [None] * len(first)
    second_other: list[str | None] = [None] * len(second)
    for i, j, strict in _pairs(first, second):
        differ = first[i].label != second[j].label
        first_diff[i] = second_diff[j] = (() if strict else (SPAN,)) + ((LABEL,) if differ else ())
        if differ:
            first_other[i], second_other[j] = second[j].label, first[i].label
    return (
        [dataclasses.replace(m, diff=d, other=o) for m, d, o in zip(first, first_diff, first_other)],
        [dataclasses.replace(m, diff=d, other=o) for m, d, o in zip(second, second_diff, second_other)],
    )


def mark_differences(first: Sequence[Mark], second: Sequence[Mark]) -> tuple[tuple[Mark, ...], tuple[Mark, ...]]:
    """Both sets' marks, in their given order, each with its differences from the other set."""
    first_out, second_out = list(first), list(second)
    for kind in {m.kind for m in (*first, *second)}:
        ours = [i for i, m in enumerate(first) if m.kind == kind]
        theirs = [j for j, m in enumerate(second) if m.kind == kind]
        marked_ours, marked_theirs = _kind_differences([first[i] for i in ours], [second[j] for j in theirs])
        for i, mark in zip(ours, marked_ours):
            first_out[i] = mark
        for j, mark in zip(theirs, marked_theirs):
            second_out[j] = mark
    return tuple(first_out), tuple(second_out)


def count_differences(marks: Sequence[Mark]) -> Counter:
    """How many marks carry each difference."""
    return Counter(d for m in marks for d in m.diff)
