"""The INCEpTION reader: UIMA CAS XMI and WebAnno TSV 3.x exports, folders and zips."""

from __future__ import annotations

import re
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from pathlib import Path

import cassis
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SHARED
from wirecorpus.errors import FormatError
from wirecorpus.formats import inception
from wirecorpus.formats.base import ToolDocument, ToolLink, Utf16Offsets
from wirecorpus.formats.inception_layers import NAMED_ENTITY
from wirecorpus.formats.inception_tsv import read_tsv, split_cell, strip_id, unescape_text, unescape_value

XMI_DIR = SHARED / "external" / "uima_xmi_fixtures"
TSV_DIR = SHARED / "external" / "webanno_tsv3_fixtures"
INCEPTION_TYPESYSTEM = XMI_DIR / "typesystems__inception_typesystem.xml"
DATA = Path(__file__).parent / "data" / "formats" / "inception"
XMI_ID = "{http://www.omg.org/XMI}id"


def covered(doc: ToolDocument) -> dict[str, str]:
    return {span.id: doc.text[span.start : span.end] for span in doc.spans}


def read_one(*paths: Path) -> ToolDocument:
    (doc,) = inception.read(list(paths))
    return doc


# What each real export holds, checked by hand against the files: the span count per
# label, some covered texts (by span id), the links and how many problems.
XMI_EXPECTED = {
    "xmi__cas_with_smileys.xmi": {
        "labels": {"OTH": 5},
        # UTF-16 3-15, 688-695 and 700-710 in the file: one emoji before the first, three before the others
        "texts": {"1958": "Transformers", "1976": "PyTorch", "1982": "TensorFlow"},
        "fragments": {"1958": (2, 14), "1976": (685, 692)},
        "links": [],
        "problems": 0,
    },
    "ser-ref__casWithEmojiUnicodeTextAndAnnotations__debug.xmi": {
        "labels": {},
        "texts": {},
        "fragments": {},
        "links": [],
        "problems": 9,  # nine bare uima.tcas.Annotation: no layer to put them in
    },
    "one-way__tsv3-testSimpleSlotFeature__debug.xmi": {
        "labels": {"SimpleSpan": 2, "SimpleLinkHost": 1},
        "texts": {"11": "is", "12": "a", "13": "This"},
        "fragments": {"13": (0, 4)},
        "links": [("13", "SimpleLinkHost", "13", (("p1", "11"), ("p2", "12")))],
        "problems": 0,
    },
}

TSV_EXPECTED = {
    "test_input.tsv": {
        "labels": {"PERaddressee": 2, "PERauthor": 1, "PLACEfrom": 2, "DATEletter": 2, "OBJ": 1, "PERmentioned": 2},
        "texts": {"T5": "23 . Juli 1835", "T8": "Kampf des Herkules mit dem Achelous", "T9": "Herkules", "T10": "Achelous"},
        "problems": 0,
    },
    "test_input_v3.3.tsv": {
        "labels": {"PERauthor": 1, "PERaddressee": 1, "PLACEfrom": 1, "DATEletter": 1, "ANN": 1, "LIT": 4, "per-mentioned": 1},
        # T4 runs from sentence 1 into sentence 2; T9 is named on token 2-31 and its sub-token 2-31.1 "Bernhard"
        "texts": {
            "T4": "10.\nMärz 1832",
            "T5": "(Zettel an den Brief geklebt)",
            "T8": "Bernhardischen Suidas",
            "T9": "Bernhard",
            "T10": "Scriptores hist., August",
        },
        "problems": 0,
    },
    "test_input_quotes.tsv": {
        "labels": {},
        "texts": {},
        "problems": 6,  # '#Text==A ...' shifts every token by one: each token differs from what it covers
    },
}
# This fixture starts its second sentence at offset 0 again: no export is like that, and INCEpTION's
# own reader cannot place it either.
TSV_UNREADABLE = {"test_input_multi_sentence_span.tsv": ":14: the sentence begins at offset 0"}


def test_inception_fixture_folders_hold_the_expected_files() -> None:
    assert sorted(p.name for p in XMI_DIR.glob("*.xmi")) == sorted(XMI_EXPECTED)
    assert sorted(p.name for p in TSV_DIR.glob("*.tsv")) == sorted([*TSV_EXPECTED, *TSV_UNREADABLE])


@pytest.mark.parametrize("name", sorted(XMI_EXPECTED))
def test_inception_reads_xmi_fixtures(name: str) -> None:
    expected = XMI_EXPECTED[name]
    doc = read_one(XMI_DIR / name, INCEPTION_TYPESYSTEM)
    assert doc.name == Path(name).stem and doc.annotator is None and doc.where == str(XMI_DIR / name)
    assert Counter(span.label for span in doc.spans) == expected["labels"]
    assert {i: covered(doc)[i] for i in expected["texts"]} == expected["texts"]
    assert {span.id: span.fragments[0] for span in doc.spans if span.id in expected["fragments"]} == expected["fragments"]
    assert [(link.id, link.label, link.trigger, link.arguments) for link in doc.links] == expected["links"]
    assert len(doc.problems) == expected["problems"]


@pytest.mark.parametrize("name", sorted(name for name, expected in XMI_EXPECTED.items() if expected["labels"]))
def test_inception_xmi_offsets_are_utf16_units_turned_once(name: str) -> None:
    """Each span is where the file's UTF-16 begin/end put it, turned into code points once, here without cassis."""
    doc = read_one(XMI_DIR / name, INCEPTION_TYPESYSTEM)
    written = {e.get(XMI_ID): (e.get("begin"), e.get("end")) for e in ET.parse(XMI_DIR / name).iter() if e.get("begin")}
    index = Utf16Offsets(doc.text)
    assert doc.spans
    for span in doc.spans:
        begin, end = written[span.id]
        assert span.fragments == ((index.code_point(int(begin)), index.code_point(int(end))),)


def test_inception_xmi_problems_show_what_they_cover() -> None:
    doc = read_one(XMI_DIR / "ser-ref__casWithEmojiUnicodeTextAndAnnotations__debug.xmi")
    items = {problem.where.rsplit("#", 1)[1]: problem.item for problem in doc.problems}
    assert doc.text == "🥳 This 👳🏻\u200d♀️ is ✆ a 🧔🏾\u200d♂️ test 👻"
    assert items["9"] == "uima.tcas.Annotation 'test'"  # UTF-16 31-35, after four emoji
    assert items["8"] == "uima.tcas.Annotation " + repr("🧔🏾\u200d♂️")


@pytest.mark.parametrize("name", sorted(TSV_EXPECTED))
def test_inception_reads_tsv_fixtures(name: str) -> None:
    expected = TSV_EXPECTED[name]
    doc = read_one(TSV_DIR / name)
    assert doc.name == Path(name).stem and doc.where == str(TSV_DIR / name)
    assert Counter(span.label for span in doc.spans) == expected["labels"]
    assert {i: covered(doc)[i] for i in expected["texts"]} == expected["texts"]
    assert len(doc.problems) == expected["problems"]
    assert doc.links == []


@pytest.mark.parametrize("name", sorted(TSV_UNREADABLE))
def test_inception_refuses_tsv_fixtures_with_offsets_going_back(name: str) -> None:
    with pytest.raises(FormatError, match=f"{name}{TSV_UNREADABLE[name]}"):
        inception.read([TSV_DIR / name])


def test_inception_tsv_text_is_rebuilt_from_the_text_lines() -> None:
    doc = read_one(TSV_DIR / "test_input_v3.3.tsv")
    # One line break between the sentences, one inside sentence 2 (two #Text lines), one at the end.
    assert doc.text.startswith("Braun an Gerhard Dresden, 10.\nMärz 1832 (Zettel")
    assert "nur den Brief.\n- Den Intelligenzblättern" in doc.text
    assert doc.text.endswith("August, beigelegt.\n") and doc.text.count("\n") == 3


def test_inception_tsv_escaped_quotes_in_text() -> None:
    doc = read_one(TSV_DIR / "test_input_quotes.tsv")
    assert doc.text == '=A sentence with " quotes "\n'
    assert [p.item for p in doc.problems][3] == "1-4 '\"'"


def test_inception_tsv_layers_relations_slots_and_chains() -> None:
    doc = read_one(DATA / "layers.tsv")
    assert doc.text == '😊 Anna Lee met Bob in Paris .\nShe said:\t"C:\\dir"\nParis [sic] !\n'
    spans = {span.id: (span.label, doc.text[span.start : span.end], span.attributes) for span in doc.spans}
    assert spans == {
        "T1": ("PER", "Anna Lee", (("identifier", "Q_1"),)),  # after the emoji: UTF-16 3-11
        "T2": ("Mention", "Anna Lee", ()),
        "T3": ("Meet", "met", ()),
        "T4": ("PER", "Bob", ()),
        "T5": ("Mention", "Bob", ()),
        "T6": ("LOC", "Paris", ()),
        "T7": ("DRIVE", "C", ()),  # a sub-token
        "T8": ("LOC", "Paris", ()),  # stacked on one token
        "T9": ("GPE", "Paris", ()),
        "T10": ("odd|label_x", "!", ()),
    }
    where = str(DATA / "layers.tsv")
    assert doc.links == [
        ToolLink("R1", "direct", None, (("Governor", "T1"), ("Dependent", "T4")), f"{where}:16"),
        ToolLink("T3", "Meet", "T3", (("Participant", "T2"), ("Participant", "T5")), f"{where}:15"),
    ]
    assert [(p.where, p.item) for p in doc.problems] == [
        (f"{where}:22", "#Comment=not a header INCEpTION writes"),
        (f"{where}:15", "T3 arguments: Place -> *"),
        (f"{where}:13", "de.tudarmstadt.ukp.dkpro.core.api.coref.type.CoreferenceLink chain 1"),
    ]


HEADER = "#FORMAT=WebAnno TSV 3.3\n#T_SP=webanno.custom.Tag|value\n#T_RL=webanno.custom.Rel|BT_webanno.custom.Tag\n\n\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("#FORMAT=WebAnno TSV 2\n\n", ":1: not a WebAnno TSV"),
        ("#FORMAT=WebAnno TSV 3.3\n#T_XX=a|b\n\n", ":2: not a layer declaration"),
        (HEADER + "1-1\t0-1\ta\t_\t_\n", ":6: expected a '#Text=' line"),
        (HEADER + "#Text=a\n1-1\t0-1\ta\t_\n", ":7: 4 columns where the header declares 5"),
        (HEADER + "#Text=a\n1-1\t0_1\ta\t_\t_\n", ":7: not a token line"),
        (HEADER + "#Text=😊 a\n1-1\t0-1\t😊\t_\t_\n", ":7: offsets 0-1: offset 1 falls inside"),
        (
            HEADER + "#Text=a b\n1-1\t0-1\ta\t_\t_\n1-2\t2-3\tb\t_\t_\n\n#Text=c\n2-1\t1-2\tc\t_\t_\n",
            ":11: the sentence begins at offset 1",
        ),
        (HEADER + "#Text=a b\n1-1\t0-1\ta\tX\t_\n1-2\t2-3\tb\tY\t1-1[7_0]\n", ":8: \\[7\\] names no annotation"),
        (HEADER + "#Text=a\n\n", ":7: blank line after a sentence header"),
    ],
)
def test_inception_tsv_errors_name_file_and_line(content: str, message: str) -> None:
    with pytest.raises(FormatError, match=f"^doc.tsv{message}"):
        read_tsv(content.encode("utf-8"), "doc.tsv", "doc", None)


@pytest.mark.parametrize(
    ("written", "value"),
    [(r"a\|b", "a|b"), (r"\[x\]\_\*", "[x]_*"), (r"a\-\>b\->c", r"a\-\>b->c"), (r"x\\", "x\\"), (r"t\tn\n;\;", "t\tn\n;;")],
)
def test_inception_tsv_unescapes_values(written: str, value: str) -> None:
    assert unescape_value(written) == value


@pytest.mark.parametrize(
    ("written", "text"),
    [
        (r"C:\\dir\tx", "C:\\dir\tx"),
        (r"say \"hi\"", 'say "hi"'),
        (r"\u00FCber \uD83D\uDE0A", "über 😊"),
        ("a\\\x01b", "a\x01b"),
        (r"\q", r"\q"),
    ],
)
def test_inception_tsv_unescapes_text(written: str, text: str) -> None:
    assert unescape_text(written) == text


def test_inception_tsv_cells_split_and_ids() -> None:
    assert split_cell(r"A[1]|B\|C[2]|D\\|E", "|") == ["A[1]", r"B\|C[2]", "D\\\\", "E"]
    assert strip_id("LIT[4]") == ("LIT", "4")
    assert strip_id("3-1[6_1]") == ("3-1", "6_1")
    assert strip_id(r"x\[4\]") == (r"x\[4\]", None)
    assert strip_id(r"x\\[4]") == ("x\\\\", "4")


# XMI built with cassis: the layers the fixtures do not have.


# type name -> (supertype, {feature: range type}), in the order cassis must create them
TEST_TYPES = {
    "webanno.custom.Span": ("uima.tcas.Annotation", {
        "zeta": "uima.cas.String", "alpha": "uima.cas.String", "confidence": "uima.cas.Integer",
        "checked": "uima.cas.Boolean", "see": "webanno.custom.Span",
    }),
    "webanno.custom.Rel": ("uima.tcas.Annotation", {
        "Governor": "uima.tcas.Annotation", "Dependent": "uima.tcas.Annotation", "kind": "uima.cas.String",
    }),
    "webanno.custom.RefLink": ("uima.tcas.Annotation", {"next": "webanno.custom.RefLink"}),
    "webanno.custom.RefChain": ("uima.cas.AnnotationBase", {"first": "webanno.custom.RefLink"}),
    "webanno.custom.DocMeta": ("uima.cas.AnnotationBase", {"topic": "uima.cas.String"}),
    "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Token": ("uima.tcas.Annotation", {}),
    "org.example.Other": ("uima.tcas.Annotation", {}),
    NAMED_ENTITY: ("uima.tcas.Annotation", {"value": "uima.cas.String"}),
    "de.tudarmstadt.ukp.dkpro.core.api.ner.type.Person": (NAMED_ENTITY, {}),
    "org.dkpro.core.api.xml.type.XmlElement": ("uima.tcas.Annotation", {}),
}


def build_typesystem() -> cassis.TypeSystem:
    ts = cassis.TypeSystem()
    for name, (supertype, features) in TEST_TYPES.items():
        created = ts.create_type(name, supertypeName=supertype)
        for feature, range_type in features.items():
            ts.create_feature(created, feature, range_type)
    return ts


def test_inception_xmi_relations_chains_and_problems(tmp_path: Path) -> None:
    ts = build_typesystem()
    cas = cassis.Cas(typesystem=ts)
    cas.sofa_string = "Ann met Bob 😊 in Oslo."
    span, relation, link = (ts.get_type(f"webanno.custom.{name}") for name in ("Span", "Rel", "RefLink"))
    ann, bob = span(begin=0, end=3, zeta="Z", alpha="A", confidence=3, checked=True), span(begin=8, end=11)
    ann.see = bob
    token = ts.get_type("de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Token")(begin=4, end=7)
    second = link(begin=8, end=11)
    first = link(begin=0, end=3, next=second)
    cas.add_all([ann, bob, token, first, second, ts.get_type("org.example.Other")(begin=17, end=21)])
    cas.add(ts.get_type("de.tudarmstadt.ukp.dkpro.core.api.ner.type.Person")(begin=17, end=21))  # no value
    cas.add(ts.get_type("org.dkpro.core.api.xml.type.XmlElement")(begin=0, end=22))  # structure: skipped
    cas.add(relation(begin=8, end=11, Governor=ann, Dependent=bob, kind="knows"))
    cas.add(relation(begin=4, end=7, Governor=token, Dependent=bob))
    cas.add_all([ts.get_type("webanno.custom.RefChain")(first=first), ts.get_type("webanno.custom.DocMeta")(topic="x")])
    cas.create_view("other").sofa_string = "x"
    cas.to_xmi(tmp_path / "doc.xmi")
    ts.to_xml(tmp_path / "TypeSystem.xml")

    doc = read_one(tmp_path / "doc.xmi")
    ids = {covered(doc)[span.id]: span.id for span in doc.spans}
    assert sorted((covered(doc)[s.id], s.label, s.attributes) for s in doc.spans) == [
        ("Ann", "A", (("checked", "true"), ("confidence", "3"), ("zeta", "Z"))),  # alpha comes first by name
        ("Bob", "Span", ()),
        ("Oslo", "Person", ()),  # a NamedEntity subtype without a value
    ]
    arguments = (("Governor", ids["Ann"]), ("Dependent", ids["Bob"]))
    assert [(link.label, link.trigger, link.arguments) for link in doc.links] == [("knows", None, arguments)]
    assert sorted(p.item for p in doc.problems) == [
        "org.example.Other 'Oslo'",  # after the emoji
        "view other",
        "webanno.custom.DocMeta",
        "webanno.custom.RefChain",
        "webanno.custom.Rel Rel",  # its governor is a token
        "webanno.custom.Span see",
    ]
    assert "a chain of 2 elements" in next(p.why for p in doc.problems if p.item == "webanno.custom.RefChain")


def test_inception_xmi_offset_inside_a_surrogate_pair_is_refused(tmp_path: Path) -> None:
    ts = build_typesystem()
    cas = cassis.Cas(typesystem=ts)
    cas.sofa_string = "😊 Oslo"
    cas.add(ts.get_type(NAMED_ENTITY)(begin=2, end=6, value="LOC"))
    cas.to_xmi(tmp_path / "doc.xmi")
    ts.to_xml(tmp_path / "TypeSystem.xml")
    xmi = (tmp_path / "doc.xmi").read_text(encoding="utf-8")
    (tmp_path / "doc.xmi").write_text(xmi.replace('begin="3"', 'begin="1"'), encoding="utf-8")
    with pytest.raises(FormatError, match="doc.xmi: .*splits a character"):
        inception.read([tmp_path / "doc.xmi"])


TEXT_CHARACTERS = st.characters(min_codepoint=0x20, exclude_categories=("Cs", "Cc", "Co", "Cn"))


@settings(max_examples=40, deadline=None)
@given(data=st.data(), text=st.text(TEXT_CHARACTERS | st.sampled_from(["😊", "𝒳", "\n"]), min_size=1, max_size=40))
def test_inception_xmi_round_trip_with_astral_characters(data: st.DataObject, text: str) -> None:
    positions = st.integers(0, len(text))
    spans = data.draw(st.lists(st.tuples(positions, positions).map(sorted).filter(lambda p: p[0] < p[1]), max_size=5))
    ts = build_typesystem()
    cas = cassis.Cas(typesystem=ts)
    cas.sofa_string = text
    cas.add_all([ts.get_type(NAMED_ENTITY)(begin=b, end=e, value=f"L{i}") for i, (b, e) in enumerate(spans)])
    with tempfile.TemporaryDirectory() as folder:
        cas.to_xmi(Path(folder) / "doc.xmi")
        ts.to_xml(Path(folder) / "TypeSystem.xml")
        doc = read_one(Path(folder))
    assert doc.text == text
    expected = [(f"L{i}", text[begin:end]) for i, (begin, end) in enumerate(spans)]
    assert sorted((span.label, doc.text[span.start : span.end]) for span in doc.spans) == sorted(expected)


# A tiny WebAnno TSV writer for one span layer, to read back.

TOKENS = st.lists(st.sampled_from([*"ab\\|[]_*;", "😊", "𝒳", "ü", "->"]), min_size=1, max_size=4).map("".join)
LABELS = st.lists(st.sampled_from([*"XY|[]_*;\\ \t", "->"]), min_size=1, max_size=5).map("".join)


ESCAPED = {"->": "\\->", "\\": "\\\\", "[": "\\[", "]": "\\]", "|": "\\|", "_": "\\_", ";": "\\;", "\t": "\\t", "\n": "\\n", "*": "\\*"}


def escape_value(value: str) -> str:
    """WebAnno's escaping of a cell, done the way INCEpTION's writer does it."""
    return re.sub(r"->|[\\\[\]|_;\t\n*]", lambda m: ESCAPED[m.group()], value)


def write_tsv(sentences: list[list[str]], spans: list[tuple[int, int, str]]) -> str:
    """TSV 3.3 with one layer; spans are (first token, last token, label) over all tokens in order."""
    lines = ["#FORMAT=WebAnno TSV 3.3", "#T_SP=webanno.custom.Tag|value", "", ""]
    offset, number = 0, 0
    for s, tokens in enumerate(sentences, start=1):
        lines += ["", "#Text=" + " ".join(tokens).replace("\\", "\\\\")]
        for t, token in enumerate(tokens, start=1):
            length = len(token.encode("utf-16-le")) // 2
            here = [(i, first < last, label) for i, (first, last, label) in enumerate(spans) if first <= number <= last]
            cells = [escape_value(label) + (f"[{i + 1}]" if multi_token else "") for i, multi_token, label in here]
            lines.append(f"{s}-{t}\t{offset}-{offset + length}\t{escape_value(token)}\t{'|'.join(cells) or '_'}\t")
            offset, number = offset + length + 1, number + 1
    return "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None)
@given(data=st.data(), sentences=st.lists(st.lists(TOKENS, min_size=1, max_size=4), min_size=1, max_size=3))
def test_inception_tsv_round_trip_one_span_layer(data: st.DataObject, sentences: list[list[str]]) -> None:
    flat = [token for tokens in sentences for token in tokens]
    index = st.integers(0, len(flat) - 1)
    spans = data.draw(st.lists(st.tuples(index, index, LABELS).map(lambda s: (min(s[:2]), max(s[:2]), s[2])), max_size=4))
    doc = read_tsv(write_tsv(sentences, spans).encode("utf-8"), "gen.tsv", "gen", None)
    assert doc.text == "\n".join(" ".join(tokens) for tokens in sentences) + "\n"
    assert doc.problems == []
    starts = [sum(len(t) + 1 for t in flat[:i]) for i in range(len(flat))]
    expected = [(label, doc.text[starts[first] : starts[last] + len(flat[last])]) for first, last, label in spans]
    assert sorted((s.label, doc.text[s.start : s.end]) for s in doc.spans) == sorted(expected)


# Folders, zips and names


def test_inception_project_export_zip(tmp_path: Path) -> None:
    inner = tmp_path / "bob.zip"
    with zipfile.ZipFile(inner, "w") as archive:
        archive.write(XMI_DIR / "xmi__cas_with_smileys.xmi", "huggingface.xmi")
        archive.write(INCEPTION_TYPESYSTEM, "TypeSystem.xml")
    export = tmp_path / "project.zip"
    with zipfile.ZipFile(export, "w") as archive:
        archive.writestr("exportedproject1.json", "{}")
        archive.write(TSV_DIR / "test_input.tsv", "source/letter.tsv")
        archive.write(TSV_DIR / "test_input.tsv", "annotation/letter.tsv/anna.tsv")
        archive.write(inner, "annotation/huggingface.txt/bob.zip")
        archive.write(TSV_DIR / "test_input_v3.3.tsv", "curation/letter.tsv/CURATION_USER.tsv")
    docs = inception.read([export])
    assert sorted((d.name, d.annotator, d.where, len(d.spans)) for d in docs) == [
        ("huggingface.txt", "bob", f"{export}/annotation/huggingface.txt/bob.zip/huggingface.xmi", 5),
        ("letter.tsv", "CURATION_USER", f"{export}/curation/letter.tsv/CURATION_USER.tsv", 10),
        ("letter.tsv", "anna", f"{export}/annotation/letter.tsv/anna.tsv", 10),
    ]


def test_inception_reads_a_folder_with_a_named_type_system() -> None:
    docs = inception.read([XMI_DIR, INCEPTION_TYPESYSTEM])  # the slot fixture has its own type system beside it
    assert sorted(doc.name for doc in docs) == sorted(Path(name).stem for name in XMI_EXPECTED)


@pytest.mark.parametrize(
    ("given", "identity"),
    [
        ("export/annotation/letter.tsv/anna.tsv", ("letter.tsv", "anna")),
        ("export/annotation", ("letter.tsv", "anna")),
        ("export", ("letter.tsv", "anna")),
        ("export/annotation/letter.tsv", ("anna", None)),
    ],
)
def test_inception_names_from_the_folder_layout(tmp_path: Path, given: str, identity: tuple[str, str | None]) -> None:
    path = tmp_path / "export" / "annotation" / "letter.tsv" / "anna.tsv"
    path.parent.mkdir(parents=True)
    path.write_bytes((TSV_DIR / "test_input.tsv").read_bytes())
    doc = read_one(tmp_path / given)
    assert (doc.name, doc.annotator) == identity and doc.where == str(path)


def test_inception_zip_members_stay_in_the_temporary_folder(tmp_path: Path) -> None:
    export = tmp_path / "inner" / "evil.zip"
    export.parent.mkdir()
    with zipfile.ZipFile(export, "w") as archive:
        archive.write(TSV_DIR / "test_input.tsv", "../../escaped.tsv")
    (doc,) = inception.read([export])
    assert doc.name == "escaped" and not list(tmp_path.rglob("escaped.tsv"))


def test_inception_named_type_system_serves_xmi_without_one(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="built-in types only"):
        inception.read([XMI_DIR / "xmi__cas_with_smileys.xmi"])
    assert len(read_one(XMI_DIR / "xmi__cas_with_smileys.xmi", INCEPTION_TYPESYSTEM).spans) == 5


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.xmi", None, "no such file"),
        ("notes.txt", b"x", "not an INCEpTION export"),
        ("broken.zip", b"not a zip", "not a readable zip file"),
        ("broken.xmi", b"<xmi", "not a UIMA CAS XMI file"),
        ("empty", None, "no INCEpTION document"),
    ],
)
def test_inception_unreadable_input(tmp_path: Path, name: str, content: bytes | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    elif name == "empty":
        path.mkdir()
    with pytest.raises(FormatError, match=message):
        inception.read([path])
