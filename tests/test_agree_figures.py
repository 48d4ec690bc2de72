"""Agreement figures on crafted sets (tests/agree_sets.py), against an independent computation
(tests/agree_independent.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agree_independent import alpha, cues, layer_kappa, overlap_f1, speaker_agreement, spans, strict_f1
from agree_sets import add_sets, seed_text
from conftest import SEED_ID
from wirecorpus.agree import agree
from wirecorpus.evaluate import evaluate

LAYER_KEYS = {"entities": None, "quotes": "content", "events": "trigger"}


@pytest.fixture
def three_sets(repo_copy: Path):
    made = add_sets(repo_copy, "a2", "a3")
    return repo_copy, made, agree(root=repo_copy)


def _pair(result, first: str, second: str):
    return next(p for p in result.pairs if (p.first, p.second) == (f"hand/{first}", f"hand/{second}"))


CASES = [
    (first, second, layer)
    for first, second in (("a1", "a2"), ("a1", "a3"), ("a2", "a3"))
    for layer in ("entities", "quotes", "events")
    if "a3" not in (first, second) or layer == "quotes"
]


@pytest.mark.parametrize(("first", "second", "layer"), CASES)
def test_agree_span_f1_per_label_as_computed_independently(three_sets, first, second, layer):
    _, made, result = three_sets
    a, b = made[first], made[second]
    scores = _pair(result, first, second).layer(layer)
    labelled_a, labelled_b = spans(a, layer, True), spans(b, layer, True)
    labels = sorted({label for _, _, label in labelled_a + labelled_b})
    checked = []
    for label in labels:
        mine = [s for s in labelled_a if s[2] == label], [s for s in labelled_b if s[2] == label]
        checked.append((label, strict_f1(*mine), overlap_f1(*mine)))
    checked.append(("all", strict_f1(labelled_a, labelled_b), overlap_f1(labelled_a, labelled_b)))
    if LAYER_KEYS[layer]:
        plain = spans(a, layer, False), spans(b, layer, False)
        checked.append((LAYER_KEYS[layer], strict_f1(*plain), overlap_f1(*plain)))
    if layer == "quotes":
        checked.append(("cue", strict_f1(cues(a), cues(b)), overlap_f1(cues(a), cues(b))))
    assert len(checked) >= 3
    for name, strict, loose in checked:
        row = scores.row(name)
        assert (row.strict.f1, row.overlap.f1) == (pytest.approx(strict), pytest.approx(loose)), name
    assert [row.name for row in scores.rows if row.name not in ("arguments",)] == [name for name, _, _ in checked]


@pytest.mark.parametrize(("first", "second", "layer"), CASES)
def test_agree_kappa_as_computed_independently(three_sets, first, second, layer):
    _, made, result = three_sets
    pair = _pair(result, first, second)
    assert pair.kappas[layer].value == pytest.approx(layer_kappa(made[first], made[second], layer))


@pytest.mark.parametrize(("first", "second"), [("a1", "a2"), ("a1", "a3"), ("a2", "a3")])
def test_agree_speaker_agreement_as_computed_independently(three_sets, first, second):
    _, made, result = three_sets
    speakers = _pair(result, first, second).layer("quotes").accuracies["speaker"]
    assert (speakers.correct, speakers.total) == speaker_agreement(made[first], made[second])


@pytest.mark.parametrize(
    ("layer", "coders"), [("entities", ("a1", "a2")), ("quotes", ("a1", "a2", "a3")), ("events", ("a1", "a2"))]
)
def test_agree_alpha_as_krippendorff_on_the_token_matrix(three_sets, layer, coders):
    root, made, result = three_sets
    expected = alpha([made[name] for name in coders], layer, seed_text(root))
    (found,) = [a for a in result.alphas if a.layer == layer]
    assert found.sets == tuple(f"hand/{name}" for name in coders)
    assert found.alpha == pytest.approx(expected) and 0 < expected < 1
    assert result.pooled_alphas[layer] == pytest.approx(expected)


def test_agree_macro_averages_over_pairs(three_sets):
    _, made, result = three_sets
    pairs = [("a1", "a2"), ("a1", "a3"), ("a2", "a3")]
    f1s = [overlap_f1(spans(made[a], "quotes", False), spans(made[b], "quotes", False)) for a, b in pairs]
    mean = result.mean_f1("quotes", "content", "overlap")
    assert (mean.value, mean.count) == (pytest.approx(sum(f1s) / 3), 3)
    # Entities: only a1 and a2 cover them; a3's pairs leave them out, and say so.
    assert result.mean_f1("entities", "all", "strict").count == 1
    assert _pair(result, "a1", "a3").uncovered == {"entities": (SEED_ID,), "events": (SEED_ID,)}
    assert [p.name for p, _ in result.covering("events")] == ["hand/a1 ~ hand/a2"]


def test_agree_rows_are_evaluate_rows_either_way(repo_copy: Path):
    """F1 does not depend on which set plays gold; the rows are evaluate's."""
    add_sets(repo_copy, "a2")
    pair = agree(root=repo_copy).pairs[0]
    forward = evaluate(root=repo_copy, gold="hand/a1", pred="hand/a2")
    backward = evaluate(root=repo_copy, gold="hand/a2", pred="hand/a1")
    compared = 0
    for scores in pair.layers:
        assert scores.rows == forward.layer(scores.layer).rows
        for row in scores.rows:
            back = backward.layer(scores.layer).row(row.name)
            assert (row.strict.f1, row.overlap.f1) == (back.strict.f1, back.overlap.f1), row.name
            compared += 1
    assert compared > 20
