"""One minimal invalid fixture per finding id: each gives exactly the ids it declares.

A fixture is a folder under tests/fixtures/invalid/ laid over a copy of the
valid repository tests/fixtures/valid_repo/. Its problem.txt says in its first
line what is wrong, then ``expect: <ids>`` and optionally ``args: <paths>``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO, assert_golden

from wirecorpus.validate import REGISTRY, render, validate

INVALID = REPO / "tests" / "fixtures" / "invalid"
FIXTURES = sorted(p.name for p in INVALID.iterdir() if p.is_dir())


def read_problem(name: str) -> dict[str, list[str]]:
    lines = (INVALID / name / "problem.txt").read_text(encoding="utf-8").splitlines()
    fields = dict(line.split(": ", 1) for line in lines[1:])
    return {"problem": [lines[0]], **{key: value.split() for key, value in fields.items()}}


def broken_repo(valid_repo: Path, name: str) -> tuple[Path, list[Path] | None]:
    """The valid repository with the fixture laid over it, and the paths to validate."""
    source = INVALID / name
    for file in source.rglob("*"):
        if file.is_file() and file.name != "problem.txt":
            target = valid_repo / file.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)
    args = read_problem(name).get("args")
    return valid_repo, [valid_repo / arg for arg in args] if args else None


def test_validate_valid_repo_is_clean(valid_repo: Path) -> None:
    report = validate(None, root=valid_repo)
    assert report.findings == []
    assert render(report, format="text") == "*** PASSED *** 3 files, 0 errors, 0 warnings\n"


@pytest.mark.parametrize("name", FIXTURES)
def test_validate_fixture_gives_exactly_its_ids(valid_repo: Path, name: str) -> None:
    root, paths = broken_repo(valid_repo, name)
    report = validate(paths, root=root)
    assert {f.id for f in report.findings} == set(read_problem(name)["expect"])
    assert all(f.line is None or f.line >= 1 for f in report.findings)


def test_validate_every_id_has_its_fixture() -> None:
    assert set(FIXTURES) == set(REGISTRY)
    assert all(name in read_problem(name)["expect"] for name in FIXTURES)


def test_validate_text_output_golden(tmp_path: Path) -> None:
    sections = []
    for name in FIXTURES:
        root = tmp_path / name
        (root / "annotations").mkdir(parents=True)
        shutil.copy(REPO / "annotations" / "schema.json", root / "annotations" / "schema.json")
        shutil.copytree(REPO / "tests" / "fixtures" / "valid_repo", root, dirs_exist_ok=True)
        root, paths = broken_repo(root, name)
        report = validate(paths, root=root)
        sections.append(f"## {name}\n{render(report, format='text').replace(str(root) + '/', '')}")
    assert_golden("validate_invalid_fixtures.txt", "\n".join(sections))


@pytest.mark.parametrize("name", ["span-text-mismatch", "article-invalid", "duplicate-text"])
def test_validate_worker_pool_gives_the_same_findings(valid_repo: Path, name: str, monkeypatch) -> None:
    root, paths = broken_repo(valid_repo, name)
    serial = validate(paths, root=root, workers=1)
    monkeypatch.setattr("wirecorpus.validate.runner.POOL_MIN_UNITS", 1)
    pooled = validate(paths, root=root, workers=2)
    assert pooled.findings == serial.findings and pooled.findings
