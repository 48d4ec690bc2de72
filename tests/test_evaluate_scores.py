"""Scores of one annotation set against another, computed by hand on crafted sets.

hand/g1 and model/p1 (tests/data/evaluate/) annotate the seed. The expected
counts below were worked out from those files:

entities (gold 8, pred 8): MOSCOW, Dmitry Peskov, Sochi, Vladimir Putin and
Peskov match exactly; "The Kremlin" overlaps gold "Kremlin"; pred labels
"Alexander Lukashenko" GPE (gold PERSON); "Sunday" is predicted, "September
14" is missed. quotes: the direct quote includes its quotation marks in the
prediction (overlap only); the "stressed" clause matches exactly, with no
predicted speaker; the "recalled" clause is missed, the "stated" one is extra.
events: "talks" Contact:Meet matches with 3 of its 4 arguments (Lukashenko is
paired by span although mislabelled), "instructed" is typed Policy:Support
instead of Policy:Directive with 1 of 2 arguments, a second "talks" is extra.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SEED_ID
from wirecorpus import schema
from wirecorpus.evaluate import (
    ALL,
    MODES,
    STRICT,
    Accuracy,
    Counts,
    evaluate,
    match,
    matched_arguments,
    overlap,
    score_files,
)


@pytest.fixture
def crafted(evaluation_repo: Path):
    return evaluate(root=evaluation_repo, gold="hand/g1", pred="model/p1")


@pytest.mark.parametrize(
    ("layer", "row", "strict", "loose"),
    [
        ("entities", "GPE", (2, 1, 0), (2, 1, 0)),
        ("entities", "ORG", (0, 1, 1), (1, 0, 0)),
        ("entities", "PERSON", (3, 0, 1), (3, 0, 1)),
        ("entities", "DATE", (0, 1, 1), (0, 1, 1)),
        ("entities", ALL, (5, 3, 3), (6, 2, 2)),
        ("quotes", "direct", (0, 1, 1), (1, 0, 0)),
        ("quotes", "indirect", (1, 1, 1), (1, 1, 1)),
        ("quotes", ALL, (1, 2, 2), (2, 1, 1)),
        ("quotes", "content", (1, 2, 2), (2, 1, 1)),
        ("quotes", "cue", (2, 1, 1), (2, 1, 1)),
        ("events", "Contact:Meet", (1, 1, 0), (1, 1, 0)),
        ("events", "Policy:Directive", (0, 0, 1), (0, 0, 1)),
        ("events", "Policy:Support", (0, 1, 0), (0, 1, 0)),
        ("events", ALL, (1, 2, 1), (1, 2, 1)),
        ("events", "trigger", (2, 1, 0), (2, 1, 0)),
        ("events", "arguments", (4, 1, 2), (4, 1, 2)),
    ],
)
def test_evaluate_scores_crafted_counts(crafted, layer, row, strict, loose):
    scores = crafted.layer(layer).row(row)
    assert (scores.strict, scores.overlap) == (Counts(*strict), Counts(*loose))


def test_evaluate_scores_crafted_ratios(crafted):
    entities = crafted.layer("entities").row(ALL)
    assert (entities.strict.precision, entities.strict.recall, entities.overlap.f1) == (0.625, 0.625, 0.75)
    arguments = crafted.layer("events").row("arguments").overlap
    assert arguments.precision == pytest.approx(4 / 5) and arguments.recall == pytest.approx(4 / 6)
    assert arguments.f1 == pytest.approx(8 / 11)
    directive = crafted.layer("events").row("Policy:Directive").strict
    assert (directive.precision, directive.recall, directive.f1) == (None, 0.0, 0.0)


def test_evaluate_scores_crafted_accuracies(crafted):
    # Q2/Q1 share the aligned entity "Peskov"; Q3's predicted quote has no speaker.
    assert crafted.layer("quotes").accuracies == {"speaker": Accuracy(1, 2)}
    assert crafted.layer("events").accuracies == {"type": Accuracy(1, 2)}
    assert crafted.articles == (SEED_ID,) and tuple(crafted.gold_only) == tuple(crafted.pred_only) == ()


@pytest.mark.parametrize("gold", ["g1", "a1"])
def test_evaluate_scores_identical_sets_are_perfect(evaluation_repo, gold):
    shutil.copytree(evaluation_repo / "annotations/hand" / gold, evaluation_repo / "annotations/model/same")
    result = evaluate(root=evaluation_repo, gold=f"hand/{gold}", pred="model/same")
    assert result.articles == (SEED_ID,)
    for layer in result.layers:
        for row in layer.rows:
            for counts in (row.strict, row.overlap):
                assert (counts.precision, counts.recall, counts.f1) == (1.0, 1.0, 1.0), (layer.layer, row.name)
        assert all(accuracy.value == 1.0 for accuracy in layer.accuracies.values())


def _disjoint_prediction(path: Path) -> None:
    """Annotations of the seed's last paragraphs, where hand/g1 marks nothing."""
    data = json.loads(path.read_text(encoding="utf-8"))
    text = json.loads(next((path.parents[3] / "corpus").rglob(f"{SEED_ID}.json")).read_text(encoding="utf-8"))["text"]

    def span(needle: str) -> dict:
        start = text.rindex(needle)
        return {"start": start, "end": start + len(needle), "text": needle}

    data["entities"] = [{"id": "T1", **span("Belarus"), "label": "GPE"}, {"id": "T2", **span("Peskov"), "label": "PERSON"}]
    data["quotes"] = [
        {"id": "Q1", "kind": "direct", "content": span("Certainly, the events of the past weeks in Belarus"),
         "cue": span("recalled"), "speaker": "T2"}
    ]
    data["events"] = [{"id": "E1", "type": "Policy:Support", "trigger": span("supported"), "arguments": [{"role": "Agent", "entity": "T2"}]}]
    path.write_text(json.dumps(data), encoding="utf-8")


def test_evaluate_scores_disjoint_sets_are_zero(evaluation_repo):
    _disjoint_prediction(evaluation_repo / "annotations/model/p1" / f"{SEED_ID}.json")
    result = evaluate(root=evaluation_repo, gold="hand/g1", pred="model/p1")
    for layer in result.layers:
        for row in layer.rows:
            for counts in (row.strict, row.overlap):
                assert counts.tp == 0 and counts.f1 == 0.0, (layer.layer, row.name)
    assert result.layer("quotes").accuracies["speaker"] == Accuracy(0, 0)


@pytest.mark.parametrize(
    ("gold", "pred", "mode", "pairs"),
    [
        ([(0, 6)], [(0, 6)], "strict", {0: 0}),
        ([(0, 6)], [(0, 7)], "strict", {}),
        ([(0, 6)], [(0, 7)], "overlap", {0: 0}),
        ([(0, 6)], [(6, 9)], "overlap", {}),
        # the larger overlap wins, and each side is used once
        ([(0, 10)], [(0, 3), (2, 10)], "overlap", {0: 1}),
        ([(0, 4), (3, 10)], [(2, 8)], "overlap", {1: 0}),
        ([(0, 5), (0, 5)], [(0, 5)], "strict", {0: 0}),
        ([(0, 5), (6, 9)], [(0, 9)], "overlap", {0: 0}),
    ],
)
def test_evaluate_match_pairs_one_to_one(gold, pred, mode, pairs):
    assert match(gold, pred, mode=mode) == pairs


def test_evaluate_match_respects_compatibility():
    labels_gold, labels_pred = ["PERSON", "GPE"], ["GPE", "PERSON"]
    pairs = match([(0, 5), (0, 5)], [(0, 5), (0, 5)], mode="strict", compatible=lambda i, j: labels_gold[i] == labels_pred[j])
    assert pairs == {0: 1, 1: 0}
    assert overlap((0, 5), (3, 9)) == 2 and overlap((0, 5), (5, 9)) == 0


@pytest.mark.parametrize(
    ("gold_args", "pred_args", "right"),
    [
        ([("Agent", "T1")], [("Agent", "P1")], 1),
        ([("Agent", "T1")], [("Recipient", "P1")], 0),
        ([("Agent", "T1")], [("Agent", "P2")], 0),
        ([("Agent", "T1")], [("Agent", "P1"), ("Agent", "P1")], 1),
        ([("Entity", "T1"), ("Entity", "T2")], [("Entity", "P2"), ("Entity", "P1")], 2),
    ],
)
def test_evaluate_matched_arguments(gold_args, pred_args, right):
    assert matched_arguments(gold_args, pred_args, {"T1": "P1", "T2": "P2"}) == right


TEXT = 'Peskov said "no." He added "yes." Peskov noted "maybe."'


def _file(entities, quotes) -> schema.AnnotationFile:
    def span(start, end):
        return schema.Span(start, end, TEXT[start:end])

    return schema.AnnotationFile(
        article=SEED_ID,
        text_sha256="0" * 64,
        annotator=schema.Annotator(kind="hand", name="x"),
        schema_version="1.0",
        entities=[schema.Entity(i, s, e, TEXT[s:e], "PERSON") for i, s, e in entities],
        quotes=[schema.Quote(i, "direct", span(*c), None, sp, speaker_span=span(*ss) if ss else None) for i, c, sp, ss in quotes],
    )


GOLD_SPEAKERS = _file([("T1", 0, 6), ("T2", 34, 40)], [("Q1", (13, 16), "T1", None), ("Q2", (28, 32), None, (18, 20))])


@pytest.mark.parametrize(
    ("pred", "correct"),
    [
        # (a) the speakers are entities the alignment pairs
        (_file([("P1", 0, 6)], [("Q1", (12, 17), "P1", None), ("Q2", (28, 32), None, (18, 20))]), 2),
        # (b) speaker_span against entity: overlapping spans
        (_file([("P3", 18, 20)], [("Q1", (13, 16), None, (0, 6)), ("Q2", (28, 32), "P3", None)]), 2),
        # (c) another mention of the same name; a missing speaker is wrong
        (_file([("P2", 34, 40)], [("Q1", (13, 16), "P2", None), ("Q2", (28, 32), None, None)]), 1),
        # a different person, and an unaligned entity
        (_file([("P1", 0, 6)], [("Q1", (13, 16), None, (18, 20)), ("Q2", (28, 32), "P1", None)]), 0),
    ],
)
def test_evaluate_speaker_accuracy_rules(pred, correct):
    quotes = dict((layer.layer, layer) for layer in score_files([(GOLD_SPEAKERS, pred)]))["quotes"]
    assert quotes.accuracies["speaker"] == Accuracy(correct, 2)


_SPANS = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 12)).map(lambda s: (s[0], s[0] + s[1])), max_size=12)


@settings(max_examples=300, deadline=None)
@given(gold=_SPANS, pred=_SPANS, mode=st.sampled_from(MODES))
def test_evaluate_scores_match_equals_the_all_pairs_definition(gold, pred, mode):
    """The indexed search pairs spans exactly as trying every gold-pred pair would."""
    candidates = sorted(
        (-overlap(g, p), i, j)
        for i, g in enumerate(gold)
        for j, p in enumerate(pred)
        if (g == p if mode == STRICT else overlap(g, p) > 0)
    )
    expected: dict[int, int] = {}
    for _, i, j in candidates:
        if i not in expected and j not in expected.values():
            expected[i] = j
    assert match(gold, pred, mode=mode) == expected



@pytest.mark.parametrize("gold_layers", [["quotes"], ["entities", "events"], ["entities"]])
def test_evaluate_scores_only_layers_both_sets_cover(evaluation_repo: Path, crafted, gold_layers: list[str]) -> None:
    path = evaluation_repo / "annotations" / "hand" / "g1" / f"{SEED_ID}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["schema_version"], data["layers"] = "1.1", gold_layers
    for layer in schema.LAYERS:
        if layer not in gold_layers:
            data[layer] = []
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    partial = evaluate(root=evaluation_repo, gold="hand/g1", pred="model/p1")
    assert [layer.layer for layer in partial.layers] == gold_layers
    assert partial.unscored_layers == tuple(layer for layer in schema.LAYERS if layer not in gold_layers)
    assert all(layer.articles == 1 for layer in partial.layers)
    for layer in partial.layers:
        # Rows of a covered layer do not depend on the layers left out (speakers aside, which point at entities).
        assert layer.rows == crafted.layer(layer.layer).rows
