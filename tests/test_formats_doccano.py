"""doccano reader: the real fixtures (1.x, current and relation exports, classification, seq2seq), edge cases, generated exports."""

from __future__ import annotations

import json
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wirecorpus.errors import FormatError
from wirecorpus.formats import doccano
from wirecorpus.formats.base import ToolDocument, files_under

# Per real file: documents by annotator, spans by label, links by label, and (line, why) of each Problem.
REAL: dict[str, dict[str, Any]] = {
    "classification/classification.jsonl": {
        "documents": Counter({"1": 3}),
        "spans": Counter(),
        "links": Counter(),
        "problems": [(line, "a label without offsets has no place in a tool document") for line in (1, 2, 3)],
    },
    "doccano_official_examples/api_test_sequence_labeling_example_overlapping.jsonl": {
        "documents": Counter({None: 1}),
        "spans": Counter({"LOC": 2}),
        "links": Counter(),
        "problems": [],
    },
    "doccano_official_examples/export_sequence_labeling_example.jsonl": {
        "documents": Counter({None: 3}),
        "spans": Counter({"PERSON": 2, "ORG": 1, "MISC": 1}),
        "links": Counter(),
        "problems": [],
    },
    "doccano_official_examples/import_relation_extraction_example.jsonl": {
        "documents": Counter({None: 1}),
        "spans": Counter({"PERSON": 2, "ORG": 1, "DATE": 1}),
        "links": Counter({"foundedBy": 2, "foundedAt": 1}),
        "problems": [],
    },
    "labeling/labeling.jsonl": {
        "documents": Counter({"2": 2, "1": 1}),
        "spans": Counter({"12": 9, "13": 6, "14": 1}),  # doccano 1.x: label ids
        "links": Counter(),
        "problems": [],
    },
    "labeling/labeling_text_label.jsonl": {
        "documents": Counter({None: 2}),
        "spans": Counter({"LOC": 6, "PER": 4, "ORG": 1}),
        "links": Counter(),
        "problems": [],
    },
    "seq2seq/seq2seq.jsonl": {
        "documents": Counter({"1": 2, "2": 1}),
        "spans": Counter(),
        "links": Counter(),
        "problems": [(line, "a text answer has no place in a tool document") for line in (1, 2, 3)],
    },
}

# Covered texts checked by hand against each file's text.
COVERED = {
    "doccano_official_examples/api_test_sequence_labeling_example_overlapping.jsonl": [[("LOC", "e"), ("LOC", "e")]],
    "doccano_official_examples/export_sequence_labeling_example.jsonl": [
        [("ORG", "EU"), ("MISC", "German")],
        [("PERSON", "Peter Blackburn")],
        [("PERSON", "Obama")],
    ],
    "doccano_official_examples/import_relation_extraction_example.jsonl": [
        [("ORG", "Google"), ("DATE", "September 4, 1998"), ("PERSON", "Larry Page"), ("PERSON", "Sergey Brin")]
    ],
}


def _real_dir(shared_dir: Path) -> Path:
    return shared_dir / "external" / "doccano_jsonl_fixtures"


def _covered(document: ToolDocument) -> list[tuple[str, str]]:
    return [(span.label, document.text[span.start : span.end]) for span in document.spans]


def test_doccano_real_exports_are_all_known(shared_dir: Path) -> None:
    folder = _real_dir(shared_dir)
    found = {path.relative_to(folder).as_posix() for path in files_under([folder], (".jsonl",))}
    assert found, "no doccano exports found"
    assert found == set(REAL), "a real export without expected figures, or one gone"


@pytest.mark.parametrize("name", sorted(REAL))
def test_doccano_real_export_figures(shared_dir: Path, name: str) -> None:
    path = _real_dir(shared_dir) / name
    documents = doccano.read([path])
    expected = REAL[name]
    assert Counter(doc.annotator for doc in documents) == expected["documents"]
    assert Counter(span.label for doc in documents for span in doc.spans) == expected["spans"]
    assert Counter(link.label for doc in documents for link in doc.links) == expected["links"]
    assert [(p.where, p.why) for doc in documents for p in doc.problems] == [(f"{path}:{line}", why) for line, why in expected["problems"]]
    if name in COVERED:
        assert [_covered(doc) for doc in documents] == COVERED[name]


def test_doccano_real_relation_export(shared_dir: Path) -> None:
    """The pretty-printed relation example: one record starting on line 2, its relations between entity ids."""
    path = _real_dir(shared_dir) / "doccano_official_examples" / "import_relation_extraction_example.jsonl"
    (document,) = doccano.read([path])
    assert (document.name, document.where) == ("line-2", f"{path}:2")
    assert [(link.label, link.trigger, link.arguments) for link in document.links] == [
        ("foundedAt", None, (("from", "0"), ("to", "1"))),
        ("foundedBy", None, (("from", "0"), ("to", "2"))),
        ("foundedBy", None, (("from", "0"), ("to", "3"))),
    ]


def _conll_entities(path: Path) -> list[list[tuple[str, str]]]:
    """(label, words) of each entity of each document of a CoNLL 2003 file (B-/I- tags)."""
    documents: list[list[tuple[str, str]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word, *_, tag = line.split(" ") if line else ("", "O")
        if word == "-DOCSTART-":
            documents.append([])
        elif tag.startswith("B-"):
            documents[-1].append((tag[2:], word))
        elif tag.startswith("I-"):
            label, words = documents[-1][-1]
            documents[-1][-1] = (label, f"{words} {word}")
    return documents


@pytest.mark.parametrize(
    ("export", "annotator", "conll"),
    [
        ("labeling.jsonl", "1", "labeling.conll2003.user1"),
        ("labeling.jsonl", "2", "labeling.conll2003.user2"),
        ("labeling_text_label.jsonl", None, "labeling_text_label.conll2003.user0"),
    ],
)
def test_doccano_real_spans_agree_with_doccano_transformer(shared_dir: Path, export: str, annotator: str | None, conll: str) -> None:
    """doccano-transformer's own CoNLL output of the same exports names the same entities, user by user."""
    folder = _real_dir(shared_dir) / "labeling"
    documents = [doc for doc in doccano.read([folder / export]) if doc.annotator == annotator]
    expected = _conll_entities(folder / conll)
    assert documents and expected
    assert [_covered(doc) for doc in documents] == expected


# ---------------------------------------------------------------- offsets, what cannot be converted, what is no export

TEXT = "MOSCOW 🇷🇺, May 3. Dmitry Peskov said 🙂 talks would go on."


def _read_lines(tmp_path: Path, *records: Any) -> list[ToolDocument]:
    path = tmp_path / "export.jsonl"
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")
    return doccano.read([tmp_path])


def test_doccano_offsets_are_utf16_units(tmp_path: Path) -> None:
    # In JavaScript, "Dmitry Peskov" is at 20-33 (the flag is four UTF-16 units) and "talks" at 42-47.
    (document,) = _read_lines(tmp_path, {"text": TEXT, "label": [[0, 6, "GPE"], [20, 33, "PERSON"], [42, 47, "X"]]})
    assert _covered(document) == [("GPE", "MOSCOW"), ("PERSON", "Dmitry Peskov"), ("X", "talks")]


@pytest.mark.parametrize(
    ("record", "item", "why"),
    [
        ({"text": TEXT, "label": [[8, 12, "X"]]}, '[8, 12, "X"]', "falls inside a character outside the BMP"),
        ({"text": TEXT, "label": [[5, 5, "X"]]}, '[5, 5, "X"]', "empty, reversed or outside the text"),
        ({"text": TEXT, "entities": [{"start_offset": 0, "end_offset": 6}]}, '{"start_offset": 0, "end_offset": 6}', "the label None is"),
        ({"text": TEXT, "label": ["positive"]}, '"positive"', "a label without offsets has no place"),
        ({"text": TEXT, "entities": [[0, 6, "City"]], "cats": ["flight"]}, '"flight"', "a document category has no place"),
        ({"text": TEXT, "label": [], "Comments": ["check the date"]}, '"check the date"', "a comment has no place"),
        (
            {
                "text": TEXT,
                "entities": [{"id": 4, "label": "GPE", "start_offset": 0, "end_offset": 6}],
                "relations": [{"id": 1, "from_id": 4, "to_id": 9, "type": "in"}],
            },
            '{"id": 1, "from_id": 4, "to_id": 9, "type": "in"}',
            "links 9, which is not a span of this record",
        ),
    ],
)
def test_doccano_problems(tmp_path: Path, record: dict[str, Any], item: str, why: str) -> None:
    (document,) = _read_lines(tmp_path, {"text": "a first record"}, record)[1:]
    (problem,) = document.problems
    assert (problem.where, problem.item) == (f"{tmp_path / 'export.jsonl'}:2", item)
    assert why in problem.why


def test_doccano_record_names_and_1x_users(tmp_path: Path) -> None:
    documents = _read_lines(
        tmp_path,
        {
            "id": 31,
            "text": "Kremlin",
            "annotations": [
                {"label": 3, "start_offset": 0, "end_offset": 7, "user": 5},
                {"label": 4, "start_offset": 0, "end_offset": 7, "user": 6},
            ],
        },
        {"id": 32, "text": "nobody annotated this", "annotations": []},
        {"text": "Kremlin", "label": [[0, 7, "ORG"]]},
    )
    assert [(doc.name, doc.annotator, _covered(doc)) for doc in documents] == [
        ("31", "5", [("3", "Kremlin")]),
        ("31", "6", [("4", "Kremlin")]),
        ("line-3", None, [("ORG", "Kremlin")]),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": "a", "label": []}\n{"text": "b"\n', "export.jsonl:2: not JSON: Expecting ',' delimiter (at line 3)"),
        ('{"text": "a"}\n\n["b"]\n', "export.jsonl:3: not a doccano record"),
        ('{"label": [[0, 1, "X"]]}\n', "export.jsonl:1: not a doccano record"),
        ('{"text": "a", "label": "X"}\n', "export.jsonl:1: 'label' is not a list"),
    ],
)
def test_doccano_unreadable_exports(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "export.jsonl").write_text(content)
    with pytest.raises(FormatError, match=re.escape(message)):
        doccano.read([tmp_path / "export.jsonl"])


# ---------------------------------------------------------------- generated exports read back

ASTRAL = "🇷🇺🎉𠮷😀🏛"
TEXTS = st.text(st.characters(exclude_categories=("Cs",)) | st.sampled_from(ASTRAL), min_size=1, max_size=30)
SHAPES = ("label", "labels", "entities as triples", "entities as objects")


def _utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


@st.composite
def records(draw: st.DrawFn) -> tuple[dict[str, Any], list[str]]:
    """A record of random text and spans, in one of doccano's shapes, with the text each span covers."""
    text = draw(TEXTS)
    spans = []
    for _ in range(draw(st.integers(0, 4))):
        start = draw(st.integers(0, len(text) - 1))
        spans.append((start, draw(st.integers(start + 1, len(text)))))
    triples = [[_utf16(text, start), _utf16(text, end), "L"] for start, end in spans]
    shape = draw(st.sampled_from(SHAPES))
    if shape == "entities as objects":
        items: list[Any] = [{"id": n, "label": "L", "start_offset": s, "end_offset": e} for n, (s, e, _) in enumerate(triples)]
    else:
        items = triples
    return {"text": text, shape.split()[0]: items}, [text[start:end] for start, end in spans]


@settings(max_examples=150, deadline=None)
@given(st.lists(records(), min_size=1, max_size=4))
def test_doccano_generated_exports_read_back(generated: list[tuple[dict[str, Any], list[str]]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.jsonl"
        path.write_text("".join(json.dumps(record) + "\n" for record, _ in generated), encoding="utf-8")
        documents = doccano.read([path])
    assert [[doc.text[span.start : span.end] for span in doc.spans] for doc in documents] == [covered for _, covered in generated]
    assert not any(doc.problems for doc in documents)
