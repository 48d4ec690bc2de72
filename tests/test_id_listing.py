"""IdListing and the matches of two listings give what sets of str give, with the ids in runs on disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wirecorpus import id_listing, sorted_runs
from wirecorpus.id_listing import IdListing, OnlyIn, shares_an_id

ids = st.lists(st.text("abcé-", min_size=1, max_size=4), max_size=12)


def listing(items: list[str]) -> IdListing:
    made = IdListing()
    for start in range(0, len(items), 3):
        made.add(items[start : start + 3])
    return made


@settings(max_examples=100, deadline=None)
@given(ids, ids)
def test_id_listing_matches_as_sets_do(first: list[str], second: list[str]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sorted_runs, "RUN_ROWS", 2)
        patch.setattr(sorted_runs, "BLOCK_ROWS", 1)
        with listing(first) as one, listing(second) as other:
            in_bytes = sorted(set(first), key=lambda article: article.encode())
            assert list(one) == in_bytes and len(one) == len(in_bytes) and bool(one) == bool(first)
            assert shares_an_id(one, other) == bool(set(first) & set(second))
            only = OnlyIn(one, other, kept=2)
            expected = [article for article in in_bytes if article not in set(second)]
            assert (list(only), len(only), only[:2], only[1:]) == (expected, len(expected), expected[:2], expected[1:])


def test_id_listing_in_folder_lists_json_names_a_block_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(id_listing, "SCAN_BLOCK", 2)
    for name in ("b.json", "a.json", ".c.json", "d.txt", "e.json"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    assert list(IdListing.in_folder(tmp_path)) == [".c", "a", "b", "e"]
    assert sorted(name for block in id_listing.json_name_blocks(tmp_path, visible_only=True) for name in block) == ["a", "b", "e"]
