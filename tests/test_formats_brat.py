"""brat standoff: reading real collections, writing the seed gold and reading it back."""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO, SEED_ID
from wirecorpus import corpus, layout, schema
from wirecorpus.errors import ExportError, FormatError
from wirecorpus.formats import brat
from wirecorpus.formats.base import ToolDocument, ToolLink, ToolSpan

DATA = Path(__file__).resolve().parent / "data" / "formats" / "brat"
GOLD = layout.annotation_path(REPO, kind="hand", name="a1", article_id=SEED_ID)


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
    # 13 .txt/.ann pairs; SOURCE.txt has no .ann, so it is no document.
    assert len(tutorial) == 13 and "SOURCE" not in tutorial
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
        # the longest prefix wins; '-' and '.' separate as '_' does (a.txt pairs with nothing: no document)
        ({"t/a.txt": "x", "t/a-b.txt": "y", "n/a-b.c.ann": ""}, ["t", "n"], [("a-b", "c")]),
        # the same stem in another folder: no annotator
        ({"t/a.txt": "x", "n/a.ann": ""}, ["t", "n"], [("a", None)]),
        # a .txt no .ann pairs with is no document: nobody annotated it
        ({"a.txt": "x", "b.txt": "y", "a.ann": ""}, ["."], [("a", None)]),
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
        ({"a.txt": "", "a.ann": ""}, ["missing.ann"], "missing.ann: no such file or folder"),
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


# --------------------------------------------------------------------------
# Round trips


def tool_view(document: ToolDocument):
    """A document without the places it was read from."""
    return (
        document.text,
        [(s.id, s.label, s.fragments, s.attributes) for s in document.spans],
        [(link.id, link.label, link.trigger, link.arguments, link.attributes) for link in document.links],
    )


TEXT_PIECES = ["a", "b", "é", "’", " ", "\u00a0", "\n", "\r\n", "\t", "\u2028", "\U0001f600", "\U0001d518"]
NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,6}", fullmatch=True)


def _fragment_within_a_line(text: str, start: int, length: int) -> tuple[int, int]:
    """(start, end) from start, cut at the first line break or tab (brat keeps a T line on one line)."""
    breaks = [i for i in range(start, min(start + length, len(text))) if text[i] in brat.BREAKS]
    return start, breaks[0] if breaks else min(start + length, len(text))


@st.composite
def brat_documents(draw) -> ToolDocument:
    text = "".join(draw(st.lists(st.sampled_from(TEXT_PIECES), min_size=1, max_size=40)))
    attributes = st.lists(st.tuples(NAMES, st.sampled_from(["true", "Low", "x1"])), max_size=2).map(tuple)
    spans = []
    for number in range(1, draw(st.integers(1, 6)) + 1):
        starts = draw(st.lists(st.integers(0, len(text)), min_size=1, max_size=3, unique=True))
        fragments = sorted(_fragment_within_a_line(text, start, draw(st.integers(0, 8))) for start in starts)
        spans.append(ToolSpan(f"T{number}", draw(NAMES), tuple(fragments), "", draw(attributes)))
    span_ids = st.sampled_from([span.id for span in spans])
    links = []
    for number in range(1, draw(st.integers(0, 4)) + 1):
        if draw(st.booleans()):
            targets = st.one_of(span_ids, st.sampled_from([link.id for link in links] or ["T1"]))
            arguments = draw(st.lists(st.tuples(NAMES, targets), max_size=3))
            links.append(ToolLink(f"E{number}", draw(NAMES), draw(span_ids), tuple(arguments), "", draw(attributes)))
        else:
            arguments = (("Arg1", draw(span_ids)), ("Arg2", draw(span_ids)))
            links.append(ToolLink(f"R{number}", draw(NAMES), None, arguments, "", draw(attributes)))
    return ToolDocument(name="doc", text=text, where="", spans=spans, links=links)


@settings(max_examples=150, deadline=None)
@given(document=brat_documents())
def test_brat_round_trip_tool_documents(document):
    with tempfile.TemporaryDirectory() as folder:
        write_files(Path(folder), {"doc.txt": document.text, "doc.ann": brat.dumps(document)})
        (back,) = brat.read([Path(folder)])
    assert back.problems == []
    assert tool_view(back) == tool_view(document)


@pytest.fixture(scope="module")
def seed() -> tuple[schema.Article, schema.AnnotationFile]:
    article = next(a for a in corpus.iter_articles(REPO) if a.id == SEED_ID)
    return article, corpus.read_annotation(GOLD)


@pytest.fixture(scope="module")
def inventory() -> schema.Inventory:
    return schema.Inventory.load(REPO)


@pytest.fixture
def exported(seed, inventory, tmp_path) -> tuple[list[Path], ToolDocument]:
    paths = brat.write([seed], out=tmp_path / "out", inventory=inventory)
    (document,) = brat.read([tmp_path / "out"])
    return paths, document


def argument_offsets(document: ToolDocument, link: ToolLink) -> dict[str, tuple[int, int] | str]:
    spans = spans_by_id(document)
    return {role: (spans[ident].start, spans[ident].end) for role, ident in link.arguments}


def test_brat_round_trip_seed_gold(seed, exported):
    article, gold = seed
    paths, document = exported
    assert [path.name for path in paths] == [f"{SEED_ID}.txt", f"{SEED_ID}.ann", "annotation.conf", "map.json"]
    assert document.text == article.text and document.problems == []
    spans = spans_by_id(document)
    assert [(e.id, e.label, e.start, e.end) for e in gold.entities] == [
        (s.id, s.label, s.start, s.end) for s in (spans[e.id] for e in gold.entities)
    ]
    quote_links = [link for link in document.links if link.label == "Quote"]
    entity_offsets = {e.id: (e.start, e.end) for e in gold.entities}
    assert len(quote_links) == len(gold.quotes) > 0
    for quote, link in zip(gold.quotes, quote_links):
        roles = argument_offsets(document, link)
        assert roles["Content"] == (quote.content.start, quote.content.end)
        assert (spans[link.trigger].start, spans[link.trigger].end) == roles["Content"]
        assert roles.get("Cue") == (quote.cue and (quote.cue.start, quote.cue.end))
        # The speaker span when there is one, with its entity as SpeakerEntity; else the entity.
        span = quote.speaker_span
        assert roles.get("Speaker") == ((span.start, span.end) if span else entity_offsets.get(quote.speaker))
        assert roles.get("SpeakerEntity") == (entity_offsets.get(quote.speaker) if span else None)
        assert link.attributes == (("Kind", quote.kind),)
    event_links = [link for link in document.links if link.label != "Quote"]
    assert len(event_links) == len(gold.events) > 0
    for event, link in zip(gold.events, event_links):
        assert link.label == brat.brat_type(event.type)
        assert (spans[link.trigger].start, spans[link.trigger].end) == (event.trigger.start, event.trigger.end)
        assert [(re.sub(r"[0-9]+$", "", role), target) for role, target in link.arguments] == [
            (a.role, a.entity) for a in event.arguments
        ]


def conf_sections(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), [])
        elif line:
            current.append(line.split("\t")[0])
    return sections


def test_brat_annotation_conf_and_map_cover_the_inventory(exported, inventory):
    paths, _ = exported
    folder = paths[0].parent
    sections = conf_sections((folder / "annotation.conf").read_text(encoding="utf-8"))
    assert list(sections) == ["entities", "relations", "events", "attributes"]
    assert set(sections["entities"]) == inventory.entity_labels | {"Content", "Cue", "Speaker"}
    assert set(sections["events"]) == {brat.brat_type(t) for t in inventory.event_types} | {"Quote"}
    assert sections["attributes"] == ["Kind"]
    mapping = json.loads((folder / "map.json").read_text(encoding="utf-8"))
    assert mapping["entities"] == {label: label for label in inventory.entity_labels}
    assert {name: event["type"] for name, event in mapping["events"].items()} == {
        brat.brat_type(t): t for t in inventory.event_types
    }
    for event_type, roles in inventory.event_roles.items():
        assert mapping["events"][brat.brat_type(event_type)]["roles"] == {role: role for role in roles}


def small_pair(text: str, content: tuple[int, int]) -> tuple[schema.Article, schema.AnnotationFile]:
    """An article x-1 with one direct quote and nothing else."""
    sha = layout.text_sha256(text)
    article = schema.Article("x-1", "x", datetime.date(2020, 1, 1), None, text, sha, "test", "en", "test")
    start, end = content
    quote = schema.Quote("Q1", "direct", schema.Span(start, end, text[start:end]), None, None)
    annotator = schema.Annotator("hand", "t")
    return article, schema.AnnotationFile("x-1", sha, annotator, "1.0", quotes=[quote])


def test_brat_write_splits_a_span_at_line_breaks(tmp_path, inventory):
    text = 'He said: "One.\n\nTwo\tthree."'
    brat.write([small_pair(text, (10, 26))], out=tmp_path, inventory=inventory)
    (document,) = brat.read([tmp_path])
    content = next(span for span in document.spans if span.label == "Content")
    assert [text[start:end] for start, end in content.fragments] == ["One.", "Two", "three."]
    assert (content.start, content.end) == (10, 26)


def test_brat_write_refuses_to_overwrite(seed, inventory, tmp_path):
    out = tmp_path / "out"
    paths = brat.write([seed], out=out, inventory=inventory)
    before = {path: path.read_bytes() for path in paths}
    assert brat.write([seed], out=out, inventory=inventory) == paths  # the same content again is fine
    ann = out / f"{SEED_ID}.ann"
    ann.write_text("T1\tGPE 0 6\tMOSCOW\n", encoding="utf-8")
    (out / "map.json").unlink()
    with pytest.raises(ExportError, match=re.escape(f"{ann}: a different file is there already")):
        brat.write([seed], out=out, inventory=inventory)
    assert ann.read_text(encoding="utf-8") == "T1\tGPE 0 6\tMOSCOW\n"
    assert not (out / "map.json").exists()  # nothing written when one file is refused
    assert all(path.read_bytes() == data for path, data in before.items() if path.name not in (ann.name, "map.json"))


def test_brat_write_refusals(seed, inventory, tmp_path):
    article, gold = seed
    with pytest.raises(ExportError, match="comes twice"):
        brat.write([seed, seed], out=tmp_path, inventory=inventory)
    stale = dataclasses.replace(gold, text_sha256="0" * 64)
    with pytest.raises(ExportError, match="not made on the text"):
        brat.write([(article, stale)], out=tmp_path, inventory=inventory)
    article, lone = small_pair("He said: \"yes\"", (10, 13))
    unknown_speaker = dataclasses.replace(lone, quotes=[dataclasses.replace(lone.quotes[0], speaker="T9")])
    with pytest.raises(ExportError, match="hand/t/x-1: refers to entity T9"):
        brat.write([(article, unknown_speaker)], out=tmp_path, inventory=inventory)
    with pytest.raises(ExportError, match="nothing but line breaks"):
        brat.write([small_pair("Yes.\n\nNo.", (4, 6))], out=tmp_path, inventory=inventory)
    clash = dataclasses.replace(inventory, event_roles={"A:B_C": (), "A_B:C": ()})
    with pytest.raises(ExportError, match="both become A_B_C"):
        brat.import_map(clash)
    assert list(tmp_path.iterdir()) == []


def test_brat_dumps_refuses_a_fragment_over_a_line_break():
    document = ToolDocument("d", "one\ntwo", "d", spans=[ToolSpan("T1", "X", ((0, 7),), "d#T1")])
    with pytest.raises(ExportError, match="d#T1: span T1 runs over a line break"):
        brat.dumps(document)
