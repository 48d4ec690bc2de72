"""Atomic writes leave the old file or the new one; the repository lock excludes other processes, not the holder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from wirecorpus import storage
from wirecorpus.errors import RepositoryError, WriteError

HOLD = "import sys; from wirecorpus import storage\nwith storage.repository_lock(sys.argv[1]):\n    print('held', flush=True); sys.stdin.read()"


def test_storage_write_is_whole_or_not_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "corpus" / "splits.json"
    storage.write_text_atomic(path, "old\n")

    def crash(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(WriteError, match="splits.json: cannot write the file: disk full"):
        storage.write_text_atomic(path, "new\n")
    assert path.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in path.parent.iterdir()] == ["splits.json"]  # no temporary sibling left



def batch_of(folder: Path) -> dict[Path, bytes]:
    return {folder / "corpus" / str(year) / f"{n}.json": f"{year} {n}\n".encode() for year in (2020, 2021) for n in range(3)}


def test_storage_batch_writes_every_file_and_leaves_no_temporaries(tmp_path: Path) -> None:
    files = batch_of(tmp_path)
    storage.write_text_atomic(next(iter(files)), "old\n")
    storage.write_files_durably(files)
    assert {path: path.read_bytes() for path in files} == files
    assert sorted(p for p in tmp_path.rglob("*") if p.is_file()) == sorted(files)


def test_storage_batch_writes_nothing_when_the_flush_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = batch_of(tmp_path)
    first = next(iter(files))
    storage.write_text_atomic(first, "old\n")

    def crash() -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "sync", crash)
    with pytest.raises(WriteError, match=f"{first} and 5 more: cannot write the files: disk full"):
        storage.write_files_durably(files)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [first] and first.read_text(encoding="utf-8") == "old\n"


def test_storage_batch_leaves_each_file_whole_or_absent_when_a_rename_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = batch_of(tmp_path)
    renamed: list[str] = []
    replace = os.replace

    def fail_third(source: str, target: Path) -> None:
        if len(renamed) == 2:
            raise OSError("no space left on device")
        replace(source, target)
        renamed.append(source)

    monkeypatch.setattr(os, "replace", fail_third)
    with pytest.raises(WriteError, match="cannot write the file: no space left on device"):
        storage.write_files_durably(files)
    written = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert written == sorted(files)[:2] and all(path.read_bytes() == files[path] for path in written)


def test_storage_lock_is_reentrant_for_its_holder(tmp_path: Path) -> None:
    with storage.repository_lock(tmp_path, timeout=1):
        with storage.repository_lock(tmp_path, timeout=1):
            pass
        with storage.repository_lock(tmp_path, timeout=1):
            pass


def test_storage_lock_excludes_another_process(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert holder.stdout.readline() == "held\n"
        with pytest.raises(RepositoryError, match=f"{storage.LOCK_NAME}: another wirecorpus command has held this lock"):
            with storage.repository_lock(tmp_path, timeout=0.3):
                pass
    finally:
        holder.communicate("", timeout=30)
    with storage.repository_lock(tmp_path, timeout=5):
        pass


def test_storage_durable_write_of_nothing_waits_for_no_flush(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_flush() -> None:
        raise AssertionError("os.sync() for an empty batch")

    monkeypatch.setattr(storage.os, "sync", no_flush)
    storage.write_files_durably({})


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o077])
def test_storage_writes_files_and_folders_as_the_umask_allows(tmp_path: Path, umask: int) -> None:
    """tempfile makes its files and folders private; what is renamed into place must get what open() and mkdir give."""
    old = os.umask(umask)
    try:
        storage.write_bytes_atomic(tmp_path / "one.json", b"{}")
        storage.write_files_durably({tmp_path / "two.json": b"{}"})
        storage.write_chunks_atomic(tmp_path / "three.json", [b"{", b"}"])
        folder = storage.new_hidden_folder(tmp_path / "release")
        (tmp_path / "plain").touch()
    finally:
        os.umask(old)
    for name in ("one.json", "two.json", "three.json", "plain"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o666 & ~umask, name
    assert folder.stat().st_mode & 0o777 == 0o777 & ~umask
    assert folder.parent == tmp_path and folder.name.startswith(".release.")
