"""Malformed input of any kind gives findings, never a traceback; validate changes nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wirecorpus.validate import render, validate

VALID = REPO / "tests" / "fixtures" / "valid_repo"
ANNOTATION = next((VALID / "annotations").rglob("*.json")).relative_to(VALID)
ARTICLE = next((VALID / "corpus").rglob("tass-*.json")).relative_to(VALID)

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 500) | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


@pytest.fixture(scope="module")
def scratch_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    (root / "annotations").mkdir()
    shutil.copy(REPO / "annotations" / "schema.json", root / "annotations" / "schema.json")
    shutil.copytree(VALID, root, dirs_exist_ok=True)
    return root


def paths_of(value, prefix=()):
    """Every path into a JSON value."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths_of(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths_of(item, (*prefix, index))


def mutated(document, path, replacement, delete: bool):
    document = json.loads(json.dumps(document))
    if not path:
        return replacement
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = replacement
    return document


def check_never_fails(root: Path, name: Path, content: bytes) -> None:
    (root / name).write_bytes(content)
    try:
        report = validate(None, root=root)
        render(report, format="text")
        render(report, format="json")
    finally:
        shutil.copy(VALID / name, root / name)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.data(), target=st.sampled_from([ANNOTATION, ARTICLE]), delete=st.booleans())
def test_validate_survives_mutated_records(scratch_repo: Path, data, target: Path, delete: bool) -> None:
    document = json.loads((VALID / target).read_text(encoding="utf-8"))
    path = data.draw(st.sampled_from(list(paths_of(document))))
    content = mutated(document, path, data.draw(JSON_VALUES), delete and bool(path))
    check_never_fails(scratch_repo, target, json.dumps(content, ensure_ascii=False).encode("utf-8"))


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(content=st.binary(max_size=200) | st.text(max_size=200).map(str.encode), target=st.sampled_from([ANNOTATION, ARTICLE, Path("corpus/splits.json")]))
def test_validate_survives_garbage_files(scratch_repo: Path, content: bytes, target: Path) -> None:
    check_never_fails(scratch_repo, target, content)


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(root.rglob("*")) if p.is_file()}


def test_validate_changes_nothing(valid_repo: Path) -> None:
    (valid_repo / ANNOTATION).write_text("{not json", encoding="utf-8")
    before = snapshot(valid_repo)
    assert not validate(None, root=valid_repo).ok
    assert snapshot(valid_repo) == before


def test_validate_deeply_nested_json(valid_repo: Path) -> None:
    (valid_repo / ANNOTATION).write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    report = validate(None, root=valid_repo)
    assert [f.id for f in report.findings] == ["json-syntax"]


def test_validate_lone_surrogate_escape(valid_repo: Path) -> None:
    article = (valid_repo / ARTICLE).read_text(encoding="utf-8")
    (valid_repo / ARTICLE).write_text(article.replace('"source": "tass",', '"source": "tass\\ud800",'), encoding="utf-8")
    report = validate(None, root=valid_repo)
    assert ("not-utf8", ARTICLE.as_posix(), 3) in [(f.id, f.path, f.line) for f in report.findings]
    assert {f.id for f in report.findings} == {"not-utf8", "article-invalid"}
