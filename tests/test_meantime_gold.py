"""The MEANTIME gold reader: entity and event mentions, participants, annotated sentences."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wirecorpus.formats import meantime
from wirecorpus.errors import ExternalFileError


@pytest.fixture(scope="module")
def meantime_dir(shared_dir: Path) -> Path:
    return shared_dir / "external" / "meantime_dev"


@pytest.fixture(scope="module")
def documents(meantime_dir: Path) -> list[meantime.MeantimeDocument]:
    return list(meantime.iter_documents(meantime_dir))


def test_meantime_gold_reads_every_document(documents):
    assert len(documents) == 60
    assert sum(len(d.entities) for d in documents) == 1570
    assert sum(len(d.events) for d in documents) == 998
    assert sum(len(d.participants) for d in documents) == 1081
    for doc in documents:
        for mention in (*doc.entities, *doc.events):
            assert doc.text.text[mention.start : mention.end] == mention.text
            assert mention.sentence < doc.annotated_sentences
            assert mention.end <= doc.annotated_end
        ids = {m.m_id for m in doc.entities}, {m.m_id for m in doc.events}
        assert all(p.entity in ids[0] and p.event in ids[1] for p in doc.participants)


def test_meantime_gold_lists_links_to_missing_markables(documents):
    skipped = {d.text.doc_name: d.skipped for d in documents if d.skipped}
    assert skipped == {
        "8983_Boeing_secures_11bn_of_aircraft_deals": (
            "HAS_PARTICIPANT r_id=244836: names a markable the file lacks (33 -> 10)",
            "HAS_PARTICIPANT r_id=244837: names a markable the file lacks (34 -> 45)",
        )
    }


def test_meantime_gold_one_document(meantime_dir):
    doc = meantime.read_document(meantime_dir / "intra-doc_annotation/corpus_airbus/11714_Ryanair_exercises_options_on_five_Boeing_737s.xml")
    entities = {m.m_id: m for m in doc.entities}
    events = {m.m_id: m for m in doc.events}
    assert entities["2"] == meantime.Mention("2", 0, 7, "Ryanair", 0, "NAM", "ORG")
    assert entities["17"].text == "Irish low cost airline, Ryanair" and entities["17"].ent_type == "ORG"
    assert entities["17"].is_name and not entities["20"].is_name
    assert events["29"].text == "announced" and events["29"].sentence == 2
    assert meantime.Participant("29", "17", "Arg0") in doc.participants
    assert doc.annotated_sentences == 6
    assert doc.text.text[: doc.annotated_end].endswith(".") and doc.annotated_end < len(doc.text.text)


def test_meantime_gold_discontinuous_mentions_span_first_to_last_token(documents):
    by_name = {d.text.doc_name: d for d in documents}
    doc = by_name["11714_Ryanair_exercises_options_on_five_Boeing_737s"]
    # m_id 20 anchors tokens 109..116; a mention always runs from its first to its last token
    offsets = doc.text.offsets()
    mention = next(m for m in doc.entities if m.m_id == "20")
    assert (mention.start, mention.end) == (offsets["109"][0], offsets["116"][1])


def test_meantime_gold_entity_label_map_covers_every_type(documents):
    types = {m.ent_type for d in documents for m in d.entities} - {None}
    assert types == set(meantime.ENTITY_LABELS)


def _document(sentences: list[list[str]], mentions: list[tuple[str, list[int]]]) -> bytes:
    root = ET.Element("Document", doc_name="synthetic", url="")
    number = 0
    for sentence, words in enumerate(sentences):
        for word in words:
            number += 1
            ET.SubElement(root, "token", t_id=str(number), sentence=str(sentence), number=str(number - 1)).text = word
    markables = ET.SubElement(root, "Markables")
    for m_id, (tag, anchors) in enumerate(mentions, start=1):
        element = ET.SubElement(markables, tag, m_id=str(m_id))
        for t_id in anchors:
            ET.SubElement(element, "token_anchor", t_id=str(t_id))
    ET.SubElement(root, "Relations")
    return ET.tostring(root)


_WORDS = st.lists(st.sampled_from(["Apple", "said", ",", ".", "``", "''", "'s", "(", ")", "Jobs", "$", "5"]), min_size=1, max_size=6)


@given(data=st.data(), sentences=st.lists(_WORDS, min_size=1, max_size=5))
def test_meantime_gold_mentions_cover_their_tokens(tmp_path_factory, data, sentences):
    total = sum(len(s) for s in sentences)
    anchors = st.lists(st.integers(1, total), min_size=1, max_size=4, unique=True)
    mentions = data.draw(st.lists(st.tuples(st.sampled_from(["ENTITY_MENTION", "EVENT_MENTION"]), anchors), max_size=6))
    path = tmp_path_factory.mktemp("meantime") / "doc.xml"
    path.write_bytes(_document(sentences, mentions))
    doc = meantime.read_document(path)
    tokens = {t.t_id: t for t in doc.text.tokens}
    for mention, (_, ids) in zip((*doc.entities, *doc.events), sorted(mentions, key=lambda m: m[0])):
        covered = [tokens[str(i)] for i in ids]
        assert (mention.start, mention.end) == (min(t.start for t in covered), max(t.end for t in covered))
        assert mention.text == doc.text.text[mention.start : mention.end]
    last = max((tokens[str(i)].sentence for _, ids in mentions for i in ids), default=-1)
    assert doc.annotated_sentences == last + 1


@pytest.mark.parametrize(
    ("markables", "problem"),
    [
        ("", "no <Markables> element"),
        ("<Markables><ENTITY_MENTION m_id='4'><token_anchor t_id='9'/></ENTITY_MENTION></Markables>",
         "<ENTITY_MENTION m_id='4'> anchors unknown tokens ['9']"),
        ("<Markables><EVENT_MENTION m_id='5'/></Markables>", "<EVENT_MENTION m_id='5'> has no token_anchor"),
    ],
)
def test_meantime_gold_rejects_malformed_markables(tmp_path, markables, problem):
    path = tmp_path / "doc.xml"
    path.write_text(f"<Document><token t_id='1' sentence='0'>A</token>{markables}</Document>", encoding="utf-8")
    with pytest.raises(ExternalFileError) as info:
        meantime.read_document(path)
    assert str(info.value) == f"{path}: {problem}"
