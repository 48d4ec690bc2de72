"""The CoNLL export: its shape, round trips through read and entity_spans, refusals."""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from spacy_export_cases import (
    INVENTORY,
    annotated_texts,
    entity_triples,
    make_pair,
    meantime_pairs,
    seed_annotation_paths,
    seed_pairs,
    set_name,
)

from wirecorpus.errors import ExportError, FormatError
from wirecorpus.formats import conll

SEED_PAIRS = seed_pairs()


def round_trip(pairs, folder: Path) -> dict[str, list[tuple[int, int, str]]]:
    """Write the pairs, read them back: article id -> entity spans found in the article text."""
    paths = conll.write(pairs, out=folder, inventory=INVENTORY)
    assert paths == [folder / "corpus.conll", folder / "corpus.ids.txt"]
    sentences = conll.read(paths[0])
    texts = {article.id: article.text for article, _ in pairs}
    assert list(sentences) == list(texts)
    return {article_id: conll.entity_spans(texts[article_id], found) for article_id, found in sentences.items()}


def test_conll_seed_has_hand_and_model_sets():
    assert {path.parent.parent.name for path in seed_annotation_paths()} == {"hand", "model"}


@pytest.mark.parametrize("pair", SEED_PAIRS, ids=set_name)
def test_conll_seed_entities_round_trip(pair, tmp_path):
    article, annotation = pair
    assert round_trip([pair], tmp_path) == {article.id: entity_triples(annotation)}


@pytest.mark.parametrize("pair", SEED_PAIRS, ids=set_name)
def test_conll_seed_file_shape(pair, tmp_path):
    article, _ = pair
    path = conll.write([pair], out=tmp_path, inventory=INVENTORY)[0]
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[:2] == ["-DOCSTART- -X- -X- O", ""]
    assert lines[-2:] == ["", ""]  # the last sentence ends with a blank line, then the file ends
    rows = [line.split(" ") for line in lines[2:] if line]
    assert all(len(row) == 2 and re.fullmatch(r"O|[BI]-[A-Z_]+", row[1]) for row in rows)
    # Every character of the text but whitespace is in a token, in order.
    assert "".join(token for token, _ in rows) == "".join(article.text.split())
    (sentences,) = conll.read(path).values()
    assert len(sentences) > 1 and not any(sentence[0][1].startswith("I-") for sentence in sentences)
    assert (tmp_path / "corpus.ids.txt").read_text(encoding="utf-8") == f"{article.id}\n"


def test_conll_keeps_a_title_with_full_stops_in_one_sentence(tmp_path):
    text = 'He hosts "Moscow. Kremlin. Putin" on Sundays. It airs late.'
    pair = make_pair(text, [(10, 32, "WORK_OF_ART"), (37, 44, "DATE")])
    (sentences,) = conll.read(conll.write([pair], out=tmp_path, inventory=INVENTORY)[0]).values()
    assert [[token for token, _ in sentence] for sentence in sentences] == [
        ["He", "hosts", '"', "Moscow", ".", "Kremlin", ".", "Putin", '"', "on", "Sundays", "."],
        ["It", "airs", "late", "."],
    ]
    assert [tag for _, tag in sentences[0][3:8]] == ["B-WORK_OF_ART"] + ["I-WORK_OF_ART"] * 4


def test_conll_several_articles_keep_their_order(tmp_path):
    pairs = [SEED_PAIRS[0], make_pair("Peskov met Putin\n\nin Sochi.", [(0, 6, "PERSON"), (21, 26, "GPE")])]
    expected = {article.id: entity_triples(annotation) for article, annotation in pairs}
    assert round_trip(pairs, tmp_path) == expected
    assert (tmp_path / "corpus.conll").read_text(encoding="utf-8").count("-DOCSTART-") == 2


def test_conll_writes_the_same_bytes_every_time(tmp_path):
    written = [conll.write(SEED_PAIRS[:1], out=tmp_path / name, inventory=INVENTORY) for name in "ab"]
    assert [p.read_bytes() for p in written[0]] == [p.read_bytes() for p in written[1]]


def test_conll_refuses_to_overwrite_a_different_file(tmp_path):
    conll.write(SEED_PAIRS[:1], out=tmp_path, inventory=INVENTORY)
    (tmp_path / "corpus.ids.txt").write_text("someone-else\n", encoding="utf-8")
    before = (tmp_path / "corpus.conll").read_bytes()
    with pytest.raises(ExportError, match="corpus.ids.txt: a different file is there already"):
        conll.write(SEED_PAIRS[:1], out=tmp_path, inventory=INVENTORY)
    assert (tmp_path / "corpus.conll").read_bytes() == before
    assert conll.write(SEED_PAIRS[:1], out=tmp_path, inventory=INVENTORY, name="other")[0].name == "other.conll"


def test_conll_refuses_an_entity_off_token_boundaries(tmp_path):
    article, annotation = make_pair("Peskov said  it.", [(7, 12, "PERSON")])
    with pytest.raises(ExportError, match=rf"{article.id} \(hand/t\): T1 'said ' \(7-12\) does not start and end on token"):
        conll.write([(article, annotation)], out=tmp_path, inventory=INVENTORY)
    assert not list(tmp_path.iterdir())


def test_conll_names_the_install_command_without_spacy(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "spacy", None)
    with pytest.raises(ExportError, match=r"pip install -e '\.\[model\]'"):
        conll.write(SEED_PAIRS[:1], out=tmp_path, inventory=INVENTORY)


GOOD = "-DOCSTART- -X- -X- O\n\nPeskov B-PERSON\nsaid O\n\n"
BROKEN = {
    "I after O": (GOOD.replace("Peskov B-PERSON\nsaid O", "Peskov O\nsaid I-PERSON"), "corpus.conll:4: tag 'I-PERSON' after 'O'"),
    "I of another label": (GOOD.replace("said O", "said I-ORG"), "corpus.conll:4: tag 'I-ORG' after 'B-PERSON'"),
    "bad tag": (GOOD.replace("said O", "said X-ORG"), "corpus.conll:4: tag 'X-ORG' is not O, B-<label> or I-<label>"),
    "three fields": (GOOD.replace("said O", "said VBD O"), "corpus.conll:4: 'said VBD O' is not two fields"),
    "no DOCSTART": (GOOD.replace("-DOCSTART- -X- -X- O\n\n", ""), "corpus.conll:1: 'Peskov B-PERSON' comes before"),
}


@pytest.mark.parametrize("text, message", BROKEN.values(), ids=BROKEN.keys())
def test_conll_read_refuses_broken_files(text, message, tmp_path):
    (tmp_path / "corpus.conll").write_text(text, encoding="utf-8")
    (tmp_path / "corpus.ids.txt").write_text("test-20200101-00000000\n", encoding="utf-8")
    with pytest.raises(FormatError, match=re.escape(message)):
        conll.read(tmp_path / "corpus.conll")


@pytest.mark.parametrize("ids, message", [(None, "corpus.ids.txt: cannot be read"), ("a\nb\n", "2 lines (2 different ids) for the 1")])
def test_conll_read_needs_one_id_per_document(ids, message, tmp_path):
    (tmp_path / "corpus.conll").write_text(GOOD, encoding="utf-8")
    if ids is not None:
        (tmp_path / "corpus.ids.txt").write_text(ids, encoding="utf-8")
    with pytest.raises(FormatError, match=re.escape(message)):
        conll.read(tmp_path / "corpus.conll")


def test_conll_entity_spans_refuses_tokens_not_in_the_text():
    sentences = [[("Peskov", "B-PERSON"), ("said", "O")]]
    assert conll.entity_spans("Peskov  said", sentences) == [(0, 6, "PERSON")]
    with pytest.raises(FormatError, match=r"doc 1: token 'said' is not the next text, at offset 7: 'told'"):
        conll.entity_spans("Peskov told", sentences, where="doc 1")


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair=annotated_texts())
def test_conll_random_entities_round_trip(pair):
    with tempfile.TemporaryDirectory() as folder:
        assert round_trip([pair], Path(folder)) == {pair[0].id: entity_triples(pair[1])}


def test_conll_meantime_names_round_trip(shared_dir, tmp_path):
    pairs = meantime_pairs(shared_dir / "external" / "meantime_dev")
    assert (len(pairs), sum(len(p[1].entities) for p in pairs)) == (60, 574)
    assert round_trip(pairs, tmp_path) == {article.id: entity_triples(annotation) for article, annotation in pairs}
