"""Every JSON file under corpus/ and annotations/ is a record in its place, or an error that names it.

A file holding JSON null (or any other value that is not an object) is
refused like a record of the wrong type. A file where the layout has no place
for it, such as one under annotations/<kind>/ for a kind other than hand and
model, is a misplaced-file, whether it is found in a folder or named on the
command line. Only annotations/schema.json and annotations/lexicons/*.json are
data of their own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO
from test_validate_screen import fast_path_passes

from wirecorpus import layout
from wirecorpus.build import build
from wirecorpus.errors import ValidationFailed
from wirecorpus.validate import validate

VALID = REPO / "tests" / "fixtures" / "valid_repo"
ARTICLE = Path("corpus/tass/2020/tass-20200920-c7a333b7.json")
ANNOTATION = Path("annotations/hand/a1/tass-20200920-c7a333b7.json")
LOOSE = Path("contributions/tass-20200920-c7a333b7.json")
NOT_OBJECTS = {"null": b"null\n", "list": b"[]\n", "number": b"5\n", "string": b'"x"\n', "boolean": b"true\n"}


def findings_of(root: Path, paths: list[Path] | None) -> list[tuple[str, str]]:
    return [(f.id, f.path) for f in validate(paths, root=root).findings]


@pytest.mark.parametrize("value", sorted(NOT_OBJECTS))
@pytest.mark.parametrize(
    ("target", "finding", "named"),
    [(ARTICLE, "wrong-type", False), (ANNOTATION, "wrong-type", False), (layout.SPLITS_PATH, "splits-shape", False), (LOOSE, "wrong-type", True)],
)
def test_validate_refuses_a_file_that_holds_no_object(valid_repo: Path, target: Path, finding: str, named: bool, value: str) -> None:
    (valid_repo / target).parent.mkdir(parents=True, exist_ok=True)
    (valid_repo / target).write_bytes(NOT_OBJECTS[value])
    paths = [valid_repo / target] if named else None
    report = validate(paths, root=valid_repo)
    named_findings = [f for f in report.findings if (f.id, f.path) == (finding, target.as_posix())]
    assert named_findings and not report.ok
    assert value != "null" or "null" in named_findings[0].message
    assert not fast_path_passes(valid_repo, paths)


def test_validate_build_refuses_an_article_that_is_null(valid_repo: Path, tmp_path: Path) -> None:
    (valid_repo / ARTICLE).write_bytes(b"null")
    with pytest.raises(ValidationFailed):
        build(root=valid_repo, out=tmp_path / "release")
    assert not (tmp_path / "release").exists()


MISPLACED = [
    Path("annotations/silver/s1/tass-20200920-c7a333b7.json"),
    Path("annotations/tass-20200920-c7a333b7.json"),
    Path("annotations/lexicons/old/speech_verbs.json"),
    Path("corpus/tass/tass-20200920-c7a333b7.json"),
]
CONTENTS = {"broken": b"{not json", "null": b"null", "a valid annotation": (VALID / ANNOTATION).read_bytes()}


@pytest.mark.parametrize("named", [False, True], ids=["found", "named"])
@pytest.mark.parametrize("content", sorted(CONTENTS))
@pytest.mark.parametrize("relative", MISPLACED, ids=str)
def test_validate_reports_every_misplaced_file(valid_repo: Path, relative: Path, content: str, named: bool) -> None:
    (valid_repo / relative).parent.mkdir(parents=True, exist_ok=True)
    (valid_repo / relative).write_bytes(CONTENTS[content])
    paths = [valid_repo / relative] if named else None
    assert findings_of(valid_repo, paths) == [("misplaced-file", relative.as_posix())]
    assert not fast_path_passes(valid_repo, paths)


def test_validate_build_refuses_a_set_of_an_unknown_kind(valid_repo: Path, tmp_path: Path) -> None:
    (valid_repo / MISPLACED[0]).parent.mkdir(parents=True)
    (valid_repo / MISPLACED[0]).write_bytes(b"{not json")
    with pytest.raises(ValidationFailed):
        build(root=valid_repo, out=tmp_path / "release")


def test_validate_leaves_the_schema_and_lexicons_to_their_readers(valid_repo: Path) -> None:
    shutil.copytree(REPO / layout.LEXICONS_DIR, valid_repo / layout.LEXICONS_DIR)
    assert sorted((valid_repo / layout.LEXICONS_DIR).glob("*.json"))
    report = validate(None, root=valid_repo)
    assert report.findings == [] and report.files == 3
