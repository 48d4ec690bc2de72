"""The evaluation report in text, Markdown (golden files) and JSON."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from conftest import SEED_ID, assert_golden
from wirecorpus.evaluate import evaluate, render

# An article only the gold set covers, and one whose two files disagree on the text.
GOLD_ONLY = "tass-20200921-0a1b2c3d"
STALE = "tass-20200922-4e5f6a7b"


@pytest.fixture
def result(evaluation_repo: Path):
    annotations = evaluation_repo / "annotations"
    seed_gold = annotations / "hand/g1" / f"{SEED_ID}.json"
    shutil.copy(seed_gold, annotations / "hand/g1" / f"{GOLD_ONLY}.json")
    shutil.copy(seed_gold, annotations / "hand/g1" / f"{STALE}.json")
    stale = json.loads(seed_gold.read_text(encoding="utf-8")) | {"text_sha256": "f" * 64}
    (annotations / "model/p1" / f"{STALE}.json").write_text(json.dumps(stale), encoding="utf-8")
    return evaluate(root=evaluation_repo, gold="hand/g1", pred="model/p1")


@pytest.mark.parametrize(("format", "golden"), [("text", "evaluate_report.txt"), ("markdown", "evaluate_report.md")])
def test_evaluate_render_matches_golden(result, format, golden):
    assert_golden(golden, render(result, format=format))


def test_evaluate_render_coverage_and_warning(result):
    assert result.articles == (SEED_ID,)
    assert tuple(result.gold_only) == (GOLD_ONLY,) and tuple(result.pred_only) == ()
    assert result.text_mismatch == (STALE,)
    assert result.warnings == (f"{STALE}: the two files were made on different texts (text_sha256 differs); not scored",)


def test_evaluate_render_json(result):
    data = json.loads(render(result, format="json"))
    assert data["gold"] == "hand/g1" and data["pred"] == "model/p1"
    assert (data["articles"], data["gold_only"], data["text_mismatch"]) == ([SEED_ID], [GOLD_ONLY], [STALE])
    person = data["layers"]["entities"]["rows"]["PERSON"]
    assert person["gold"] == 4 and person["pred"] == 3
    assert person["strict"] == {"tp": 3, "fp": 0, "fn": 1, "precision": 1.0, "recall": 0.75, "f1": 6 / 7}
    assert data["layers"]["events"]["rows"]["Policy:Directive"]["overlap"]["precision"] is None
    assert data["layers"]["quotes"]["accuracies"]["speaker"] == {"correct": 1, "total": 2, "value": 0.5}
    assert list(data["layers"]) == ["entities", "quotes", "events"]


def test_evaluate_render_markdown_has_one_table_per_layer(result):
    headers = [line for line in render(result, format="markdown").splitlines() if line.startswith("|---")]
    assert len(headers) == 3


def test_evaluate_render_unknown_format(result):
    with pytest.raises(ValueError, match="unknown format 'html'"):
        render(result, format="html")


@pytest.mark.parametrize(("count", "line"), [
    (5, "only in model/p1 (not scored): m-0, m-1, m-2, m-3, m-4"),
    (12, "only in model/p1 (not scored): m-0, m-1, m-2, m-3, m-4 and 7 more (12 articles)"),
])
@pytest.mark.parametrize("format", ["text", "markdown"])
def test_evaluate_render_names_a_few_uncovered_articles_and_counts_the_rest(result, count, line, format):
    many = dataclasses.replace(result, pred_only=tuple(f"m-{n}" for n in range(count)))
    assert line in render(many, format=format)
    assert len(json.loads(render(many, format="json"))["pred_only"]) == count
