"""layers_from_doc: schema records from a processed Doc, and the Doc extensions' round trip."""

from __future__ import annotations

import pytest
import spacy
from conftest import REPO, SEED_ID
from docs_by_hand import assert_valid_layers, doc_from_lines, run_components, seed_doc
from spacy.tokens import Doc

from wirecorpus import corpus, schema
from wirecorpus.components import add_components, events, layers_from_doc, quotes


@pytest.fixture(scope="module")
def nlp():
    return add_components(spacy.blank("en"), root=REPO)


@pytest.fixture(scope="module")
def inventory():
    return schema.Inventory.load(REPO)


def test_components_layers_seed_valid(nlp, inventory):
    doc = run_components(nlp, seed_doc())
    layers = layers_from_doc(doc, inventory=inventory)
    assert_valid_layers(doc.text, layers, inventory)
    assert [len(layer) for layer in layers] == [len(doc.ents), 9, 8]


def test_components_layers_speakers_name_entities(nlp, inventory):
    entities, found_quotes, _ = layers_from_doc(run_components(nlp, seed_doc()), inventory=inventory)
    by_id = {e.id: e for e in entities}
    assert [by_id[q.speaker].text for q in found_quotes if q.kind == "direct"] == ["Peskov"] * 3


def test_components_layers_annotation_file_round_trip(nlp, inventory):
    """The layers make an annotation file that reads back to the same records."""
    article = next(a for a in corpus.iter_articles(REPO) if a.id == SEED_ID)
    entities, found_quotes, found_events = layers_from_doc(run_components(nlp, seed_doc()), inventory=inventory)
    record = schema.AnnotationFile(
        article=SEED_ID,
        text_sha256=article.text_sha256,
        annotator=schema.Annotator(kind="model", name="hand-parse"),
        schema_version=inventory.schema_version,
        entities=entities,
        quotes=found_quotes,
        events=found_events,
    )
    assert schema.from_dict(schema.AnnotationFile, schema.to_dict(record)) == record


@pytest.mark.parametrize(
    ("words", "ents", "expected"),
    [
        (["Peskov", "\n\n", "spoke"], ["B-PERSON", "I-PERSON", "O"], [("Peskov", "PERSON")]),
        (["\n\n", "Peskov", "spoke"], ["B-PERSON", "I-PERSON", "O"], [("Peskov", "PERSON")]),
        (["Peskov", "\n\n", "spoke"], ["O", "B-DATE", "O"], []),
    ],
)
def test_components_layers_entities_trimmed(inventory, words, ents, expected):
    doc = Doc(spacy.blank("en").vocab, words=words, spaces=[False] * len(words), ents=ents)
    entities, _, _ = layers_from_doc(doc, inventory=inventory)
    assert [(e.text, e.label) for e in entities] == expected
    assert all(doc.text[e.start : e.end] == e.text for e in entities)


def test_components_layers_extensions_survive_serialisation(nlp, inventory):
    """nlp.pipe(n_process=N) sends Docs between processes as bytes: the extensions must survive."""
    doc = run_components(nlp, seed_doc())
    copy = Doc(doc.vocab).from_bytes(doc.to_bytes())
    assert copy._.get(quotes.EXTENSION) == doc._.get(quotes.EXTENSION)
    assert copy._.get(events.EXTENSION) == doc._.get(events.EXTENSION)
    assert layers_from_doc(copy, inventory=inventory) == layers_from_doc(doc, inventory=inventory)


def test_components_layers_unparsed_doc(nlp, inventory):
    """A pipeline without tagger or parser gives entities and no quotes or events, without failing."""
    doc = doc_from_lines("Peskov said.", "Peskov PROPN Peskov nsubj 1 B-PERSON\nsaid X say ROOT 1\n. PUNCT . punct 1")
    assert [len(layer) for layer in layers_from_doc(run_components(nlp, doc), inventory=inventory)] == [1, 0, 0]


def test_components_layers_added_after_ner_once(nlp):
    pipeline = spacy.blank("en")
    pipeline.add_pipe("entity_ruler", name="ner")
    pipeline.add_pipe("sentencizer")
    add_components(add_components(pipeline, root=REPO), root=REPO)
    assert pipeline.pipe_names == ["ner", "wirecorpus_quotes", "wirecorpus_events", "sentencizer"]
