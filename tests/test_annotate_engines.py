"""Annotate on the local engine's worker processes, and the pipeline set-up a worker gets."""

from __future__ import annotations

import dataclasses
import pickle
import shutil
from pathlib import Path

import pytest
from conftest import SEED_ID

from wirecorpus import corpus, layout
from wirecorpus.annotate import ArticleText, PipelineSetup, annotate, annotate_batch, pipeline_files
from wirecorpus.errors import AnnotateError
from wirecorpus.ingest import ingest

SET_NAME = "en_tiny_rules-0.1.0"
# Short articles beside the seed: one quote with a named speaker, a pronoun speaker, none.
SMALL_ARTICLES = [
    "date 2020-09-21\nMOSCOW, September 21. /TASS/. \"We have no comment,\" Dmitry Peskov said.\n",
    "date 2020-09-22\nMOSCOW, September 22. /TASS/. The Kremlin met. \"Nothing changes,\" he said of Vladimir Putin's plans.\n",
    "date 2020-09-23\nMOSCOW, September 23. /TASS/. Rain fell over the city all day.\n",
]


@pytest.fixture
def four_articles(repo_copy: Path, tmp_path: Path) -> Path:
    """The repository copy with three short articles beside the seed."""
    raws = []
    for number, text in enumerate(SMALL_ARTICLES):
        raws.append(tmp_path / f"raw{number}.txt")
        raws[-1].write_text(text, encoding="utf-8")
    assert len(ingest(raws, root=repo_copy).added) == len(SMALL_ARTICLES)
    return repo_copy


def set_files(root: Path, set_name: str = SET_NAME) -> dict[str, bytes]:
    """The annotation set's files, by name, as bytes; fails on an empty set."""
    folder = layout.annotation_path(root, kind="model", name=set_name, article_id="x").parent
    files = {path.name: path.read_bytes() for path in sorted(folder.glob("*.json"))}
    assert files, f"{folder} holds no annotation file"
    return files


def test_annotate_local_processes_write_what_one_process_writes(four_articles: Path, tiny_pipeline: Path) -> None:
    one = annotate(None, root=four_articles, model=str(tiny_pipeline))
    in_one = set_files(four_articles)
    shutil.rmtree(four_articles / "annotations" / "model" / SET_NAME)
    two = annotate(None, root=four_articles, model=str(tiny_pipeline), n_process=2, batch_size=1)
    assert len(in_one) == 4 and set_files(four_articles) == in_one
    assert two.written == one.written and len(one.written) == 4


def test_annotate_setup_needs_no_repository(four_articles: Path, tiny_pipeline: Path, monkeypatch) -> None:
    """A worker gets the schema and lexicons with its setup: it loads and annotates with the repository gone."""
    annotate([SEED_ID], root=four_articles, model=str(tiny_pipeline))
    written = set_files(four_articles)[f"{SEED_ID}.json"]
    setup = PipelineSetup(str(tiny_pipeline), pipeline_files(four_articles))
    here = setup()
    (article,) = [a for a in corpus.iter_articles(four_articles) if a.id == SEED_ID]
    shutil.rmtree(four_articles / "annotations")  # the schema and the lexicons
    monkeypatch.chdir(four_articles)
    shipped = pickle.loads(pickle.dumps(setup))
    assert shipped._loaded is None, "the loaded pipeline was pickled with the setup"
    worker = shipped()
    assert worker is not here and worker.annotator == here.annotator
    assert annotate_batch(worker, [ArticleText(article.id, article.text, article.text_sha256)]) == [written.decode("utf-8")]


def test_annotate_setup_refuses_a_worker_with_another_pipeline(repo_copy: Path, tiny_pipeline: Path) -> None:
    setup = PipelineSetup(str(tiny_pipeline), pipeline_files(repo_copy))
    here = setup()
    assert setup() is here  # loaded once in this process
    setup.annotator = dataclasses.replace(here.annotator, spacy_version="3.7.0")  # as if installed elsewhere
    with pytest.raises(AnnotateError) as caught:
        pickle.loads(pickle.dumps(setup))()
    message = str(caught.value)
    assert message.startswith(f"the pipeline {str(tiny_pipeline)!r} on ")
    assert "'spacy_version': '3.7.0'" in message and message.endswith("install the same versions there")

