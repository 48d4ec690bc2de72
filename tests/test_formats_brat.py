"""brat standoff: reading real collections and files made for the tests."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from wirecorpus.errors import FormatError
from wirecorpus.formats import brat
from wirecorpus.formats.base import ToolDocument, ToolLink, ToolSpan

DATA = Path(__file__).resolve().parent / "data" / "formats" / "brat"


def spans_by_id(document: ToolDocument) -> dict[str, ToolSpan]:
    return {span.id: span for span in document.spans}


def links_by_id(document: ToolDocument) -> dict[str, ToolLink]:
    return {link.id: link for link in document.links}


def where_lines(document: ToolDocument) -> list[tuple[str, int]]:
    """The problems of a document as (file name, line)."""
    return [(Path(p.where.rsplit(":", 1)[0]).name, int(p.where.rsplit(":", 1)[1])) for p in document.problems]


# --------------------------------------------------------------------------
# brat's tutorial collection (counts checked against the .ann files by hand)


@pytest.fixture(scope="module")
def tutorial(shared_dir: Path) -> dict[str, ToolDocument]:
    return {doc.name: doc for doc in brat.read([shared_dir / "external" / "brat_tutorial_news"])}


def test_brat_tutorial_documents_and_counts(tutorial):
    # 13 .txt/.ann pairs, and SOURCE.txt, which brat too would list as a document.
    assert len(tutorial) == 14
    assert tutorial["SOURCE"].spans == [] and tutorial["SOURCE"].problems == []
    counts = {name: (len(doc.spans), len(doc.links)) for name, doc in tutorial.items() if doc.spans}
    assert counts == {
        "000-introduction": (7, 3),
        "040-text_span_annotation": (4, 0),
        "050-editing_text_span_annotations": (6, 0),
        "060-relation_annotation": (10, 1),
        "070-editing_relation_annotations": (9, 3),
        "080-event-annotation": (21, 4),
        "090-event_structures": (22, 6),
        "100-attribute_annotation": (26, 10),
        "110-note_annotation": (14, 4),
    }
    links = [link for doc in tutorial.values() for link in doc.links]
    assert Counter(link.trigger is None for link in links) == {False: 23, True: 8}  # 23 E lines, 8 R lines
    attributes = [a for doc in tutorial.values() for item in (*doc.spans, *doc.links) for a in item.attributes]
    assert len(attributes) == 11
    # The tutorial has no discontinuous span (PolNeAR below has them).
    assert not [span for doc in tutorial.values() for span in doc.spans if len(span.fragments) > 1]


def test_brat_tutorial_events_relations_and_attributes(tutorial):
    intro = tutorial["000-introduction"]
    # E1 names T4 and T6 before their lines come.
    assert links_by_id(intro)["E1"] == ToolLink(
        "E1",
        "Transfer-money",
        "T3",
        (("Giver-Arg", "T1"), ("Money-Arg", "T2"), ("Beneficiary-Arg", "T4"), ("Recipient-Arg", "T6")),
        intro.where + ":4",
        (("Confidence", "High"),),
    )
    assert links_by_id(intro)["R1"].arguments == (("Arg1", "T4"), ("Arg2", "T5"))
    person = spans_by_id(intro)["T4"]
    assert (person.label, person.fragments, person.attributes) == (
        "Person",
        ((473, 496),),
        (("Mention", "Name"), ("Individual", "true")),
    )
    nested = links_by_id(tutorial["090-event_structures"])["E2"]
    assert nested.arguments == (("Reporter-Arg", "T4"), ("Event-Arg", "E1"))
    merger = links_by_id(tutorial["080-event-annotation"])["E3"]
    assert [role for role, _ in merger.arguments] == ["Org-Arg", "Org-Arg2", "Org-Arg3", "Org-Arg4"]
    assert links_by_id(tutorial["100-attribute_annotation"])["E4"].attributes == (("Confidence", "Neutral"),)


def test_brat_tutorial_notes_normalisations_equivalences_are_problems(tutorial):
    problems = {name: where_lines(doc) for name, doc in tutorial.items() if doc.problems}
    assert problems == {
        "000-introduction": [("000-introduction.ann", 10), ("000-introduction.ann", 17)],
        "060-relation_annotation": [("060-relation_annotation.ann", 6)],
        "070-editing_relation_annotations": [("070-editing_relation_annotations.ann", 6)],
        "110-note_annotation": [("110-note_annotation.ann", line) for line in (2, 8, 12)],
    }
    note, normalisation = tutorial["000-introduction"].problems
    assert note.item.startswith("#1\tAnnotatorNotes T2\t")
    assert normalisation.item.startswith("N1\tReference T5 ")
    assert tutorial["060-relation_annotation"].problems[0].item == "*\tAlias T3 T4 T5"


# --------------------------------------------------------------------------
# PolNeAR: one text, several annotators' .ann files named <text>_<annotator>.ann


@pytest.fixture(scope="module")
def polnear(shared_dir: Path) -> list[ToolDocument]:
    sample = shared_dir / "external" / "polnear_train_sample"
    return brat.read([sample / "text", *sorted((sample / "attributions").glob("*.ann"))])


def test_brat_polnear_documents_and_annotators(polnear):
    assert len(polnear) == 163
    assert len({doc.name for doc in polnear}) == 84  # every text has an .ann; none is left alone
    assert Counter(doc.annotator for doc in polnear) == {
        "4b22": 34, "4e07": 27, "5fec": 27, "d473": 27, "ef2d": 27, "6b86": 21,
    }
    first = polnear[0]
    assert Path(first.where).name == f"{first.name}_{first.annotator}.ann"


def test_brat_polnear_spans_and_attributions(polnear):
    assert sum(len(doc.spans) for doc in polnear) == 19043
    assert Counter(link.label for doc in polnear for link in doc.links) == {
        "Attribution": 4563, "Attribution-no-source": 281,
    }
    discontinuous = [span for doc in polnear for span in doc.spans if len(span.fragments) > 1]
    assert len(discontinuous) == 703
    assert Counter(span.label for span in discontinuous)["Content"] == 671
    assert all(list(span.fragments) == sorted(span.fragments) for span in discontinuous)
    # Fragments listed out of text order (the stored text follows the listed order) are kept in text order.
    (document,) = [d for d in polnear if d.name.startswith("breitbart_2015-12-11_") and d.annotator == "5fec"]
    content = next(span for span in document.spans if span.where.endswith(":23"))  # Content 1039 1090;993 1001
    assert (content.label, content.fragments) == ("Content", ((993, 1001), (1039, 1090)))
    assert (content.start, content.end) == (993, 1090)


def test_brat_polnear_problems(polnear):
    # Under brat's rule (fragment texts joined by one space) every stored text of this sample
    # matches its offsets; its only problem is one AnnotatorNotes line.
    problems = [(doc, p) for doc in polnear for p in doc.problems]
    seen = [(doc.name[:23], doc.annotator, p.where.rsplit(":", 1)[1], p.item.split("\t")[:2]) for doc, p in problems]
    assert seen == [("west-journal_2016-04-18", "4b22", "92", ["#1", "AnnotatorNotes T73"])]
    assert problems[0][1].where.startswith(problems[0][0].where)


# --------------------------------------------------------------------------
# Problems, pairing and malformed lines on files made for the tests


def test_brat_problems_and_what_is_kept():
    (doc,) = brat.read([DATA / "problems"])
    assert [(line, p.item.split("\t")[0]) for (_, line), p in zip(where_lines(doc), doc.problems)] == [
        (4, "T4"),  # stored text "Pariss" is not "Paris"
        (7, "T7"),  # offsets outside the text
        (8, "Place:T4"),  # argument on a span left out: dropped
        (9, "Content:T7"),
        (10, "E3"),  # trigger T9 names nothing: link left out
        (15, "A3"),  # attribute of nothing
        (16, "A4"),  # attribute of the link left out
        (17, "#1"),
        (18, "R2"),  # text after the arguments
    ]
    assert sorted(spans_by_id(doc)) == ["T1", "T2", "T3", "T5", "T6"]
    assert spans_by_id(doc)["T5"].fragments == ((0, 4), (36, 39))
    links = links_by_id(doc)
    assert sorted(links) == ["E1", "E2", "R1", "R2"]
    assert links["E1"].arguments == (("Entity", "T1"), ("Entity2", "T2"))
    assert links["E1"].attributes == (("Negation", "true"),)
    assert links["E2"].attributes == (("Confidence", "Low"),)
    assert links["R1"].attributes == (("Speculation", "true"),)


def write_files(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(text.encode("utf-8"))


@pytest.mark.parametrize(
    ("files", "given", "expected"),
    [
        # same stem beside it
        ({"a.txt": "x", "a.ann": ""}, ["a.ann"], [("a", None)]),
        # PolNeAR: text/<name>.txt and attributions/<name>_<annotator>.ann
        ({"text/a_1.txt": "x", "ann/a_1_4e07.ann": ""}, ["text", "ann"], [("a_1", "4e07")]),
        # the longest prefix wins; '-' and '.' separate as '_' does (a.txt is then a document alone)
        ({"t/a.txt": "x", "t/a-b.txt": "y", "n/a-b.c.ann": ""}, ["t", "n"], [("a-b", "c"), ("a", None)]),
        # the same stem in another folder: no annotator
        ({"t/a.txt": "x", "n/a.ann": ""}, ["t", "n"], [("a", None)]),
        # a .txt no .ann pairs with is a document without annotations
        ({"a.txt": "x", "b.txt": "y", "a.ann": ""}, ["."], [("a", None), ("b", None)]),
    ],
)
def test_brat_pairing(tmp_path, files, given, expected):
    write_files(tmp_path, files)
    documents = brat.read([tmp_path / name for name in given])
    assert [(doc.name, doc.annotator) for doc in documents] == expected


@pytest.mark.parametrize(
    ("files", "given", "message"),
    [
        ({"t/ab.txt": "x", "n/a_b.ann": ""}, ["t", "n"], "a_b.ann: no text"),
        ({"t/a.txt": "x", "u/a.txt": "y", "n/a_b.ann": ""}, ["t", "u", "n"], "a_b.ann: more than one text"),
        ({"a.conf": ""}, ["a.conf"], "a.conf: not a brat"),
        ({"a.txt": "", "a.ann": ""}, ["missing.ann"], "missing.ann: not a brat"),
    ],
)
def test_brat_pairing_refused(tmp_path, files, given, message):
    write_files(tmp_path, files)
    with pytest.raises(FormatError, match=re.escape(message)):
        brat.read([tmp_path / name for name in given])


@pytest.mark.parametrize(
    "line",
    [
        "T2 Person 0 4\tJohn",  # spaces instead of a tab
        "T2",
        "T2\tPerson 0 4",  # no text
        "T2\tPerson 0\tJohn",
        "T2\tPerson zero 4\tJohn",
        "T2\tPerson 4 0\tJohn",
        "T2\t0 4\tJohn",
        "T1\tPerson 0 4\tJohn",  # the id again
        "E1\tMeet",
        "E1\t",
        "E1\tMeet:T1 Entity",
        "R1\tKnows Arg1:T1\t",
        "R1\tArg1:T1 Arg2:T1",
        "A1\tNegation",
        "A1\tConfidence T1 High Low",
        "X1\tsomething",
    ],
)
def test_brat_malformed_line(tmp_path, line):
    write_files(tmp_path, {"doc.txt": "John went home.", "doc.ann": f"T1\tPerson 0 4\tJohn\n{line}\n"})
    with pytest.raises(FormatError, match=re.escape(f"{tmp_path / 'doc.ann'}:2: ")):
        brat.read([tmp_path])


def test_brat_text_keeps_crlf_and_astral_characters(tmp_path):
    text = "\U0001d518ber\r\nMary \U0001f600 said\r\n"
    write_files(tmp_path, {"d.txt": text, "d.ann": "T1\tPerson 6 10\tMary\r\nT2\tCue 13 17\tsaid\r\n"})
    (doc,) = brat.read([tmp_path])
    assert doc.text == text and doc.problems == []
    assert [(span.label, text[span.start : span.end]) for span in doc.spans] == [("Person", "Mary"), ("Cue", "said")]

