"""doccano: JSONL exports (one document a line) read as tool documents.

The shapes doccano has written, all read alike:

- current sequence labelling: ``{"text", "label": [[start, end, "LABEL"], ...]}``;
  older: ``"labels"`` for ``"label"``; intent detection: ``"entities"`` as
  such triples, with document categories in ``"cats"``;
- current relation projects: ``"entities": [{"id", "label", "start_offset",
  "end_offset"}]`` and ``"relations": [{"id", "from_id", "to_id", "type"}]``;
- doccano 1.x: ``"annotations": [{"label", "start_offset", "end_offset", "user"}]``,
  where ``label`` is the id of a label of the project (the export does not
  name it): the span's label is that id as a string, for a MAP to name.

A record is one document (``where`` ``path:line``, named by its ``id``, else
``line-<n>``); a 1.x record with several users' annotations is one document
per user (annotator the user's id), all with the record's name. A span is
named by its ``id`` where it has one, else ``span-<n>`` in its record's order.
A relation is a link with arguments ``from`` and ``to`` and no trigger,
labelled with its ``type``. Duplicate and overlapping spans (which doccano
allows) are kept as they are.

What has no place in a tool document becomes a Problem: a label without
offsets (a classification category, a sequence-to-sequence answer: doccano
writes both as bare strings under ``label``), a 1.x annotation without offsets,
a category under ``cats``, a comment under ``Comments``. Other top-level keys
are the example's own metadata (doccano spreads ``meta`` into the record) and
are not annotations.

Offsets: doccano's browser front end counts UTF-16 code units (doccano issues
#2290 and #2484: after "👨🏻‍🚒", Python's 19 is doccano's 22), so offsets are
turned into code points; one that splits a character becomes a Problem. The
real fixtures are ASCII only, so they cannot show it; the tests' generated
exports do. A project set to count grapheme clusters as one character writes
offsets this reader cannot tell apart and does not support.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import FormatError
from .base import Problem, ToolDocument, ToolLink, ToolSpan, Utf16Offsets, checked_fragment, files_under, json_values

SPAN_KEYS = ("label", "labels", "entities")  # lists of spans (or of bare labels) without a user
NOT_CONVERTED = {"cats": "a document category", "Comments": "a comment"}


def read(paths: Sequence[Path]) -> list[ToolDocument]:
    """The documents of the doccano JSONL exports named (files, or folders of ``.jsonl``)."""
    documents: list[ToolDocument] = []
    for path in files_under(paths, (".jsonl",)):
        for line, record in json_values(path):
            documents += _record_documents(path, line, record)
    return documents


def _record_documents(path: Path, line: int, record: Any) -> list[ToolDocument]:
    where = f"{path}:{line}"
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise FormatError(f"{where}: not a doccano record (a JSON object with a string 'text')")
    for key in (*SPAN_KEYS, "relations", "annotations", *NOT_CONVERTED):
        if not isinstance(record.get(key, []), list):
            raise FormatError(f"{where}: '{key}' is not a list")
    by_user = _items_by_user(record)
    documents = []
    for user, items in by_user.items():
        document = ToolDocument(str(record.get("id", f"line-{line}")), record["text"], where, annotator=user)
        _add_spans(document, items)
        if user is None:
            _add_links(document, record.get("relations", []))
            for key, what in NOT_CONVERTED.items():
                why = f"{what} has no place in a tool document"
                document.problems += [_problem(where, item, why) for item in record.get(key, [])]
        documents.append(document)
    return documents


def _items_by_user(record: dict[str, Any]) -> dict[str | None, list[Any]]:
    """The record's span items grouped by the user who made them (None: the export does not say)."""
    by_user: dict[str | None, list[Any]] = {}
    if "annotations" not in record or any(key in record for key in (*SPAN_KEYS, "relations", *NOT_CONVERTED)):
        by_user[None] = [item for key in SPAN_KEYS for item in record.get(key, [])]
    # doccano 1.x: each user's annotations, and no document for a record nobody annotated.
    for item in record.get("annotations", []):
        user = item.get("user") if isinstance(item, dict) else None
        by_user.setdefault(None if user is None else str(user), []).append(item)
    return by_user


def _add_spans(document: ToolDocument, items: list[Any]) -> None:
    index = Utf16Offsets(document.text)
    for number, item in enumerate(items, 1):
        if isinstance(item, list) and len(item) == 3:
            span_id, (start, end, label) = f"span-{number}", item
        elif isinstance(item, dict) and "start_offset" in item:
            span_id = str(item.get("id", f"span-{number}"))
            start, end, label = item.get("start_offset"), item.get("end_offset"), item.get("label")
        else:
            why = "a text answer" if isinstance(item, dict) and "text" in item else "a label without offsets"
            document.problems.append(_problem(document.where, item, f"{why} has no place in a tool document"))
            continue
        try:
            if type(label) not in (str, int):  # doccano 1.x: the id of a label of the project
                raise ValueError(f"the label {label!r} is neither a name nor a label id")
            utf16_start, utf16_end = checked_fragment(start, end, index.units)
            fragment = (index.code_point(utf16_start), index.code_point(utf16_end))
        except ValueError as error:
            document.problems.append(_problem(document.where, item, str(error)))
            continue
        document.spans.append(ToolSpan(span_id, str(label), (fragment,), document.where))


def _add_links(document: ToolDocument, relations: list[Any]) -> None:
    span_ids = {span.id for span in document.spans}
    for number, relation in enumerate(relations, 1):
        if not isinstance(relation, dict) or not isinstance(relation.get("type"), str):
            document.problems.append(_problem(document.where, relation, "a relation needs from_id, to_id and a string type"))
            continue
        ends = (str(relation.get("from_id")), str(relation.get("to_id")))
        missing = [end for end in ends if end not in span_ids]
        if missing:
            why = f"links {', '.join(missing)}, which is not a span of this record"
            document.problems.append(_problem(document.where, relation, why))
            continue
        link_id = str(relation.get("id", f"relation-{number}"))
        document.links.append(ToolLink(link_id, relation["type"], None, (("from", ends[0]), ("to", ends[1])), document.where))


def _problem(where: str, item: Any, why: str) -> Problem:
    return Problem(where, json.dumps(item, ensure_ascii=False), why)
