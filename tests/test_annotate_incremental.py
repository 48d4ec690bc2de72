"""Annotate is incremental: up-to-date files are skipped, stale ones re-annotated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SEED_ID

from wirecorpus import corpus, layout, schema
from wirecorpus.annotate import annotate
from wirecorpus.ingest import ingest

SET_NAME = "en_tiny_rules-0.1.0"
SECOND_RAW = "date 2020-09-21\nMOSCOW, September 21. /TASS/. Dmitry Peskov said the Kremlin had no comment.\n"


@pytest.fixture
def two_articles(repo_copy: Path, tmp_path: Path) -> tuple[Path, str]:
    """The repository copy with a second, short article beside the seed."""
    raw = tmp_path / "second.txt"
    raw.write_text(SECOND_RAW, encoding="utf-8")
    (second_id,) = ingest([raw], root=repo_copy).added
    return repo_copy, second_id


def _set_file(root: Path, article_id: str) -> Path:
    return layout.annotation_path(root, kind="model", name=SET_NAME, article_id=article_id)


def _set_files(root: Path) -> list[Path]:
    return sorted(_set_file(root, "*").parent.glob("*.json"))


def test_annotate_writes_then_skips(two_articles: tuple[Path, str], tiny_pipeline: Path) -> None:
    root, second_id = two_articles
    first = annotate(None, root=root, model=str(tiny_pipeline))
    assert sorted(first.written) == sorted([SEED_ID, second_id])
    assert (first.updated, first.unchanged) == ([], [])
    before = {p: p.stat().st_mtime_ns for p in _set_files(root)}
    again = annotate(None, root=root, model=str(tiny_pipeline))
    assert (again.written, again.updated) == ([], [])
    assert sorted(again.skipped) == sorted([SEED_ID, second_id])
    assert {p: p.stat().st_mtime_ns for p in _set_files(root)} == before


def test_annotate_only_the_requested_articles(two_articles: tuple[Path, str], tiny_pipeline: Path) -> None:
    root, second_id = two_articles
    report = annotate([second_id], root=root, model=str(tiny_pipeline))
    assert report.written == [second_id]
    assert [p.stem for p in _set_files(root)] == [second_id]


def _change_text(root: Path, article_id: str) -> str:
    """Edit an article's text in place (as a corrected re-ingest would) and return its new hash."""
    (path,) = [p for p in layout.article_files(root) if p.stem == article_id]
    record = corpus.read_json(path)
    record["text"] += " Peskov added nothing."
    record["text_sha256"] = layout.text_sha256(record["text"])
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return record["text_sha256"]


def _change_annotator(root: Path, article_id: str) -> None:
    """Make the file look written by other component versions."""
    path = _set_file(root, article_id)
    data = corpus.read_json(path)
    data["annotator"]["wirecorpus_version"] = "wirecorpus_quotes 0.0.1"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _reformat(root: Path, article_id: str) -> None:
    """Rewrite the file in another layout, so its header cannot be read cheaply."""
    path = _set_file(root, article_id)
    path.write_text(json.dumps(corpus.read_json(path)), encoding="utf-8")


@pytest.mark.parametrize("make_stale", [_change_text, _change_annotator, _reformat])
def test_annotate_reannotates_stale_files(two_articles: tuple[Path, str], tiny_pipeline: Path, make_stale) -> None:
    root, second_id = two_articles
    annotate(None, root=root, model=str(tiny_pipeline))
    make_stale(root, SEED_ID)
    report = annotate(None, root=root, model=str(tiny_pipeline))
    assert (report.written, report.updated, report.unchanged) == ([], [SEED_ID], [second_id])
    (article,) = [a for a in corpus.iter_articles(root) if a.id == SEED_ID]
    rewritten = _set_file(root, SEED_ID)
    assert rewritten.read_text(encoding="utf-8") == schema.dumps(corpus.read_annotation(rewritten))
    assert corpus.read_annotation(rewritten).text_sha256 == article.text_sha256
    assert all(e.text == article.text[e.start : e.end] for e in corpus.read_annotation(rewritten).entities)


def test_annotate_reannotates_all_after_a_lexicon_edit(two_articles: tuple[Path, str], tiny_pipeline: Path) -> None:
    root, second_id = two_articles
    annotate(None, root=root, model=str(tiny_pipeline))
    (lexicon, *_) = sorted((root / "annotations" / "lexicons").glob("*.json"))
    lexicon.write_text(lexicon.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    report = annotate(None, root=root, model=str(tiny_pipeline))
    assert sorted(report.updated) == sorted([SEED_ID, second_id])
