"""Prodigy reader: Explosion's real db-out exports (NER, relations), answers, token checks, generated exports."""

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
from wirecorpus.formats import prodigy
from wirecorpus.formats.base import ToolDocument, files_under

# Per real file: documents, spans by label, links by label (SOURCE.txt gives the same span counts).
# Every record is accepted and consistent: none yields a Problem.
REAL = {
    "ner_drugs__drugs_eval.jsonl": (500, Counter({"DRUG": 362}), Counter()),
    "ner_fashion_brands__fashion_brands_eval.jsonl": (500, Counter({"FASHION_BRAND": 238}), Counter()),
    "rel_component__annotations.jsonl": (
        149,
        Counter({"GGP": 466}),
        Counter({"Pos-Reg": 107, "Reg": 49, "Neg-Reg": 42, "Binds": 35, "No-rel": 34}),
    ),
}

# (file, line) -> (span id, covered text) of that record, checked by hand.
COVERED = {
    ("rel_component__annotations.jsonl", 1): [("13-17", "Smad"), ("66-69", "Id1"), ("79-82", "Id1"), ("100-103", "Id2"), ("108-111", "Id3")],
    ("ner_drugs__drugs_eval.jsonl", 1): [("63-75", "Promethazine")],
    # An emoji opens this text: code points give the spans' own text; UTF-16 units would be one further on.
    ("ner_fashion_brands__fashion_brands_eval.jsonl", 92): [("131-144", "Allen Edmonds"), ("297-310", "Allen Edmonds")],
}


def _real_dir(shared_dir: Path) -> Path:
    return shared_dir / "external" / "prodigy_jsonl"


def _covered(document: ToolDocument) -> list[tuple[str, str]]:
    return [(span.id, document.text[span.start : span.end]) for span in document.spans]


def test_prodigy_real_exports_are_all_known(shared_dir: Path) -> None:
    found = {path.name for path in files_under([_real_dir(shared_dir)], (".jsonl",))}
    assert found, "no Prodigy exports found"
    assert found == set(REAL), "a real export without expected figures, or one gone"


@pytest.mark.parametrize("name", sorted(REAL))
def test_prodigy_real_export_figures(shared_dir: Path, name: str) -> None:
    path = _real_dir(shared_dir) / name
    documents = prodigy.read([path])
    count, spans, links = REAL[name]
    assert len(documents) == count
    assert Counter(span.label for doc in documents for span in doc.spans) == spans
    assert Counter(link.label for doc in documents for link in doc.links) == links
    assert not [problem for doc in documents for problem in doc.problems]
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [doc.name for doc in documents] == [str(record["_input_hash"]) for record in records]
    assert [doc.where for doc in documents] == [f"{path}:{line}" for line in range(1, count + 1)]
    # Every span covers the text Prodigy stored with it, where it stored one.
    stored = [(span.get("text"), record["text"][span["start"] : span["end"]]) for record in records for span in record.get("spans") or []]
    assert [text for text, _ in stored if text is not None] == [covered for text, covered in stored if text is not None]


@pytest.mark.parametrize(("name", "line"), sorted(COVERED))
def test_prodigy_real_covered_texts(shared_dir: Path, name: str, line: int) -> None:
    documents = prodigy.read([_real_dir(shared_dir) / name])
    assert _covered(documents[line - 1]) == COVERED[name, line]


def test_prodigy_real_relations(shared_dir: Path) -> None:
    first = prodigy.read([_real_dir(shared_dir) / "rel_component__annotations.jsonl"])[0]
    assert [(link.id, link.label, link.trigger, link.arguments, link.attributes) for link in first.links][:2] == [
        ("R1", "Pos-Reg", None, (("head", "13-17"), ("child", "66-69")), ()),
        ("R2", "Pos-Reg", None, (("head", "13-17"), ("child", "79-82")), ()),
    ]
    # Relations are numbered in the record's order, and every argument is a span of the document.
    assert [link.id for link in first.links] == [f"R{n}" for n in range(1, len(first.links) + 1)]
    assert {span_id for link in first.links for _, span_id in link.arguments} <= {span.id for span in first.spans}


# ---------------------------------------------------------------- answers, checks, what is no export

TEXT = "KYIV, March 2. Volodymyr Zelensky met Olaf Scholz."
TOKENS = [{"text": m.group(), "start": m.start(), "end": m.end(), "id": n} for n, m in enumerate(re.finditer(r"\w+|[^\w\s]", TEXT))]
ZELENSKY = {"start": 15, "end": 33, "token_start": 5, "token_end": 6, "label": "PERSON"}
SCHOLZ = {"start": 38, "end": 49, "token_start": 8, "token_end": 9, "label": "PERSON"}


def _record(**fields: Any) -> dict[str, Any]:
    return {"text": TEXT, "tokens": TOKENS, "_input_hash": 42, "answer": "accept"} | fields


def _read(tmp_path: Path, *records: dict[str, Any]) -> list[ToolDocument]:
    path = tmp_path / "db.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return prodigy.read([tmp_path])


@pytest.mark.parametrize(
    ("answer", "why"), [("reject", "answer is reject"), ("ignore", "answer is ignore"), (None, "the record has no answer")]
)
def test_prodigy_records_not_accepted_are_problems(tmp_path: Path, answer: str | None, why: str) -> None:
    record = _record(spans=[ZELENSKY], answer=answer)
    if answer is None:
        del record["answer"]
    accepted, other = _read(tmp_path, _record(spans=[ZELENSKY]), record)
    assert (len(accepted.spans), accepted.problems) == (1, [])
    assert (other.spans, other.links) == ([], [])
    (problem,) = other.problems
    assert (problem.where, problem.why) == (f"{tmp_path / 'db.jsonl'}:2", why)
    assert json.loads(problem.item) == {"answer": answer, "spans": 1, "relations": 0}


@pytest.mark.parametrize(
    ("span", "why"),
    [
        (ZELENSKY | {"token_end": 5}, "tokens 5-5 cover 15-24, not 15-33"),
        (ZELENSKY | {"token_end": 40}, "tokens 5-40 are not tokens of the record"),
        (ZELENSKY | {"text": "Zelensky"}, "its text 'Zelensky' is not the text at 15-33"),
        (ZELENSKY | {"end": 99}, "outside the text"),
        ({"start": 15, "end": 33}, "a span needs start, end and a string label"),
    ],
)
def test_prodigy_spans_that_cannot_be_taken(tmp_path: Path, span: dict[str, Any], why: str) -> None:
    (document,) = _read(tmp_path, _record(spans=[span, SCHOLZ]))
    assert _covered(document) == [("38-49", "Olaf Scholz")]
    (problem,) = document.problems
    assert why in problem.why
    assert json.loads(problem.item) == span


def test_prodigy_relations_by_offsets_and_label(tmp_path: Path) -> None:
    leader = ZELENSKY | {"label": "LEADER", "note": "acting"}
    met = {"head_span": ZELENSKY, "child_span": SCHOLZ, "label": "MET", "color": "#c5bdf4", "head": 6, "child": 9}
    by_leader = met | {"head_span": leader, "label": "HOSTED", "confidence": 0.9}
    tokens_only = met | {"child_span": {"start": 0, "end": 4, "label": "GPE"}}
    (document,) = _read(tmp_path, _record(spans=[ZELENSKY, leader, SCHOLZ], relations=[met, by_leader, tokens_only]))
    assert [(span.id, span.label, span.attributes) for span in document.spans] == [
        ("15-33", "PERSON", ()),
        ("15-33#2", "LEADER", (("note", "acting"),)),  # same characters, another label
        ("38-49", "PERSON", ()),
    ]
    assert [(link.id, link.label, link.arguments, link.attributes) for link in document.links] == [
        ("R1", "MET", (("head", "15-33"), ("child", "38-49")), ()),
        ("R2", "HOSTED", (("head", "15-33#2"), ("child", "38-49")), (("confidence", "0.9"),)),
    ]
    (problem,) = document.problems
    assert problem.why == "its child span is not one of the record's spans"


def test_prodigy_names_and_annotators(tmp_path: Path) -> None:
    documents = _read(
        tmp_path,
        _record(_session_id="news-ana"),
        _record(_annotator_id="news-bo", _session_id="news-bo"),
        {"text": "x", "answer": "accept"},
    )
    assert [(doc.name, doc.annotator) for doc in documents] == [("42", "news-ana"), ("42", "news-bo"), ("line-3", None)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": "a", "answer": "accept"}\n{"text": "b", "answer": "accept"\n{"text": "c"}\n', "db.jsonl:2: not JSON"),
        ('{"answer": "accept"}\n', "db.jsonl:1: not a Prodigy record"),
        ('{"text": "a", "spans": {"start": 0}}\n', "db.jsonl:1: 'spans' is not a list"),
    ],
)
def test_prodigy_unreadable_exports(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "db.jsonl").write_text(content)
    with pytest.raises(FormatError, match=re.escape(message)):
        prodigy.read([tmp_path / "db.jsonl"])


# ---------------------------------------------------------------- generated exports read back

ASTRAL = "🇷🇺🎉𠮷😀🏛"
TEXTS = st.text(st.characters(exclude_categories=("Cs",)) | st.sampled_from(ASTRAL), min_size=1, max_size=30)


@st.composite
def records(draw: st.DrawFn) -> tuple[dict[str, Any], list[str]]:
    """An accepted record of random text, one token a character, spans in code points; and the text each covers."""
    text = draw(TEXTS)
    tokens = [{"text": char, "start": n, "end": n + 1, "id": n} for n, char in enumerate(text)]
    spans = []
    for _ in range(draw(st.integers(0, 4))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        spans.append({"start": start, "end": end, "token_start": start, "token_end": end - 1, "label": "L", "text": text[start:end]})
    return {"text": text, "tokens": tokens, "spans": spans, "answer": "accept"}, [span["text"] for span in spans]


@settings(max_examples=150, deadline=None)
@given(st.lists(records(), min_size=1, max_size=4))
def test_prodigy_generated_exports_read_back(generated: list[tuple[dict[str, Any], list[str]]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "db.jsonl"
        path.write_text("".join(json.dumps(record) + "\n" for record, _ in generated), encoding="utf-8")
        documents = prodigy.read([path])
    assert [[doc.text[span.start : span.end] for span in doc.spans] for doc in documents] == [covered for _, covered in generated]
    assert not any(doc.problems for doc in documents)
