"""Version numbers and the files that hold the version: _version.py and CITATION.cff."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml

import wirecorpus
from wirecorpus.errors import ReleaseError
from wirecorpus.release import versioning
from wirecorpus.release.versioning import Level

from release_repos import REPO, make_releasable

DATE = datetime.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("version", "level", "bumped"),
    [
        ("0.1.0", Level.PATCH, "0.1.1"),
        ("0.1.7", Level.MINOR, "0.2.0"),
        ("0.9.3", Level.MAJOR, "1.0.0"),
        ("1.9.9", Level.MINOR, "1.10.0"),
        ("10.0.0", Level.PATCH, "10.0.1"),
    ],
)
def test_versioning_bump(version: str, level: Level, bumped: str) -> None:
    assert versioning.bump(version, level) == bumped


@pytest.mark.parametrize("version", ["1.0", "v1.0.0", "01.2.3", "1.2.3-rc1", "1.2.x", ""])
def test_versioning_refuses_other_version_forms(version: str) -> None:
    with pytest.raises(ReleaseError, match="is not a version MAJOR.MINOR.PATCH"):
        versioning.parse_version(version)


def test_versioning_reads_and_rewrites_the_repository_version_file(tmp_path: Path) -> None:
    root = make_releasable(tmp_path)
    assert versioning.read_version(root) == wirecorpus.__version__
    text = versioning.version_file_text(root, "7.8.9")
    original = (root / versioning.VERSION_FILE).read_text(encoding="utf-8")
    assert text == original.replace(f'"{wirecorpus.__version__}"', '"7.8.9"')
    namespace: dict = {}
    exec(text, namespace)
    assert namespace["__version__"] == "7.8.9"


def test_versioning_refuses_a_root_without_the_version_file(tmp_path: Path) -> None:
    with pytest.raises(ReleaseError, match=r"src/wirecorpus/_version.py: missing in the repository .*the dataset version is kept there"):
        versioning.read_version(tmp_path)


@pytest.mark.parametrize("text", ["VERSION = '1.0.0'\n", '__version__ = "1.0.0"\n__version__ = "1.0.1"\n'])
def test_versioning_refuses_a_version_file_without_one_version_line(tmp_path: Path, text: str) -> None:
    (tmp_path / "src" / "wirecorpus").mkdir(parents=True)
    (tmp_path / versioning.VERSION_FILE).write_text(text, encoding="utf-8")
    with pytest.raises(ReleaseError, match="expected exactly one line __version__"):
        versioning.read_version(tmp_path)


def test_versioning_citation_sets_version_and_date(tmp_path: Path) -> None:
    root = make_releasable(tmp_path)
    first = versioning.citation_text(root, "0.2.0", DATE)
    (root / versioning.CITATION_FILE).write_text(first, encoding="utf-8")
    second = versioning.citation_text(root, "0.3.0", DATE + datetime.timedelta(days=9))
    for text, version, date in ((first, "0.2.0", "2026-12-01"), (second, "0.3.0", "2026-12-10")):
        data = yaml.safe_load(text)
        assert (data["version"], data["date-released"]) == (version, date)
        assert text.count("date-released:") == 1
    original = (REPO / "CITATION.cff").read_text(encoding="utf-8").splitlines()
    kept = [line for line in original if not line.startswith(("version:", "date-released:"))]
    assert [line for line in second.splitlines() if not line.startswith(("version:", "date-released:"))] == kept


def test_versioning_citation_missing_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReleaseError, match="CITATION.cff: missing"):
        versioning.citation_text(tmp_path, "0.2.0", DATE)


def test_versioning_repository_citation_matches_the_package() -> None:
    """CITATION.cff parses as CFF 1.2.0 and names the package's version."""
    data = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert {"cff-version", "message", "title", "authors"} <= data.keys()
    assert data["cff-version"] == "1.2.0" and data["type"] == "dataset"
    assert data["authors"] == [{"name": "The wirecorpus contributors"}]
    assert data["license"] == "CC-BY-4.0"
    assert data["version"] == wirecorpus.__version__
    if "date-released" in data:
        datetime.date.fromisoformat(data["date-released"])  # a string YYYY-MM-DD, as CFF wants it
