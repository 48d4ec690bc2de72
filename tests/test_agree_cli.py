"""``wirecorpus agree``: the report in each format, the choice of sets and articles, and the errors."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from agree_sets import add_sets
from conftest import SEED_ID
from wirecorpus import cli
from wirecorpus.agree import agree, render
from wirecorpus.errors import AgreementError


@pytest.mark.parametrize("format", ["text", "json", "markdown"])
def test_agree_cli_prints_the_report(repo_copy: Path, capsys, format):
    add_sets(repo_copy, "a2", "a3")
    code = cli.main(["agree", "--root", str(repo_copy), "--format", format])
    assert code == 0
    assert capsys.readouterr().out == render(agree(root=repo_copy), format=format)


def test_agree_report_text(repo_copy: Path):
    add_sets(repo_copy, "a2", "a3")
    text = render(agree(root=repo_copy))
    lines = text.splitlines()
    assert lines[0] == "Agreement of hand/a1, hand/a2, hand/a3 over 1 article that two or more of them annotate."
    assert "pairs of sets compared: 3" in lines
    pairs = "hand/a1 ~ hand/a3 (1 article), hand/a2 ~ hand/a3 (1 article)"
    left_out = f"left out where one set of the pair does not cover it: {pairs}"
    assert f"entities: {left_out}" in lines and f"events: {left_out}" in lines
    assert any(line.startswith("speaker agreement: ") and line.endswith("(mean over 3 pairs)") for line in lines)
    header = next(line for line in lines if line.startswith("alpha per article"))
    assert header.split() == ["alpha", "per", "article", "sets", "tokens", "entities", "quotes", "events"]
    assert lines[-1].split()[:3] == [SEED_ID, "3", "396"]


def test_agree_report_json_matches_the_result(repo_copy: Path):
    add_sets(repo_copy, "a2", "a3")
    result = agree(root=repo_copy)
    data = json.loads(render(result, format="json"))
    assert data["sets"] == ["hand/a1", "hand/a2", "hand/a3"] and data["uncompared_layers"] == []
    assert [(p["first"], p["second"]) for p in data["pairs"]] == [(p.first, p.second) for p in result.pairs]
    assert data["averages"]["quotes"]["rows"]["content"]["overlap"]["count"] == 3
    assert data["averages"]["quotes"]["alpha"]["pooled"] == result.pooled_alphas["quotes"]
    assert sorted(data["pairs"][1]["layers"]) == ["quotes"] and data["pairs"][1]["uncovered"] == {
        "entities": [SEED_ID],
        "events": [SEED_ID],
    }


def test_agree_named_sets_and_articles(repo_copy: Path):
    add_sets(repo_copy, "a2", "a3")
    result = agree(root=repo_copy, articles=[SEED_ID], sets=["hand/a3", "hand/a1"])
    assert result.sets == ("hand/a3", "hand/a1") and [p.name for p in result.pairs] == ["hand/a3 ~ hand/a1"]
    assert result.layers == ("quotes",) and result.uncompared_layers == ("entities", "events")
    assert "not compared, as no two sets cover them on a shared article: entities, events" in render(result)


def test_agree_identical_sets_agree_fully(repo_copy: Path):
    add_sets(repo_copy, "a2")
    a1 = repo_copy / "annotations/hand/a1" / f"{SEED_ID}.json"
    data = json.loads(a1.read_text(encoding="utf-8")) | {"annotator": {"kind": "hand", "name": "a2"}}
    (repo_copy / "annotations/hand/a2" / f"{SEED_ID}.json").write_text(json.dumps(data), encoding="utf-8")
    result = agree(root=repo_copy)
    (pair,) = result.pairs
    for layer in result.layers:
        assert all(row.strict.f1 == row.overlap.f1 == 1.0 for row in pair.layer(layer).rows)
        assert pair.kappas[layer].value in (1.0, None)  # None: one label throughout (p_e = 1)
        assert result.mean_alpha(layer).value == 1.0


def test_agree_empty_layers_give_no_alpha(repo_copy: Path):
    """Two sets that mark nothing in a layer: every token is O, so alpha is undefined (n/a), not an error."""
    made = add_sets(repo_copy, "a2")
    for name in ("a1", "a2"):
        event_free = made[name] | {"events": []}
        (repo_copy / "annotations/hand" / name / f"{SEED_ID}.json").write_text(json.dumps(event_free), encoding="utf-8")
    result = agree(root=repo_copy)
    (events,) = [a for a in result.alphas if a.layer == "events"]
    assert events.alpha is None and result.pooled_alphas["events"] is None
    assert result.pairs[0].kappas["events"].value is None
    assert "alpha over tokens: n/a (mean over 0 articles); pooled over all articles: n/a" in render(result)
    assert not math.isnan(result.pairs[0].kappas["entities"].value)


def test_agree_stale_file_is_left_out_with_a_warning(repo_copy: Path):
    add_sets(repo_copy, "a2", "a3")
    _make_stale(repo_copy, "a3")
    result = agree(root=repo_copy)
    assert [p.name for p in result.pairs] == ["hand/a1 ~ hand/a2"]
    stale = f"hand/a3: {SEED_ID}: made on a different text than the article's (text_sha256 differs); left out"
    assert result.warnings == (stale,)


def _make_stale(root: Path, name: str) -> None:
    """The set's file of the seed as if made on another text."""
    path = root / "annotations/hand" / name / f"{SEED_ID}.json"
    path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8")) | {"text_sha256": "f" * 64}), encoding="utf-8")


def _only_a1(root: Path) -> None:
    """The repository as it is: hand/a1 alone."""


def _a2_elsewhere(root: Path) -> None:
    add_sets(root, "a2")
    folder = root / "annotations/hand/a2"
    (folder / f"{SEED_ID}.json").rename(folder / "tass-20200921-0a1b2c3d.json")


def _a2_stale(root: Path) -> None:
    add_sets(root, "a2")
    _make_stale(root, "a2")


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        (_only_a1, [], "agreement needs two or more hand annotation sets; this repository has 1: hand/a1"),
        (_only_a1, ["--sets", "hand/a1", "hand/a1"], "agreement needs two or more annotation sets; got hand/a1"),
        (_only_a1, ["--sets", "hand/a1", "hand/zz"], "annotation set 'hand/zz' does not exist"),
        (_only_a1, ["--sets", "hand/a1", "a2"], "'a2' is not an annotation set name"),
        (_a2_elsewhere, [], "no article is annotated by two or more of hand/a1 (1 files), hand/a2 (1 files)"),
        (_a2_elsewhere, [SEED_ID], f"{SEED_ID}: annotated by hand/a1 of hand/a1, hand/a2; agreement needs two sets"),
        (
            _a2_stale,
            [],
            f"no article is left with two sets made on its text (text_sha256 differs): hand/a2 on {SEED_ID}",
        ),
    ],
)
def test_agree_cli_errors(repo_copy: Path, capsys, setup, args, message):
    setup(repo_copy)
    assert cli.main(["agree", "--root", str(repo_copy), *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith("wirecorpus: error: ") and message in err and "Traceback" not in err


def test_agree_errors_are_typed(repo_copy: Path):
    with pytest.raises(AgreementError, match="two or more hand annotation sets"):
        agree(root=repo_copy)
