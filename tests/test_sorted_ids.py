"""SortedIds and the matches of two sets give what sets of str give, with the ids in runs on disk, for
any string: names as a file system gives them and the odd strings a hand-edited file may hold."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wirecorpus import sorted_ids, sorted_runs
from wirecorpus.sorted_ids import OnlyIn, SortedIds, held, shares_an_id

# Strings of each kind: plain, non-ASCII, a name's undecodable byte (surrogateescape), a lone surrogate
# that gives other bytes' name ("é" as two escaped bytes), one that UTF-8 cannot encode, a NUL, and too long.
ODD = ["\udcc3\udca9", "\ud800", "a\x00", "\x00", "y" * 256, "é" * 128]
texts = st.one_of(st.text("abcé-\udc80", min_size=1, max_size=4), st.sampled_from(["é", "", *ODD]))
ids = st.lists(texts, max_size=12)


def in_bytes(items: set[str]) -> list[str]:
    """The order of iteration: the ids in the arrays by their bytes, then the others sorted."""
    inside = sorted((text for text in items if held(text)), key=lambda text: text.encode("utf-8", "surrogateescape"))
    return inside + sorted(text for text in items if not held(text))


def made(items: list[str]) -> SortedIds:
    ids = SortedIds()
    for start in range(0, len(items), 3):
        ids.add(items[start : start + 3])
    return ids


@pytest.fixture(autouse=True)
def runs_on_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs of two ids on disk, read back one at a time, added to the sorter three at a time."""
    monkeypatch.setattr(sorted_runs, "RUN_ROWS", 2)
    monkeypatch.setattr(sorted_runs, "BLOCK_ROWS", 1)
    monkeypatch.setattr(sorted_ids, "BLOCK", 3)


@settings(max_examples=150, deadline=None)
@given(ids, ids)
def test_sorted_ids_match_as_sets_do(first: list[str], second: list[str]) -> None:
    with made(first) as one, made(second) as other:
        expected = in_bytes(set(first))
        assert list(one) == expected and len(one) == len(expected) and bool(one) == bool(first)
        assert shares_an_id(one, other) == bool(set(first) & set(second))
        only = OnlyIn(one, other, kept=2)
        missing = [text for text in expected if text not in set(second)]
        assert (list(only), len(only), only[:2], only[1:]) == (missing, len(missing), missing[:2], missing[1:])
        asked = [*second, *first]
        assert one.contains_each(asked).tolist() == [text in set(first) for text in asked]


@settings(max_examples=100, deadline=None)
@given(texts)
def test_sorted_ids_hold_a_string_in_the_arrays_only_when_its_bytes_give_it_back(text: str) -> None:
    """What the arrays hold is decoded to the very string added; what they cannot is kept apart."""
    with made([text]) as one:
        assert [list(block) for block in one.blocks()] == ([[text.encode("utf-8", "surrogateescape")]] if held(text) else [])
        assert one.others == (set() if held(text) else {text})
        assert list(one) == [text]


def test_sorted_ids_hold_every_name_a_folder_lists(tmp_path: Path) -> None:
    """A name with bytes that are not UTF-8, and one as long as a name can be, are in the arrays, sorted as bytes."""
    names = [b"\xc3\xa9", b"\xff", b"a", b"b" * 250]
    for name in names:
        (tmp_path / os.fsdecode(name + b".json")).write_bytes(b"{}")
    with SortedIds.in_folder(tmp_path) as listed:
        assert [item for block in listed.blocks() for item in block.tolist()] == sorted(names)
        assert not listed.others and list(listed) == [os.fsdecode(name) for name in sorted(names)]


def test_sorted_ids_in_folder_lists_json_names_a_block_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sorted_ids, "BLOCK", 2)
    for name in ("b.json", "a.json", ".c.json", "d.txt", "e.json"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    assert list(SortedIds.in_folder(tmp_path)) == [".c", "a", "b", "e"]
    assert sorted(name for block in sorted_ids.json_name_blocks(tmp_path, visible_only=True) for name in block) == ["a", "b", "e"]
