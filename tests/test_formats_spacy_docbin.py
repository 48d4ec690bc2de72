"""The spaCy DocBin export: round trips, the span-group scheme, spacy train, refusals."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from spacy_export_cases import (
    INVENTORY,
    REPO,
    annotated_texts,
    entity_triples,
    make_pair,
    meantime_pairs,
    seed_annotation_paths,
    seed_pairs,
    set_name,
)

from wirecorpus.errors import ExportError, FormatError
from wirecorpus.formats import spacy_docbin

SEED_PAIRS = seed_pairs()


def test_spacy_docbin_seed_has_hand_and_model_sets():
    assert {path.parent.parent.name for path in seed_annotation_paths()} == {"hand", "model"}


@pytest.mark.parametrize("pair", SEED_PAIRS, ids=set_name)
def test_spacy_docbin_seed_entities_round_trip(pair, tmp_path):
    (path,) = spacy_docbin.write([pair], out=tmp_path, inventory=INVENTORY)
    assert path == tmp_path / "corpus.spacy"
    article, annotation = pair
    assert spacy_docbin.read_entities(path) == {article.id: entity_triples(annotation)}


def _spans(doc, group):
    return [(s.start_char, s.end_char, s.label_, s.id_) for s in doc.spans[group]]


@pytest.mark.parametrize("pair", SEED_PAIRS, ids=set_name)
def test_spacy_docbin_seed_layers_as_documented(pair, tmp_path):
    article, annotation = pair
    (doc,) = spacy_docbin.read_docs(spacy_docbin.write([pair], out=tmp_path, inventory=INVENTORY)[0])
    assert doc.text == article.text
    assert doc.user_data == {
        "article_id": article.id,
        "annotation_set": annotation.annotator.name,
        "annotator_kind": annotation.annotator.kind,
    }
    entities = {e.id: e for e in annotation.entities}
    assert [(e.start_char, e.end_char, e.label_, e.id_) for e in doc.ents] == [
        (e.start, e.end, e.label, e.id) for e in annotation.entities
    ]
    quotes = annotation.quotes
    assert quotes and annotation.events
    assert _spans(doc, "quotes") == [(q.content.start, q.content.end, q.kind, q.id) for q in quotes]
    assert _spans(doc, "quote_cues") == [(q.cue.start, q.cue.end, q.kind, q.id) for q in quotes if q.cue]
    assert _spans(doc, "quote_speakers") == [
        (entities[q.speaker].start, entities[q.speaker].end, q.kind, q.id) for q in quotes if q.speaker
    ]
    assert _spans(doc, "quote_speaker_spans") == [
        (q.speaker_span.start, q.speaker_span.end, q.kind, q.id) for q in quotes if q.speaker_span
    ]
    assert _spans(doc, "events") == [(e.trigger.start, e.trigger.end, e.type, e.id) for e in annotation.events]
    assert _spans(doc, "event_arguments") == [
        (entities[a.entity].start, entities[a.entity].end, a.role, e.id) for e in annotation.events for a in e.arguments
    ]


def test_spacy_docbin_cuts_tokens_at_entity_boundaries(tmp_path):
    gold = next(pair for pair in SEED_PAIRS if pair[1].annotator.kind == "hand")
    (doc,) = spacy_docbin.read_docs(spacy_docbin.write([gold], out=tmp_path, inventory=INVENTORY)[0])
    # spaCy's tokenizer keeps "/TASS/." whole; the entity TASS needs its own token.
    assert [t.text for t in doc[5:8]] == ["/", "TASS", "/."]


def test_spacy_docbin_trains_a_pipeline(tmp_path):
    import spacy
    from spacy.cli.init_config import init_config
    from spacy.cli.train import train

    gold = next(pair for pair in SEED_PAIRS if pair[1].annotator.kind == "hand")
    (data,) = spacy_docbin.write([gold], out=tmp_path, inventory=INVENTORY)
    config = tmp_path / "config.cfg"
    init_config(lang="en", pipeline=["ner"], optimize="efficiency").to_disk(config)
    overrides = {"paths.train": str(data), "paths.dev": str(data), "training.max_steps": 2, "training.eval_frequency": 1}
    train(config, tmp_path / "trained", overrides=overrides)
    nlp = spacy.load(tmp_path / "trained" / "model-last")
    assert set(nlp.get_pipe("ner").labels) == {e.label for e in gold[1].entities}


_WRITE_IN_SUBPROCESS = """
import sys
from pathlib import Path
sys.path[:0] = [sys.argv[1], sys.argv[2]]
from spacy_export_cases import INVENTORY, seed_pairs
from wirecorpus.formats import spacy_docbin
spacy_docbin.write(seed_pairs()[:1], out=Path(sys.argv[3]), inventory=INVENTORY)
"""


def test_spacy_docbin_writes_the_same_bytes_every_time(tmp_path):
    pairs = [SEED_PAIRS[0], make_pair("Peskov met Putin in Sochi.", [(0, 6, "PERSON"), (20, 25, "GPE")])]
    first, second = (spacy_docbin.write(pairs, out=tmp_path / name, inventory=INVENTORY)[0] for name in "ab")
    assert first.read_bytes() == second.read_bytes()
    # Another process with other string hashes (set order) writes the same file too.
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    args = [sys.executable, "-c", _WRITE_IN_SUBPROCESS, str(REPO / "src"), str(REPO / "tests"), str(tmp_path / "c")]
    subprocess.run(args, env=env, check=True)
    (single,) = spacy_docbin.write(SEED_PAIRS[:1], out=tmp_path / "d", inventory=INVENTORY)
    assert (tmp_path / "c" / "corpus.spacy").read_bytes() == single.read_bytes()


def test_spacy_docbin_refuses_to_overwrite_a_different_file(tmp_path):
    (path,) = spacy_docbin.write(SEED_PAIRS[:1], out=tmp_path, inventory=INVENTORY)
    before = path.read_bytes()
    assert spacy_docbin.write(SEED_PAIRS[:1], out=tmp_path, inventory=INVENTORY) == [path]
    with pytest.raises(ExportError, match="corpus.spacy: a different file is there already"):
        spacy_docbin.write(SEED_PAIRS[1:2], out=tmp_path, inventory=INVENTORY)
    assert path.read_bytes() == before


def test_spacy_docbin_refuses_a_span_starting_with_whitespace(tmp_path):
    article, annotation = make_pair("Peskov said it.", [(6, 11, "PERSON")])
    with pytest.raises(ExportError, match=rf"{article.id} \(hand/t\): T1 ' said' \(6-11\) does not start and end on token"):
        spacy_docbin.write([(article, annotation)], out=tmp_path, inventory=INVENTORY)
    assert not list(tmp_path.iterdir())


def _changed(pair, **changes):
    article, annotation = pair
    return [(article, dataclasses.replace(annotation, **changes))]


def _refusals():
    """Case name -> (pairs, what the message says); each breaks one rule of the export."""
    small = make_pair("Peskov met Putin.", [(0, 6, "PERSON"), (11, 16, "PERSON")])
    peskov, putin = small[1].entities
    gold = next(pair for pair in SEED_PAIRS if pair[1].annotator.kind == "hand")
    quote, event = gold[1].quotes[0], gold[1].events[0]
    renamed = (dataclasses.replace(small[0], id="x y"), dataclasses.replace(small[1], article="x y"))
    return {
        "text differs": (
            _changed(small, entities=[dataclasses.replace(peskov, text="Putin!")]),
            "T1 'Putin!' (0-6) does not match the article text",
        ),
        "overlap": (
            _changed(small, entities=[peskov, dataclasses.replace(putin, start=3, text="kov met Putin")]),
            "entities T1 'Peskov' and T2 'kov met Putin' overlap",
        ),
        "label": (
            _changed(small, entities=[dataclasses.replace(peskov, label="HERO")]),
            "T1: entity label 'HERO' is not in the inventory",
        ),
        "kind": (_changed(gold, quotes=[dataclasses.replace(quote, kind="rumour")]), "Q1: quote kind 'rumour' is not"),
        "type": (_changed(gold, events=[dataclasses.replace(event, type="Party")]), "E1: event type 'Party' is not"),
        "speaker": (
            _changed(gold, quotes=[dataclasses.replace(quote, speaker="T99")]),
            "Q1: names entity T99, which the annotation file lacks",
        ),
        "other article": ([(small[0], gold[1])], "the annotation file is for article tass-20200920-693f2c16"),
        "twice": ([gold, gold], "tass-20200920-693f2c16: the article comes twice"),
        "bad id": ([renamed], "'x y': not an article id"),
    }


REFUSALS = _refusals()


@pytest.mark.parametrize("pairs, message", REFUSALS.values(), ids=REFUSALS.keys())
def test_spacy_docbin_refuses_bad_pairs(pairs, message, tmp_path):
    with pytest.raises(ExportError, match=re.escape(message)):
        spacy_docbin.write(pairs, out=tmp_path, inventory=INVENTORY)
    assert not list(tmp_path.iterdir())


def test_spacy_docbin_refuses_a_name_with_a_folder(tmp_path):
    with pytest.raises(ExportError, match="'../x': not a usable export name"):
        spacy_docbin.write(SEED_PAIRS[:1], out=tmp_path, inventory=INVENTORY, name="../x")


def test_spacy_docbin_names_the_install_command_without_spacy(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "spacy", None)
    with pytest.raises(ExportError, match=r"pip install -e '\.\[model\]'"):
        spacy_docbin.write(SEED_PAIRS[:1], out=tmp_path, inventory=INVENTORY)


def test_spacy_docbin_read_refuses_other_files(tmp_path):
    path = tmp_path / "corpus.spacy"
    path.write_text("not a DocBin", encoding="utf-8")
    with pytest.raises(FormatError, match="corpus.spacy: not a readable spaCy DocBin file"):
        spacy_docbin.read_entities(path)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair=annotated_texts())
def test_spacy_docbin_random_entities_round_trip(pair):
    with tempfile.TemporaryDirectory() as folder:
        (path,) = spacy_docbin.write([pair], out=Path(folder), inventory=INVENTORY)
        assert spacy_docbin.read_entities(path) == {pair[0].id: entity_triples(pair[1])}


def test_spacy_docbin_meantime_names_round_trip(shared_dir, tmp_path):
    pairs = meantime_pairs(shared_dir / "external" / "meantime_dev")
    assert (len(pairs), sum(len(p[1].entities) for p in pairs)) == (60, 574)
    (path,) = spacy_docbin.write(pairs, out=tmp_path, inventory=INVENTORY)
    assert spacy_docbin.read_entities(path) == {article.id: entity_triples(annotation) for article, annotation in pairs}
