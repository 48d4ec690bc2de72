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
