"""A release is byte-reproducible: the same data gives the same files in any folder, time zone or locale."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

from wirecorpus.release.cut import cut_release

from release_repos import REPO, copy_repository, ingest_stories, tree_bytes

DATES = ("2026-12-01", "2026-12-24")


def release_twice_in_process(root: Path) -> None:
    cut_release(root, bump="minor", date=datetime.date.fromisoformat(DATES[0]))
    ingest_stories(root, range(4))
    cut_release(root, bump="minor", date=datetime.date.fromisoformat(DATES[1]))


def release_twice_elsewhere(root: Path) -> None:
    """The same two releases through the command, in a process with another time zone, locale and hash seed."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "TZ": "Pacific/Kiritimati", "LC_ALL": "POSIX", "LANG": "POSIX", "PYTHONHASHSEED": "4242"}
    command = [sys.executable, "-m", "wirecorpus", "release", "--root", str(root), "--bump", "minor", "--quiet", "--date"]
    subprocess.run([*command, DATES[0]], env=env, check=True, capture_output=True)
    ingest_stories(root, range(4))
    subprocess.run([*command, DATES[1]], env=env, check=True, capture_output=True)


def in_build_record(path: str) -> bool:
    """A file of a build record beside a release: it holds this copy's file times, state of the machine, not of the release."""
    parts = path.split("/")
    return len(parts) > 2 and parts[0] == "dist" and parts[1].endswith(".record")


def test_reproducible_release_in_any_folder_zone_and_locale(tmp_path: Path) -> None:
    here = copy_repository(tmp_path / "one")
    there = copy_repository(tmp_path / "a" / "deeper" / "other name")
    release_twice_in_process(here)
    release_twice_elsewhere(there)
    ours, theirs = ({path: data for path, data in tree_bytes(root).items() if not in_build_record(path)} for root in (here, there))
    written = [path for path in ours if path.startswith(("dist/", "releases/"))]
    assert len([p for p in written if p.endswith("MANIFEST.json")]) == 2 and len([p for p in written if p.startswith("releases/")]) == 2
    assert ours.keys() == theirs.keys()
    assert [path for path in ours if ours[path] != theirs[path]] == []
    assert not any(str(tmp_path).encode() in data for data in ours.values())
