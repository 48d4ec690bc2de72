"""The MEANTIME text reader: rebuilt texts and token offsets."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wirecorpus.formats import meantime
from wirecorpus.errors import ExternalFileError


@pytest.fixture(scope="module")
def meantime_files(shared_dir: Path) -> list[Path]:
    return sorted((shared_dir / "external" / "meantime_dev").rglob("*.xml"))


def test_meantime_reader_reads_every_document(meantime_files: list[Path]) -> None:
    assert len(meantime_files) == 60
    for path in meantime_files:
        doc = meantime.read_text(path)
        forms = [element.text or "" for element in ET.parse(path).getroot().iter("token")]
        assert len(doc.tokens) == len(forms), path.name
        for token, form in zip(doc.tokens, forms):
            assert doc.text[token.start : token.end] == meantime.QUOTE_FORMS.get(form, form), (path.name, token)
        assert doc.text == doc.text.strip()


def test_meantime_reader_headline_and_date_are_lines(meantime_files: list[Path]) -> None:
    doc = meantime.read_text(next(p for p in meantime_files if p.name.startswith("9549_")))
    assert doc.doc_name == "9549_Reactions_to_Apple"
    assert doc.text.startswith("Reactions to Apple's OS X Tiger\nMay 7, 2005\nIn chatrooms and on bulletin boards,")
    assert doc.offsets()["3"] == (13, 18)  # "Apple"


@pytest.mark.parametrize(
    ("forms", "expected"),
    [
        (["He", "said", ",", "``", "Stop", "me", ".", "''"], 'He said, "Stop me."'),
        (["as", '"', "voice", "control", '"', ",", "which"], 'as "voice control", which'),
        (['"', "A", ",", '"', "said", "X", ".", '"', "B", '"'], '"A," said X. "B"'),
        (["at", "$", "149", "/", "£", "99", "(", "10.4.1", ")"], "at $149/£99 (10.4.1)"),
        (["Apple", "’", "s", "users", "'", "Mac", "ca", "n't"], "Apple’s users' Mac can't"),
        (["was", "--", "and", "is", "--", "an", "urgent", "need", "..."], "was -- and is -- an urgent need..."),
        (["`", "cut", "the", "cord", "'", "now"], "`cut the cord' now"),
    ],
)
def test_meantime_reader_joins_tokens(forms: list[str], expected: str) -> None:
    text, tokens = meantime.detokenize([(str(i), 0, form) for i, form in enumerate(forms)])
    assert text == expected


def test_meantime_reader_sentence_breaks() -> None:
    raw = [("1", 0, "Headline"), ("2", 1, "May"), ("3", 1, "7"), ("4", 2, "It"), ("5", 2, "rose"), ("6", 2, "."), ("7", 3, "Up")]
    text, _ = meantime.detokenize(raw)
    assert text == "Headline\nMay 7\nIt rose. Up"


_FORMS = st.one_of(
    st.sampled_from([",", ".", '"', "``", "''", "(", ")", "$", "'s", "n't", "'", "’", "/", "--", "..."]),
    st.text(st.characters(whitelist_categories=("L", "N")), min_size=1, max_size=8),
)


@given(st.lists(st.tuples(st.integers(0, 3), _FORMS), max_size=40))
def test_meantime_reader_spans_cover_their_tokens(items: list[tuple[int, str]]) -> None:
    items.sort(key=lambda item: item[0])
    raw = [(str(i), sentence, form) for i, (sentence, form) in enumerate(items)]
    text, tokens = meantime.detokenize(raw)
    assert [t.t_id for t in tokens] == [t_id for t_id, _, _ in raw]
    for token, (_, sentence, form) in zip(tokens, raw):
        assert text[token.start : token.end] == meantime.QUOTE_FORMS.get(form, form)
        assert token.sentence == sentence
    ends = [0] + [t.end for t in tokens]
    for token, previous_end in zip(tokens, ends):
        assert token.start - previous_end <= 1 and not text[previous_end : token.start].strip()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("<Document><token t_id='1' sentence='0'>A", "not a readable MEANTIME XML file"),
        ("<Corpus/>", "the root element is <Corpus>, expected <Document>"),
        ("<Document><token sentence='0'>A</token></Document>", "token 1 has no t_id"),
        ("<Document><token t_id='1' sentence='x'>A</token></Document>", "token 1 has no t_id or no integer sentence"),
    ],
)
def test_meantime_reader_rejects_malformed_files(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "doc.xml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ExternalFileError, match=f"doc.xml: {problem}"):
        meantime.read_text(path)


def test_meantime_reader_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(ExternalFileError, match="no MEANTIME .xml files found"):
        list(meantime.iter_texts(tmp_path))
