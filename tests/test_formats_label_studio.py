"""Label Studio reader: the SDK's real exports, our NER exports with emoji in both offset units, generated exports."""

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
from wirecorpus.formats import label_studio
from wirecorpus.formats.base import ToolDocument, files_under

DATA = Path(__file__).parent / "data" / "formats" / "label_studio"
EMOJI_EXPORTS = ("ner_relations_utf16.json", "ner_relations_code_points.json")

# Real exports: documents by kind, and the places and result types of the Problems.
# They hold no span results: every result is a choice or an image box.
REAL = {
    "csv_test.json": {
        "documents": Counter({"hand": 2, "model": 2}),
        "problems": [
            ("#task-1/oid3", "rectanglelabels"),
            ("#task-1/oid3", "rectanglelabels"),
            ("#task-2/oid7", "rectanglelabels"),
            ("#task-2/el77Ah7IyT", "rectanglelabels"),
            ("#task-2/oid7", "rectanglelabels"),
        ],
    },
    "text_task_full_export.json": {
        "documents": Counter({"hand": 1}),
        "problems": [("#task-6141/d1uGfhDvN6", "choices")],
    },
}


def _real_dir(shared_dir: Path) -> Path:
    return shared_dir / "external" / "label_studio_exports"


def test_label_studio_real_exports_are_all_known(shared_dir: Path) -> None:
    found = {path.name for path in files_under([_real_dir(shared_dir)], (".json",))}
    assert found, "no Label Studio exports found"
    assert found == set(REAL), "a real export without expected figures, or one gone"


@pytest.mark.parametrize("name", sorted(REAL))
def test_label_studio_real_export_figures(shared_dir: Path, name: str) -> None:
    path = _real_dir(shared_dir) / name
    documents = label_studio.read([path])
    expected = REAL[name]
    assert Counter(doc.kind for doc in documents) == expected["documents"]
    assert not any(doc.spans or doc.links for doc in documents)
    problems = [problem for doc in documents for problem in doc.problems]
    assert [(p.where.removeprefix(str(path)), json.loads(p.item)["type"]) for p in problems] == expected["problems"]
    assert all(f"'{json.loads(p.item)['type']}' result has no place" in p.why for p in problems)
    # The text is the task's "text" field, also where data has other string fields (audio, image URLs);
    # people are named by their email (completed_by is a user object here), models by their version.
    tasks = json.loads(path.read_text(encoding="utf-8"))
    assert [(doc.name, doc.text, doc.annotator) for doc in documents] == [
        (f"task-{task['id']}", task["data"]["text"], entry["completed_by"]["email"] if key == "annotations" else entry["model_version"])
        for task in tasks
        for key in ("annotations", "predictions")
        for entry in task[key]
    ]


# ---------------------------------------------------------------- our NER exports with emoji before spans

EXPECTED_SPANS = {
    ("task-101", "hand"): [
        ("moscow01", "GPE", "MOSCOW"),
        ("quote01", "Content", "We will not,"),
        ("peskov01", "PERSON", "Dmitry Peskov"),
        ("peskov01#2", "Speaker", "Dmitry Peskov"),
        ("said01", "Cue", "said"),
        ("kreml01", "ORG", "Kremlin"),
        ("quote02", "Content", "open to dialogue."),
    ],
    ("task-101", "model"): [("p-moscow", "GPE", "MOSCOW"), ("p-peskov", "PERSON", "Dmitry Peskov"), ("p-kreml", "ORG", "Kremlin")],
    ("task-102", "hand"): [
        ("berlin01", "GPE", "BERLIN"),
        ("dpa01", "ORG", "dpa"),
        ("quote03", "Content", "Great news 🎉 for everyone,"),
        ("scholz01", "PERSON", "Olaf Scholz"),
        ("told01", "Cue", "told"),
        ("monday01", "DATE", "Monday"),
    ],
    ("task-103", "hand"): [
        ("tokyo01", "GPE", "TOKYO"),
        ("kyodo01", "ORG", "Kyodo"),
        ("yoshi01", "ORG", "𠮷野家"),
        ("pct01", "PERCENT", "5%"),
        ("june01", "DATE", "June"),
    ],
}


def _by_document(documents: list[ToolDocument]) -> dict[tuple[str, str], ToolDocument]:
    keyed = {(doc.name, doc.kind): doc for doc in documents}
    assert len(keyed) == len(documents)
    return keyed


@pytest.mark.parametrize("name", EMOJI_EXPORTS)
def test_label_studio_emoji_export_spans_cover_their_text(name: str) -> None:
    documents = _by_document(label_studio.read([DATA / name]))
    assert set(documents) == set(EXPECTED_SPANS)
    for key, expected in EXPECTED_SPANS.items():
        doc = documents[key]
        assert [(span.id, span.label, doc.text[span.start : span.end]) for span in doc.spans] == expected


def test_label_studio_offsets_in_either_unit_read_alike() -> None:
    utf16, code_points = (label_studio.read([DATA / name]) for name in EMOJI_EXPORTS)
    assert [[(s.id, s.fragments) for s in doc.spans] for doc in utf16] == [[(s.id, s.fragments) for s in doc.spans] for doc in code_points]
    raw = json.loads((DATA / EMOJI_EXPORTS[0]).read_text(encoding="utf-8"))
    shifted = [r for task in raw for a in task["annotations"] for r in a["result"] if r["type"] == "labels" and r["value"]["start"] > 0]
    spans = {span.id: span for doc in utf16 for span in doc.spans}
    # Most spans follow an emoji: their UTF-16 offsets are not their code points.
    assert sum(result["value"]["start"] != spans[result["id"]].start for result in shifted) >= 10


@pytest.mark.parametrize("name", EMOJI_EXPORTS)
def test_label_studio_emoji_export_relations_annotators_and_problems(name: str) -> None:
    documents = _by_document(label_studio.read([DATA / name]))
    bi = (("direction", "bi"),)
    assert [(link.id, link.label, link.trigger, link.arguments, link.attributes) for link in documents["task-101", "hand"].links] == [
        ("quote01>peskov01", "Quote", None, (("from", "quote01"), ("to", "peskov01")), ()),
        ("said01>quote01", "Quote", None, (("from", "quote01"), ("to", "said01")), ()),  # direction left: swapped
        ("quote02>kreml01", "relation", None, (("from", "quote02"), ("to", "kreml01")), ()),  # no label
        ("peskov01>kreml01", "Spokesman", None, (("from", "peskov01"), ("to", "kreml01")), bi),
        ("peskov01>kreml01#2", "Affiliation", None, (("from", "peskov01"), ("to", "kreml01")), bi),
    ]
    assert [len(doc.links) for doc in documents.values()] == [5, 0, 1, 0]
    # Emails, a bare user id, a user without an email; the cancelled annotation of task 102 is not there.
    assert {key: doc.annotator for key, doc in documents.items()} == {
        ("task-101", "hand"): "editor@wire.test",
        ("task-101", "model"): "wire-ner 0.3",
        ("task-102", "hand"): "7",
        ("task-103", "hand"): "9",
    }
    problems = [problem for doc in documents.values() for problem in doc.problems]
    assert [(p.where, p.why) for p in problems] == [
        (f"{DATA / name}#task-102/mood01", "a 'choices' result has no place in a tool document (only spans and relations do)")
    ]
    assert documents["task-103", "hand"].text.startswith("TOKYO")  # the task's only string field, "article"


# ---------------------------------------------------------------- what cannot be converted, and what is no export

TEXT = 'LONDON 🇬🇧, Jan 5. "No  deal," Keir Starmer said.\nMore later.'


def _span(result_id: str, start: Any, end: Any, text: str | None, labels: list[str] | None = None) -> dict[str, Any]:
    value: dict[str, Any] = {"start": start, "end": end, "labels": ["X"] if labels is None else labels}
    if text is not None:
        value["text"] = text
    return {"id": result_id, "type": "labels", "from_name": "label", "to_name": "text", "value": value}


def _read_one(tmp_path: Path, results: list[dict[str, Any]], text: str = TEXT) -> ToolDocument:
    path = tmp_path / "export.json"
    path.write_text(json.dumps([{"id": 7, "data": {"text": text}, "annotations": [{"id": 1, "completed_by": 1, "result": results}]}]))
    (document,) = label_studio.read([tmp_path])
    return document


@pytest.mark.parametrize(
    ("result", "covered", "why"),
    [
        (_span("a", 0, 6, "LONDON"), "LONDON", None),
        (_span("a", 0, 6, None), "LONDON", None),  # before any emoji both readings agree
        (_span("a", 21, 30, "No deal,"), "No  deal,", None),  # UTF-16; Label Studio collapses whitespace in value.text
        (_span("a", 45, 55, "said.\\nMore"), "said.\nMore", None),  # and escapes line breaks
        (_span("a", 32, 44, None), None, "no value.text to tell"),  # after the flag the two readings differ
        (_span("a", 0, 6, "PARIS"), None, "value.text 'PARIS' is not the text at 0-6 ('LONDON')"),
        (_span("a", 8, 61, None), None, "lie outside the text or split a character"),  # 8 is inside the flag's 🇬
        (_span("a", 40, 99, None), None, "outside the text (62 long)"),
        (_span("a", "/p[1]/text()[1]", "/p[1]/text()[1]", "x"), None, "not integer offsets"),
        (_span("a", 0, 6, "LONDON", labels=[]), None, "no list of labels"),
        ({"id": "a", "type": "textarea", "value": {"text": ["a note"]}}, None, "'textarea' result has no place"),
    ],
)
def test_label_studio_span_results(tmp_path: Path, result: dict[str, Any], covered: str | None, why: str | None) -> None:
    document = _read_one(tmp_path, [result])
    assert [document.text[span.start : span.end] for span in document.spans] == ([covered] if covered else [])
    assert [why in p.why for p in document.problems] == ([True] if why else [])
    assert all(p.where.endswith("export.json#task-7/a") for p in document.problems)


@pytest.mark.parametrize(
    ("relation", "why"),
    [
        ({"from_id": "a", "to_id": "zz", "type": "relation", "direction": "right", "labels": []}, "links zz, which is not a span"),
        ({"from_id": "a", "to_id": "b", "type": "relation", "direction": "up", "labels": []}, "direction 'up' is none of"),
        ({"from_id": "a", "to_id": "b", "type": "relation", "labels": "Quote"}, "labels is not a list"),
    ],
)
def test_label_studio_relations_that_cannot_be_links(tmp_path: Path, relation: dict[str, Any], why: str) -> None:
    document = _read_one(tmp_path, [relation, _span("a", 0, 6, "LONDON"), _span("b", 0, 6, "LONDON")])
    assert not document.links
    (problem,) = document.problems
    assert why in problem.why
    assert problem.where.endswith(f"#task-7/{relation['from_id']}>{relation['to_id']}")


def test_label_studio_region_note_is_a_problem_and_the_span_stays(tmp_path: Path) -> None:
    document = _read_one(tmp_path, [_span("a", 0, 6, "LONDON") | {"meta": {"text": ["check the dateline"]}}])
    assert [span.label for span in document.spans] == ["X"]
    assert [p.why for p in document.problems] == ["the region's note (meta) has no place in a tool document"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '[{"id": 1, "data": {"text": "a"}}\n,\n{oops}]',
            "export.json:1: not JSON: Expecting property name enclosed in double quotes (at line 3)",
        ),
        ('{"id": 1, "data": {"text": "a"}}', "export.json: not a Label Studio JSON export"),
        ('[{"data": {"text": "a"}}]', "export.json: a task without an id"),
        ('[{"id": 4, "data": {"a": "x", "b": "y"}}]', "export.json#task-4: no text"),
        ('[{"id": 4, "data": {"text": "x"}, "annotations": [{"id": 1}]}]', "export.json#task-4: one of its annotations has no result"),
    ],
)
def test_label_studio_unreadable_exports(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "export.json").write_text(content)
    with pytest.raises(FormatError, match=re.escape(message)):
        label_studio.read([tmp_path / "export.json"])


# ---------------------------------------------------------------- generated exports read back

ASTRAL = "🇷🇺🎉𠮷😀🏛"
TEXTS = st.text(st.characters(exclude_categories=("Cs",)) | st.sampled_from(ASTRAL), min_size=1, max_size=30)


def _utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


@st.composite
def exports(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[list[str]]]:
    """Tasks of random text, each span in code points or UTF-16 units as either Label Studio wrote them."""
    tasks, covered = [], []
    for task_id in range(draw(st.integers(1, 3))):
        text = draw(TEXTS)
        results, texts = [], []
        for number in range(draw(st.integers(0, 4))):
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start + 1, len(text)))
            offsets = (_utf16(text, start), _utf16(text, end)) if draw(st.booleans()) else (start, end)
            results.append(_span(f"r{number}", *offsets, text[start:end]))
            texts.append(text[start:end])
        tasks.append({"id": task_id, "data": {"text": text}, "annotations": [{"id": task_id, "completed_by": 1, "result": results}]})
        covered.append(texts)
    return tasks, covered


@settings(max_examples=150, deadline=None)
@given(exports(), st.booleans())
def test_label_studio_generated_exports_read_back(export: tuple[list[dict[str, Any]], list[list[str]]], ascii_only: bool) -> None:
    tasks, covered = export
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.json"
        path.write_text(json.dumps(tasks, ensure_ascii=ascii_only), encoding="utf-8")
        documents = label_studio.read([path])
    assert [[doc.text[span.start : span.end] for span in doc.spans] for doc in documents] == covered
    assert not any(doc.problems for doc in documents)
