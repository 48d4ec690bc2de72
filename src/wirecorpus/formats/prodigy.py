"""Prodigy: JSONL from ``prodigy db-out`` read as tool documents.

One record a line, one document a record (``where`` ``path:line``):

- Its name is the record's ``_input_hash`` (Prodigy's id of the input text,
  the same for every annotation of that text), else ``line-<n>``: ``meta`` is
  free-form and has no key a reader could rely on. Its annotator is
  ``_annotator_id``, else ``_session_id`` (``<dataset>-<session>``), when set.
- Only an accepted record (``answer`` ``accept``) is read. A rejected or
  ignored one is the annotator's decision not to keep the example: it comes
  back as a document with no spans whose one Problem says so, so that nothing
  disappears unseen.
- ``spans``: ``start``/``end`` are code points (Prodigy is Python). The
  fashion-brand fixture shows it: after an emoji at offset 0, code points give
  the span's own ``text`` where UTF-16 units would not. A span whose ``text``
  is not the text at its offsets, or whose ``token_start``/``token_end`` do not
  start and end where its characters do, is not taken: a Problem says which.
  Its id is its own ``id``, else ``<start>-<end>`` (``#2``, ``#3``... for
  another span over the same characters).
- ``relations`` (the ``rel`` recipes): a link from ``head_span`` to
  ``child_span`` with arguments ``head`` and ``child``, no trigger, labelled
  with the relation's label, id ``R<n>`` in the record's order. Its spans are
  found by offsets and label among the record's spans; a relation between
  tokens that are no span becomes a Problem.
- Keys Prodigy adds for its own bookkeeping (``source`` and ``input_hash`` of
  a suggested span, ``type`` of a rel item, a relation's ``color``) are not
  annotations; any other key of a span or relation is kept as an attribute.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import FormatError
from .base import Problem, ToolDocument, ToolLink, ToolSpan, checked_fragment, files_under, json_values

SPAN_KEYS = {"start", "end", "token_start", "token_end", "label", "text", "id", "source", "input_hash", "type"}
RELATION_KEYS = {"head", "child", "head_span", "child_span", "label", "color"}

SpanKey = tuple[Any, Any, Any]  # (start, end, label): how a relation names a span


def read(paths: Sequence[Path]) -> list[ToolDocument]:
    """The records of the Prodigy JSONL exports named (files, or folders of ``.jsonl``)."""
    documents: list[ToolDocument] = []
    for path in files_under(paths, (".jsonl",)):
        documents += [_document(path, line, record) for line, record in json_values(path)]
    return documents


def _document(path: Path, line: int, record: Any) -> ToolDocument:
    where = f"{path}:{line}"
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise FormatError(f"{where}: not a Prodigy record (a JSON object with a string 'text')")
    for key in ("spans", "relations", "tokens"):
        if record.get(key) is not None and not isinstance(record[key], list):
            raise FormatError(f"{where}: '{key}' is not a list")
    annotator = record.get("_annotator_id") or record.get("_session_id")
    name = str(record["_input_hash"]) if "_input_hash" in record else f"line-{line}"
    document = ToolDocument(name, record["text"], where, annotator=annotator if isinstance(annotator, str) else None)
    answer = record.get("answer")
    if answer != "accept":
        spans, relations = record.get("spans") or [], record.get("relations") or []
        item = json.dumps({"answer": answer, "spans": len(spans), "relations": len(relations)})
        document.problems.append(Problem(where, item, f"answer is {answer}" if answer else "the record has no answer"))
        return document
    span_ids = _add_spans(document, record.get("spans") or [], record.get("tokens") or [])
    _add_links(document, record.get("relations") or [], span_ids)
    return document


def _add_spans(document: ToolDocument, spans: list[Any], tokens: list[Any]) -> dict[SpanKey, str]:
    """Add the record's spans; return their ids by (start, end, label)."""
    ids: dict[SpanKey, str] = {}
    taken: set[str] = set()
    for span in spans:
        why = _span_fault(document.text, span, tokens)
        if why:
            document.problems.append(Problem(document.where, json.dumps(span, ensure_ascii=False), why))
            continue
        span_id = base = str(span.get("id", f"{span['start']}-{span['end']}"))
        copies = 1
        while span_id in taken:
            copies += 1
            span_id = f"{base}#{copies}"
        taken.add(span_id)
        ids.setdefault((span["start"], span["end"], span["label"]), span_id)
        fragment = (span["start"], span["end"])
        document.spans.append(ToolSpan(span_id, span["label"], (fragment,), document.where, _attributes(span, SPAN_KEYS)))
    return ids


def _span_fault(text: str, span: Any, tokens: list[Any]) -> str | None:
    """Why a span cannot be taken, or None."""
    if not isinstance(span, dict) or not isinstance(span.get("label"), str):
        return "a span needs start, end and a string label"
    try:
        start, end = checked_fragment(span.get("start"), span.get("end"), len(text))
    except ValueError as error:
        return str(error)
    if "text" in span and span["text"] != text[start:end]:
        return f"its text {span['text']!r} is not the text at {start}-{end} ({text[start:end]!r})"
    if tokens and "token_start" in span and "token_end" in span:
        first, last = span["token_start"], span["token_end"]
        if not all(type(n) is int and 0 <= n < len(tokens) and isinstance(tokens[n], dict) for n in (first, last)):
            return f"tokens {first!r}-{last!r} are not tokens of the record ({len(tokens)} tokens)"
        if (tokens[first].get("start"), tokens[last].get("end")) != (start, end):
            return f"tokens {first}-{last} cover {tokens[first].get('start')}-{tokens[last].get('end')}, not {start}-{end}"
    return None


def _add_links(document: ToolDocument, relations: list[Any], span_ids: dict[SpanKey, str]) -> None:
    for number, relation in enumerate(relations, 1):
        try:
            label, head, child = _relation_ends(relation, span_ids)
        except ValueError as error:
            document.problems.append(Problem(document.where, json.dumps(relation, ensure_ascii=False), str(error)))
            continue
        arguments = (("head", head), ("child", child))
        document.links.append(ToolLink(f"R{number}", label, None, arguments, document.where, _attributes(relation, RELATION_KEYS)))


def _relation_ends(relation: Any, span_ids: dict[SpanKey, str]) -> tuple[str, str, str]:
    """The relation's label and the ids of its head and child spans; ValueError says what is missing."""
    if not isinstance(relation, dict) or not isinstance(relation.get("label"), str):
        raise ValueError("a relation needs a string label")
    ids = []
    for role in ("head", "child"):
        end = relation.get(f"{role}_span")
        key = (end.get("start"), end.get("end"), end.get("label")) if isinstance(end, dict) else (None, None, None)
        if not all(isinstance(part, (int, str)) for part in key) or key not in span_ids:
            raise ValueError(f"its {role} span is not one of the record's spans")
        ids.append(span_ids[key])
    return relation["label"], ids[0], ids[1]


def _attributes(item: dict[str, Any], known: set[str]) -> tuple[tuple[str, str], ...]:
    """The item's keys that are neither read nor Prodigy's bookkeeping, as (name, value) attributes."""
    return tuple((key, value if isinstance(value, str) else json.dumps(value)) for key, value in item.items() if key not in known)
