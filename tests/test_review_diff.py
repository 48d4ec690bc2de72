"""Differences between two sets' marks: missing, extra, different label, different boundaries."""

from __future__ import annotations

import pytest

from wirecorpus.review.diff import EXTRA, LABEL, MISSING, SPAN, mark_differences
from wirecorpus.review.marks import CUE, ENTITY, SPEAKER, Mark


def _m(start: int, end: int, label: str = "ORG", kind: str = ENTITY) -> Mark:
    return Mark(kind, start, end, label, label)


CASES = {
    "same span, same label": ([_m(0, 5)], [_m(0, 5)], [()], [()]),
    "same span, other label": ([_m(0, 5)], [_m(0, 5, "GPE")], [(LABEL,)], [(LABEL,)]),
    "overlap, same label": ([_m(0, 5)], [_m(2, 8)], [(SPAN,)], [(SPAN,)]),
    "overlap, other label": ([_m(0, 5)], [_m(2, 8, "GPE")], [(SPAN, LABEL)], [(SPAN, LABEL)]),
    "apart": ([_m(0, 5)], [_m(6, 8)], [(MISSING,)], [(EXTRA,)]),
    # Equal bounds pair first, though the longer span overlaps as much and comes first.
    "strict before overlap": ([_m(0, 10)], [_m(0, 20), _m(0, 10)], [()], [(EXTRA,), ()]),
    # Larger overlaps pair first: (0, 6) goes with (1, 7), leaving (5, 9) alone.
    "one to one": ([_m(0, 6)], [_m(5, 9), _m(1, 7)], [(SPAN,)], [(EXTRA,), (SPAN,)]),
    "kinds apart": ([_m(0, 4, CUE, CUE)], [_m(0, 4, SPEAKER, SPEAKER)], [(MISSING,)], [(EXTRA,)]),
    "first set empty": ([], [_m(0, 4)], [], [(EXTRA,)]),
}


@pytest.mark.parametrize(("first", "second", "first_diff", "second_diff"), CASES.values(), ids=CASES.keys())
def test_review_diff_marks_both_sides(first, second, first_diff, second_diff) -> None:
    marked_first, marked_second = mark_differences(first, second)
    assert [m.diff for m in marked_first] == first_diff
    assert [m.diff for m in marked_second] == second_diff
    # Only the differences change; the marks stay in their order.
    assert [m.bounds for m in marked_first] == [m.bounds for m in first]
    assert [m.bounds for m in marked_second] == [m.bounds for m in second]


def test_review_diff_names_the_other_label() -> None:
    (first,), (second,) = mark_differences([_m(0, 5, "ORG")], [_m(1, 5, "GPE")])
    assert (first.other, second.other) == ("GPE", "ORG")
    (same,), _ = mark_differences([_m(0, 5)], [_m(0, 5)])
    assert same.other is None
