"""ExternalSort, merge_sorted and left_join give what sorting and a dict give, with runs on disk."""

from __future__ import annotations

import os
from collections import Counter

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from wirecorpus import sorted_runs
from wirecorpus.sorted_runs import ExternalSort, distinct, groups, left_join, merge_sorted, run_starts

keys = st.binary(min_size=1, max_size=9).map(lambda raw: raw.replace(b"\0", b"x"))  # a byte array drops a trailing NUL
batches = st.lists(st.lists(keys, max_size=12), max_size=6)
sizes = st.tuples(st.integers(1, 7), st.integers(1, 5), st.integers(2, 4))


def _array(items: list[bytes]) -> np.ndarray:
    return np.array(items, dtype=f"S{max(map(len, items), default=1)}")


def _rows(items: list[bytes]) -> np.ndarray:
    """Structured rows: a key (of the batch's own width) and a number that says which item it was."""
    rows = np.zeros(len(items), dtype=[("key", f"S{max(map(len, items), default=1)}"), ("n", "<u4")])
    rows["key"], rows["n"] = items, [len(item) * 7 + item[0] for item in items]
    return rows


@settings(max_examples=150, deadline=None)
@given(batches, sizes)
def test_sorted_runs_sort_what_was_added(added: list[list[bytes]], size: tuple[int, int, int]) -> None:
    run_rows, block_rows, fan_in = size
    everything = [item for batch in added for item in batch]
    with ExternalSort(run_rows=run_rows, block_rows=block_rows, fan_in=fan_in) as sorter:
        for batch in added:
            sorter.add(_array(batch))
        assert len(sorter) == len(everything)
        for _ in range(2):  # read back twice: the runs stay until the sorter is closed
            got = [item for block in sorter.blocks() for item in block.tolist()]
            assert got == sorted(everything)


@settings(max_examples=100, deadline=None)
@given(batches, sizes)
def test_sorted_runs_sort_structured_rows_field_by_field(added: list[list[bytes]], size: tuple[int, int, int]) -> None:
    run_rows, block_rows, fan_in = size
    with ExternalSort(run_rows=run_rows, block_rows=block_rows, fan_in=fan_in) as sorter:
        for batch in added:
            sorter.add(_rows(batch))
        got = [(row["key"], int(row["n"])) for block in sorter.blocks() for row in block]
    assert got == sorted((item, len(item) * 7 + item[0]) for batch in added for item in batch)


def test_sorted_runs_leave_no_file_behind(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    with ExternalSort(run_rows=2, block_rows=2, fan_in=2) as sorter:
        sorter.add(_array([b"d", b"c", b"b", b"a", b"e"]))
        assert [item for block in sorter.blocks() for item in block.tolist()] == [b"a", b"b", b"c", b"d", b"e"]
        assert os.listdir(tmp_path)  # the runs were on disk
    assert os.listdir(tmp_path) == []


def test_sorted_runs_take_the_module_sizes_when_made(monkeypatch) -> None:
    monkeypatch.setattr(sorted_runs, "RUN_ROWS", 2)
    with ExternalSort() as sorter:
        sorter.add(_array([b"c", b"b", b"a"]))
        assert sorter.run_rows == 2 and len(sorter._runs) == 1  # the first two rows are a run on disk


def test_sorted_runs_refuse_sizes_that_cannot_work() -> None:
    with pytest.raises(ValueError, match="fan_in"):
        ExternalSort(fan_in=1)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(keys, max_size=10), min_size=1, max_size=5), st.integers(1, 4))
def test_sorted_runs_merge_sorted_streams(streams: list[list[bytes]], block: int) -> None:
    blocked = [[_array(sorted(items)[start : start + block]) for start in range(0, len(items), block)] for items in streams]
    got = [item for merged in merge_sorted(blocked) for item in merged.tolist()]
    assert got == sorted(item for items in streams for item in items)


@settings(max_examples=150, deadline=None)
@given(st.lists(keys, max_size=20), st.sets(keys, max_size=20), st.integers(1, 4), st.integers(1, 4))
@example([b"x", b"x"], {b"x"}, 1, 1)  # a key of the left in two blocks, the last of a right block
def test_sorted_runs_left_join_finds_each_key(left: list[bytes], right: set[bytes], left_block: int, right_block: int) -> None:
    left, right_rows = sorted(left), _rows(sorted(right))
    left_blocks = [_array(left[start : start + left_block]) for start in range(0, len(left), left_block)]
    right_blocks = [right_rows[start : start + right_block] for start in range(0, len(right_rows), right_block)]
    by_key = {bytes(row["key"]): int(row["n"]) for row in right_rows}
    seen = []
    for block, found, matched in _joined(left_blocks, right_blocks):
        assert found.tolist() == [item in by_key for item in block.tolist()]
        assert [int(n) for n in matched["n"]] == [by_key[item] for item in block.tolist() if item in by_key]
        seen.extend(block.tolist())
    assert seen == left


def _joined(left_blocks: list[np.ndarray], right_blocks: list[np.ndarray]):
    """left_join of plain keys against structured rows: the left keys as one-field rows."""
    as_rows = [np.rec.fromarrays([block], names="key").view(np.ndarray) for block in left_blocks]
    for block, found, matched in left_join(as_rows, right_blocks, key="key", right_dtype=_rows([]).dtype):
        yield block["key"], found, matched


@settings(max_examples=150, deadline=None)
@given(st.lists(keys, max_size=20), st.integers(1, 4))
def test_sorted_runs_distinct_keeps_the_first_row_of_each_key(items: list[bytes], block: int) -> None:
    """Rows of one key that straddle blocks are one key: the first row is kept, the others dropped."""
    rows = np.sort(_rows(items), order=["key", "n"])
    blocks = [rows[start : start + block] for start in range(0, len(rows), block)]
    got = [(bytes(row["key"]), int(row["n"])) for kept in distinct(blocks, key="key") for row in kept]
    first: dict[bytes, int] = {}
    for row in rows:
        first.setdefault(bytes(row["key"]), int(row["n"]))
    assert got == sorted(first.items())
    plain = [item for kept in distinct([_array(sorted(items)[start : start + block]) for start in range(0, len(items), block)]) for item in kept.tolist()]
    assert plain == sorted(set(items))


@given(st.lists(keys, max_size=12), st.integers(0, 12))
def test_sorted_runs_run_starts_carry_the_key_before(items: list[bytes], cut: int) -> None:
    ordered = sorted(items)
    head, tail = _array(ordered[:cut]), _array(ordered[cut:])
    flags = run_starts(head).tolist() + run_starts(tail, head[-1] if len(head) else None).tolist()
    assert flags == [position == 0 or item != ordered[position - 1] for position, item in enumerate(ordered)]


def test_sorted_runs_left_join_finds_a_key_that_goes_on_in_the_next_left_block() -> None:
    left = [_array([b"a", b"b"]), _array([b"b", b"c"])]
    right = [_array([b"b"]), _array([b"c"])]
    assert [found.tolist() for _, found, _ in left_join(left, right)] == [[False, True], [True, True]]


@settings(max_examples=150, deadline=None)
@given(st.lists(keys, max_size=20), st.integers(1, 4))
def test_sorted_runs_distinct_can_keep_the_last_row_of_each_key(items: list[bytes], block: int) -> None:
    rows = _rows(items)
    rows["n"] = np.arange(len(items))  # rows of one key differ: the last is the one of the highest n
    rows = np.sort(rows, order=["key", "n"])
    blocked = [rows[start : start + block] for start in range(0, len(rows), block)]
    got = [(bytes(row["key"]), int(row["n"])) for kept in distinct(blocked, key="key", keep="last") for row in kept]
    last = {}
    for row in rows:
        last[bytes(row["key"])] = int(row["n"])
    assert got == sorted(last.items())
    plain = [item for kept in distinct([_array(sorted(items)[start : start + block]) for start in range(0, len(items), block)]) for item in kept.tolist()]
    assert plain == sorted(set(items))


@settings(max_examples=150, deadline=None)
@given(st.lists(keys, max_size=20), st.integers(1, 4))
def test_sorted_runs_groups_count_each_row_across_blocks(items: list[bytes], block: int) -> None:
    ordered = sorted(items)
    blocked = [_array(ordered[start : start + block]) for start in range(0, len(ordered), block)]
    got = [(row, int(count)) for rows, counts in groups(blocked) for row, count in zip(rows.tolist(), counts)]
    assert got == sorted(Counter(items).items())


def test_sorted_runs_groups_keep_only_first_or_last() -> None:
    with pytest.raises(ValueError, match="keep must be first or last"):
        next(groups([_array([b"a"])], keep="middle"))
