"""``wirecorpus evaluate``: output, exit codes and errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import SEED_ID
from wirecorpus import cli
from wirecorpus.evaluate import evaluate, render


def _run(root: Path, *args: str) -> list[str]:
    return ["evaluate", "--root", str(root), *args]


@pytest.mark.parametrize("format", ["text", "json", "markdown"])
def test_evaluate_cli_prints_the_report(evaluation_repo, capsys, format):
    code = cli.main(_run(evaluation_repo, "--gold", "hand/g1", "--pred", "model/p1", "--format", format))
    out = capsys.readouterr().out
    assert code == 0
    assert out == render(evaluate(root=evaluation_repo, gold="hand/g1", pred="model/p1"), format=format)


def _break_file(root: Path) -> None:
    (root / "annotations/model/p1" / f"{SEED_ID}.json").write_text('{"article": "x"}', encoding="utf-8")


def _unshared(root: Path) -> None:
    target = root / "annotations/model/p1"
    (target / f"{SEED_ID}.json").rename(target / "tass-20200921-0a1b2c3d.json")


def _stale(root: Path) -> None:
    path = root / "annotations/model/p1" / f"{SEED_ID}.json"
    path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8")) | {"text_sha256": "f" * 64}), encoding="utf-8")


def _empty_set(root: Path) -> None:
    shutil.rmtree(root / "annotations/model/p1")
    (root / "annotations/model/p1").mkdir()


@pytest.mark.parametrize(
    ("gold", "pred", "change", "message"),
    [
        ("hand/g1", "model/nope", None, "annotation set 'model/nope' does not exist (no folder annotations/model/nope/); known sets: "),
        ("g1", "model/p1", None, "'g1' is not an annotation set name; expected <kind>/<name> with kind one of hand, model"),
        ("silver/g1", "model/p1", None, "'silver/g1' is not an annotation set name"),
        ("hand/g1", "model/p1", _break_file, f"annotations/model/p1/{SEED_ID}.json: not a valid annotation file (6 validation error(s), the first [missing-field]"),
        ("hand/g1", "model/p1", _unshared, "hand/g1 (1 files) and model/p1 (1 files) have no article in common"),
        ("hand/g1", "model/p1", _empty_set, "hand/g1 (1 files) and model/p1 (0 files) have no article in common"),
        ("hand/g1", "model/p1", _stale, f"annotated on a different text in each (text_sha256 differs): {SEED_ID}"),
    ],
)
def test_evaluate_cli_errors_exit_1(evaluation_repo, capsys, gold, pred, change, message):
    if change is not None:
        change(evaluation_repo)
    assert cli.main(_run(evaluation_repo, "--gold", gold, "--pred", pred)) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("wirecorpus: error: ") and message in captured.err
    assert "Traceback" not in captured.err


def test_evaluate_cli_unknown_set_lists_known_sets(evaluation_repo, capsys):
    cli.main(_run(evaluation_repo, "--gold", "hand/zz", "--pred", "model/p1"))
    assert "hand/g1" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--gold", "hand/g1"], ["--pred", "model/p1"], ["--gold", "hand/g1", "--pred", "model/p1", "--format", "csv"]])
def test_evaluate_cli_usage_errors_exit_2(evaluation_repo, capsys, argv):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(_run(evaluation_repo, *argv))
    assert exit_info.value.code == 2
