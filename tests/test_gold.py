"""annotations/gold.json: the validator's gold checks on the repository, the build's refusal, and the hand rows' gold column."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import SEED_ID

from wirecorpus import layout, storage
from wirecorpus.build import build
from wirecorpus.errors import ValidationFailed
from wirecorpus.gold import read_gold, render_gold
from wirecorpus.validate import validate

SEED_HAND = f"annotations/hand/a1/{SEED_ID}.json"


def copy_hand_set(root: Path, name: str) -> None:
    """hand/a1's file of the seed, as hand/<name>."""
    data = json.loads((root / SEED_HAND).read_text(encoding="utf-8"))
    data["annotator"]["name"] = name
    target = layout.annotation_path(root, kind="hand", name=name, article_id=SEED_ID)
    storage.write_text_atomic(target, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def write_gold(root: Path, text: str) -> None:
    storage.write_text_atomic(root / layout.GOLD_PATH, text)


def test_gold_file_round_trips_and_is_sorted(repo_copy: Path) -> None:
    assert read_gold(repo_copy) == {}
    gold = {SEED_ID: "a1", "ap-20200101-00000000": "b2"}
    write_gold(repo_copy, render_gold(gold))
    assert read_gold(repo_copy) == gold
    assert list(json.loads((repo_copy / layout.GOLD_PATH).read_text(encoding="utf-8"))) == sorted(gold)


def test_gold_valid_file_is_checked_and_clean(repo_copy: Path) -> None:
    before = validate(None, root=repo_copy)
    write_gold(repo_copy, render_gold({SEED_ID: "a1"}))
    after = validate(None, root=repo_copy)
    assert before.findings == after.findings == []
    assert after.files == before.files + 1  # checked, and not a misplaced or invalid record


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (render_gold({SEED_ID: "b1"}), [("gold-set-missing", 2)]),
        (render_gold({SEED_ID: "a1", "tass-20200921-0badc0de": "a1"}), [("gold-unknown-article", 3)]),
        ('{\n  "tass-20200920-693f2c16": ["a1"]\n}\n', [("gold-shape", 2)]),
        ('["a1"]\n', [("gold-shape", None)]),
        ('{"tass-20200920-693f2c16": "a1",}\n', [("json-syntax", 1)]),
    ],
    ids=["set-missing", "unknown-article", "not-a-name", "not-an-object", "not-json"],
)
def test_gold_broken_file_is_reported_and_stops_the_build(release_repo: Path, tmp_path: Path, text: str, found: list) -> None:
    write_gold(release_repo, text)
    report = validate(None, root=release_repo)
    assert [(f.id, f.line) for f in report.findings] == found
    assert {f.path for f in report.findings} == {layout.GOLD_PATH.as_posix()}
    with pytest.raises(ValidationFailed):
        build(root=release_repo, out=tmp_path / "release")
    assert not (tmp_path / "release").exists()


def test_gold_named_file_is_checked_alone(repo_copy: Path) -> None:
    write_gold(repo_copy, render_gold({SEED_ID: "b1"}))
    report = validate([repo_copy / layout.GOLD_PATH], root=repo_copy)
    assert [f.id for f in report.findings] == ["gold-set-missing"] and report.files == 1
    assert validate([repo_copy / "annotations" / "hand"], root=repo_copy).findings == []


def hand_rows(release: Path) -> list[tuple[str, str, bool]]:
    shards = sorted((release / "data" / "hand").glob("*.parquet"))
    return [(row["id"], row["annotator"]["name"], row["gold"]) for shard in shards for row in pq.read_table(shard).to_pylist()]


def test_gold_column_of_built_hand_rows(release_repo: Path, tmp_path: Path) -> None:
    copy_hand_set(release_repo, "b1")
    assert hand_rows(build(root=release_repo, out=tmp_path / "none")) == [(SEED_ID, "a1", False), (SEED_ID, "b1", False)]
    write_gold(release_repo, render_gold({SEED_ID: "b1"}))
    release = build(root=release_repo, out=tmp_path / "b1")
    assert hand_rows(release) == [(SEED_ID, "a1", False), (SEED_ID, "b1", True)]
    model = [pq.read_schema(shard).names for shard in (release / "data" / "model").glob("*.parquet")]
    assert model and all("gold" not in names for names in model)


def test_gold_set_removed_later_is_reported(repo_copy: Path) -> None:
    copy_hand_set(repo_copy, "b1")
    write_gold(repo_copy, render_gold({SEED_ID: "b1"}))
    assert validate(None, root=repo_copy).ok
    shutil.rmtree(repo_copy / "annotations" / "hand" / "b1")
    assert [f.id for f in validate(None, root=repo_copy).findings] == ["gold-set-missing"]
