"""The build's listing of its inputs, sorted in runs on disk, and its comparison with the record, against
a walk of the folders and a dict of what changed."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wirecorpus.build import inputs
from wirecorpus.sorted_runs import ExternalSort

# Names that sort differently as whole paths than folder by folder ("a-b/x" < "a/x" < "a0").
names = st.sampled_from(["a", "a-b", "a0", "b.json", "é.json", "z"])
relpaths = st.tuples(st.sampled_from(["corpus", "annotations"]), st.lists(names, min_size=1, max_size=3)).map(lambda p: "/".join([p[0], *p[1]]))
trees = st.dictionaries(relpaths, st.binary(max_size=5), max_size=14)
# What happens to each file between two listings: kept, edited, touched (same bytes, another mtime), removed.
fates = st.lists(st.sampled_from(["keep", "edit", "touch", "remove"]), min_size=14, max_size=14)
extra = st.dictionaries(relpaths, st.binary(max_size=5), max_size=3)


@pytest.fixture(autouse=True)
def small_sorts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs of 3 rows, blocks of 2: a listing of more than 3 files is sorted on disk and merged."""
    monkeypatch.setattr(inputs, "RUN_ROWS", 3)
    monkeypatch.setattr(inputs, "LIST_BLOCK", 2)


@contextmanager
def repository(files: dict[str, bytes]) -> Iterator[Path]:
    """A repository holding ``files`` (a path that is also a folder of another is left out)."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_files(root, files)
        yield root


def write_files(root: Path, files: dict[str, bytes]) -> None:
    for relpath, data in sorted(files.items()):
        path = root / relpath
        if any(parent.is_file() for parent in path.parents) or path.is_dir():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def walked(root: Path) -> list[tuple[bytes, int, int]]:
    """Every file under corpus/ and annotations/ with its size and mtime, sorted by path as bytes."""
    found = []
    for top in ("corpus", "annotations"):
        for folder, _, files in os.walk(root / top):
            for name in files:
                stat = os.stat(Path(folder) / name)
                found.append((os.fsencode(Path(folder, name).relative_to(root).as_posix()), stat.st_size, stat.st_mtime_ns))
    return sorted(found)


def listed(listing: inputs.Listing) -> list[tuple[bytes, int, int]]:
    return [(row["path"], int(row["size"]), int(row["mtime_ns"])) for block in listing.blocks() for row in block]


def recorded(root: Path, listing: inputs.Listing, previous: pa.Table | None = None) -> pa.Table:
    return pa.Table.from_batches(list(listing.batches(root, previous)), schema=inputs.INPUTS_SCHEMA)


@settings(max_examples=60, deadline=None)
@given(trees)
def test_build_inputs_lists_every_file_sorted_by_path(files: dict[str, bytes]) -> None:
    with repository(files) as root, inputs.list_inputs(root) as listing:
        assert listed(listing) == walked(root)
        assert len(listing) == len(walked(root))
        table = recorded(root, listing)
        assert table.column("path").to_pylist() == [os.fsdecode(path) for path, _, _ in walked(root)]
        assert table.column("sha256").to_pylist() == [hashlib.sha256((root / path).read_bytes()).digest() for path in table.column("path").to_pylist()]


def test_build_inputs_digest_is_the_same_whatever_the_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"annotations/model/m/{number:03d}.json": b"x" * number for number in range(40)}
    runs = []
    write_run = ExternalSort._write_run_blocks
    monkeypatch.setattr(ExternalSort, "_write_run_blocks", lambda sorter, *args: runs.append(1) or write_run(sorter, *args))
    with repository(files) as root:
        with inputs.list_inputs(root) as on_disk:
            assert len(runs) > 1  # sorted in runs on disk
            digest = on_disk.digest
        monkeypatch.setattr(inputs, "RUN_ROWS", 1000)
        runs.clear()
        with inputs.list_inputs(root) as in_memory:
            assert not runs and in_memory.digest == digest
        os.utime(root / "annotations/model/m/007.json", ns=(0, 10**9))
        with inputs.list_inputs(root) as touched:
            assert touched.digest != digest


@settings(max_examples=60, deadline=None)
@given(trees, fates, extra)
def test_build_inputs_changed_paths_are_the_files_added_removed_or_edited(files: dict[str, bytes], fate: list[str], added: dict[str, bytes]) -> None:
    with repository(files) as root:
        before = {os.fsdecode(path) for path, _, _ in walked(root)}
        with inputs.list_inputs(root) as listing:
            previous = recorded(root, listing)
        expected = set()
        for path, what in zip(sorted(before), fate):
            stat = (root / path).stat()
            if what == "edit":
                (root / path).write_bytes((root / path).read_bytes() + b"!")
                expected.add(path)
            elif what == "touch":
                os.utime(root / path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
            elif what == "remove":
                (root / path).unlink()
                expected.add(path)
        write_files(root, {path: data for path, data in added.items() if path not in before})
        now = {os.fsdecode(path) for path, _, _ in walked(root)}
        expected |= now - before
        with inputs.list_inputs(root) as listing:
            changes = inputs.changed_paths(root, listing, previous)
            assert changes.changed == frozenset(expected)
            assert changes.same_paths == (now == before)
            table = recorded(root, listing, previous)
        assert table.column("path").to_pylist() == sorted(now, key=os.fsencode)
        assert table.column("sha256").to_pylist() == [hashlib.sha256((root / path).read_bytes()).digest() for path in table.column("path").to_pylist()]


def test_build_inputs_record_takes_the_digest_a_worker_read(tmp_path: Path) -> None:
    write_files(tmp_path, {"corpus/a.json": b"a", "corpus/b.json": b"b", "corpus/c.json": b"c", "corpus/d.json": b"d"})
    read = bytes(range(32))
    with inputs.list_inputs(tmp_path) as listing:
        listing.add_read(["corpus/c.json", "corpus/gone.json"], read + bytes(32))
        table = recorded(tmp_path, listing)
    digests = dict(zip(table.column("path").to_pylist(), table.column("sha256").to_pylist()))
    assert digests == {"corpus/a.json": hashlib.sha256(b"a").digest(), "corpus/b.json": hashlib.sha256(b"b").digest(),
                       "corpus/c.json": read, "corpus/d.json": hashlib.sha256(b"d").digest()}


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_characters="\0", blacklist_categories=("Cs",)), max_size=6), max_size=9), st.integers(0, 3))
def test_build_inputs_paths_go_to_arrow_and_back(paths: list[str], start: int) -> None:
    encoded = np.array([path.encode() for path in paths], dtype=f"S{max((len(path.encode()) for path in paths), default=1) or 1}")
    arrow = inputs.path_array(encoded)
    assert arrow.to_pylist() == paths
    sliced = arrow.slice(min(start, len(paths)))
    assert inputs.path_bytes(sliced).tolist() == encoded[min(start, len(paths)) :].tolist()
