"""wirecorpus build refuses: validation errors, an existing different release; and leaves nothing half-written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wirecorpus import __version__, card
from wirecorpus.layout import build_record_path
from wirecorpus.build import BUILD_LOCK_NAME, build, stale_staging
from wirecorpus.cli import main
from wirecorpus.errors import BuildError, ValidationFailed

from conftest import SEED_ID


def hand_file(root: Path) -> Path:
    return root / "annotations" / "hand" / "a1" / f"{SEED_ID}.json"


def break_first_span(root: Path) -> None:
    data = json.loads(hand_file(root).read_text(encoding="utf-8"))
    data["entities"][0]["text"] += "x"
    hand_file(root).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def assert_nothing_written(root: Path) -> None:
    """dist/ holds at most the build's lock file: no release, no staging folder."""
    dist = root / "dist"
    assert not dist.exists() or {p.name for p in dist.iterdir()} <= {BUILD_LOCK_NAME}


def test_build_errors_refuses_validation_errors(release_repo: Path) -> None:
    break_first_span(release_repo)
    with pytest.raises(ValidationFailed) as caught:
        build(root=release_repo)
    assert str(caught.value) == (
        "the repository has 1 validation error(s), so no release was built; run `wirecorpus validate` to see them"
    )
    assert_nothing_written(release_repo)


def test_build_errors_no_partial_output_on_failure(release_repo: Path) -> None:
    (release_repo / card.BODY_PATH).unlink()
    with pytest.raises(BuildError, match="DATASET_CARD.md: missing"):
        build(root=release_repo)
    assert_nothing_written(release_repo)


def test_build_errors_empty_corpus(empty_repo: Path) -> None:
    with pytest.raises(BuildError, match="no articles"):
        build(root=empty_repo)
    assert_nothing_written(empty_repo)


def test_build_errors_existing_release_up_to_date(release_repo: Path) -> None:
    release = build(root=release_repo)
    before = {p: p.stat().st_mtime_ns for p in release.rglob("*")}
    assert build(root=release_repo) == release
    assert {p: p.stat().st_mtime_ns for p in release.rglob("*")} == before
    assert sorted(p.name for p in release.parent.iterdir()) == sorted([BUILD_LOCK_NAME, release.name, build_record_path(release).name])


def test_build_errors_existing_release_replaced_when_inputs_change(release_repo: Path) -> None:
    release = build(root=release_repo)
    before = (release / "README.md").read_bytes()
    body = release_repo / card.BODY_PATH
    body.write_text(body.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    assert build(root=release_repo) == release
    assert (release / "README.md").read_bytes() != before
    assert "One more line." in (release / "README.md").read_text(encoding="utf-8")
    assert sorted(p.name for p in release.parent.iterdir()) == sorted([BUILD_LOCK_NAME, release.name, build_record_path(release).name])


@pytest.mark.parametrize(
    ("prepare", "status", "out", "err"),
    [
        ("nothing", 0, "built ", ""),
        ("built", 0, "up to date ", ""),
        ("changed", 0, "built ", ""),
        ("broken", 1, "", "run `wirecorpus validate` to see them"),
    ],
)
def test_build_errors_cli(release_repo: Path, capsys, prepare: str, status: int, out: str, err: str) -> None:
    if prepare in ("built", "changed"):
        build(root=release_repo)
    if prepare == "changed":
        body = release_repo / card.BODY_PATH
        body.write_text(body.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    if prepare == "broken":
        break_first_span(release_repo)
    assert main(["build", "--quiet", "--root", str(release_repo)]) == status
    captured = capsys.readouterr()
    assert captured.out.startswith(out) and err in captured.err
    assert "Traceback" not in captured.err


def test_build_errors_removes_the_staging_folders_of_killed_builds(release_repo: Path) -> None:
    """A killed build leaves its hidden staging folder; the next build (holding the build lock) removes it."""
    dist = release_repo / "dist"
    stale = [dist / f".wirecorpus-{__version__}.k1ll3d_x", dist / ".wirecorpus-0.0.1.abcd1234"]
    kept = [dist / ".wirecorpus-0.0.1.not-a-staging-folder", dist / ".cache", dist / "notes.wirecorpus-0.0.1.abcd1234"]
    for folder in stale + kept:
        (folder / "data").mkdir(parents=True)
        (folder / "data" / "train-00000.partial").write_bytes(b"half a shard")
    assert stale_staging(dist / f"wirecorpus-{__version__}") == sorted(stale)
    release = build(root=release_repo)
    assert sorted(p.name for p in dist.iterdir()) == sorted([BUILD_LOCK_NAME, release.name, build_record_path(release).name, *(p.name for p in kept)])
