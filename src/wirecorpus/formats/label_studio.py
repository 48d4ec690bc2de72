"""Label Studio: the full JSON export (a list of tasks) read as tool documents.

What becomes what:

- Each task's annotation is one document of kind ``hand``, its annotator the
  ``completed_by`` user's email, else the user's id (the minimal JSON export
  gives only the id). Each prediction is one document of kind ``model``, its
  annotator the ``model_version``. All are named ``task-<task id>``; several
  documents of one task share that name and differ by annotator.
- An annotation with ``was_cancelled`` is one the annotator skipped: it holds
  no content and is left out without a Problem.
- The text is ``data["text"]``, else the task's only string field; a task with
  neither raises FormatError naming the task.
- A span result (``labels``, ``hypertextlabels``) is one span per label it
  carries: the first with the result's id, the next ``<id>#2``, ``<id>#3``...
  A relation to such a result points at its first span.
- A ``relation`` result is one link per label, with no trigger and arguments
  ``from`` and ``to``, labelled ``relation`` when it has no label. Direction
  ``left`` swaps the two; ``bi`` keeps them and says so in the link attribute
  ``direction``. Its id is ``<from_id>><to_id>``.
- Any other result (choices, textarea, rating, rectanglelabels, ...) and a
  region's note (the result's ``meta``) become Problems.

Offsets. Label Studio counts characters in the browser. Until 2022 it
counted UTF-16 code units, so every offset after an emoji was one more than a
Python index (Label Studio issue #1347); since label-studio-frontend PR #308
(merged in 2022) it counts code points (its own tests: in "🐱 Warning: This is a test text",
"test" is 21-25). A project annotated across an upgrade holds both. Each span
is therefore read both ways and taken in the reading whose covered text is the
result's ``value.text``, code points first. ``value.text`` is compared as
Label Studio writes it when no reading matches it exactly: with whitespace
runs collapsed (issue #3078) and line breaks as the two characters ``\\n``.
A span without ``value.text`` is taken only where the two readings agree (no
character outside the BMP before its end). HyperText spans, whose start and
end are XPaths into rendered HTML, become Problems.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import FormatError
from .base import (
    Fragment,
    Problem,
    ToolDocument,
    ToolLink,
    ToolSpan,
    Utf16Offsets,
    checked_fragment,
    code_point_fragments,
    files_under,
    json_values,
)

SPAN_TYPES = ("labels", "hypertextlabels")
DIRECTIONS = ("right", "left", "bi")


def read(paths: Sequence[Path]) -> list[ToolDocument]:
    """The annotations and predictions of the Label Studio JSON exports named (files, or folders of ``.json``)."""
    documents: list[ToolDocument] = []
    for path in files_under(paths, (".json",)):
        for task in _tasks(path):
            documents += _task_documents(path, task)
    return documents


def _tasks(path: Path) -> list[dict[str, Any]]:
    values = json_values(path)
    if len(values) != 1 or not isinstance(values[0][1], list) or not all(isinstance(task, dict) for task in values[0][1]):
        raise FormatError(f"{path}: not a Label Studio JSON export (one list of tasks)")
    tasks: list[dict[str, Any]] = values[0][1]
    return tasks


def _task_documents(path: Path, task: dict[str, Any]) -> list[ToolDocument]:
    if type(task.get("id")) not in (int, str):  # the id names the documents and places every problem
        raise FormatError(f"{path}: a task without an id (a number or a string): {json.dumps(task.get('id'))[:40]}")
    where = f"{path}#task-{task['id']}"
    text = _task_text(task, where)
    documents = []
    for entry in _entries(task, "annotations", where):
        if not entry.get("was_cancelled"):
            documents.append(_document(task, text, where, entry, "hand", _user(entry.get("completed_by"))))
    for entry in _entries(task, "predictions", where):
        version = entry.get("model_version")
        documents.append(_document(task, text, where, entry, "model", str(version) if version not in (None, "") else None))
    return documents


def _task_text(task: dict[str, Any], where: str) -> str:
    data = task.get("data")
    if not isinstance(data, dict):
        raise FormatError(f"{where}: the task has no data")
    if isinstance(data.get("text"), str):
        return str(data["text"])
    strings = [value for value in data.values() if isinstance(value, str)]
    if len(strings) != 1:
        raise FormatError(f"{where}: no text: data has no string 'text' and {len(strings)} string fields")
    return strings[0]


def _entries(task: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
    """The task's annotations or predictions, each checked to have a result list."""
    entries = task.get(key)
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise FormatError(f"{where}: its {key} is not a list")
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("result"), list):
            raise FormatError(f"{where}: one of its {key} has no result list")
    return list(entries)


def _user(completed_by: Any) -> str | None:
    if isinstance(completed_by, dict):
        completed_by = completed_by.get("email") or completed_by.get("id")
    return None if completed_by in (None, "") else str(completed_by)


def _document(task: dict[str, Any], text: str, where: str, entry: dict[str, Any], kind: str, annotator: str | None) -> ToolDocument:
    document = ToolDocument(name=f"task-{task['id']}", text=text, where=where, kind=kind, annotator=annotator)
    index = Utf16Offsets(text)
    relations = []
    for result in entry["result"]:
        result_type = result.get("type") if isinstance(result, dict) else None
        if result_type in SPAN_TYPES:
            _add_spans(document, index, result)
        elif result_type == "relation":
            relations.append(result)  # after all spans: a relation may come before the spans it links
        else:
            _refuse(document, result, f"a {result_type!r} result has no place in a tool document (only spans and relations do)")
        if isinstance(result, dict) and result.get("meta"):
            _refuse(document, result, "the region's note (meta) has no place in a tool document")
    span_ids = {span.id for span in document.spans}
    for result in relations:
        _add_links(document, result, span_ids)
    return document


def _refuse(document: ToolDocument, result: Any, why: str, result_id: str | None = None) -> None:
    """A Problem for a result, placed by its id (a relation has none: it is placed by the link id it would have)."""
    if result_id is None:
        result_id = str(result.get("id")) if isinstance(result, dict) else "?"
    document.problems.append(Problem(f"{document.where}/{result_id}", json.dumps(result, ensure_ascii=False), why))


def _add_spans(document: ToolDocument, index: Utf16Offsets, result: dict[str, Any]) -> None:
    value = result.get("value") if isinstance(result.get("value"), dict) else {}
    # The value holds its labels under the result's type: value["labels"], value["hypertextlabels"].
    labels = value.get(result["type"])
    if not isinstance(labels, list) or not labels or not all(isinstance(label, str) for label in labels):
        _refuse(document, result, f"the span has no list of labels under value.{result['type']}")
        return
    try:
        fragment = _fragment(index, value)
    except ValueError as error:
        _refuse(document, result, str(error))
        return
    result_id = str(result.get("id"))
    for number, label in enumerate(labels, 1):
        span_id = result_id if number == 1 else f"{result_id}#{number}"
        document.spans.append(ToolSpan(span_id, label, (fragment,), f"{document.where}/{result_id}"))


def _fragment(index: Utf16Offsets, value: dict[str, Any]) -> Fragment:
    """The span's code point offsets, read as code points or as UTF-16 units (see the module's docstring)."""
    start, end = checked_fragment(value.get("start"), value.get("end"), index.units)
    readings = [(start, end)] if end <= len(index.text) else []
    try:
        readings += [fragment for fragment in code_point_fragments(index, [(start, end)]) if fragment not in readings]
    except ValueError:
        pass  # these offsets split a character when read as UTF-16 units
    if not readings:
        raise ValueError(f"offsets {start}-{end} lie outside the text or split a character, read either way")
    stored = value.get("text")
    if not isinstance(stored, str):
        if len(readings) == 1:
            return readings[0]
        raise ValueError("there is no value.text to tell code points from UTF-16 units, and they cover different text")
    covered = [index.text[a:b] for a, b in readings]
    matches = [fragment for fragment, text in zip(readings, covered) if text == stored] or [
        fragment for fragment, text in zip(readings, covered) if _as_written(text) == _as_written(stored)
    ]
    if not matches:
        raise ValueError(f"value.text {stored!r} is not the text at {start}-{end} ({' or '.join(map(repr, covered))})")
    return matches[0]


def _as_written(text: str) -> str:
    """Text as Label Studio may write it in value.text: line breaks escaped, whitespace runs collapsed."""
    return " ".join(text.replace("\\n", "\n").split())


def _add_links(document: ToolDocument, result: dict[str, Any], span_ids: set[str]) -> None:
    source, target = str(result.get("from_id")), str(result.get("to_id"))
    link_id = f"{source}>{target}"
    missing = [end for end in (source, target) if end not in span_ids]
    direction = result.get("direction", "right")
    labels = result.get("labels") or ["relation"]
    if missing:
        _refuse(document, result, f"links {', '.join(missing)}, which is not a span of this annotation", link_id)
    elif direction not in DIRECTIONS:
        _refuse(document, result, f"direction {direction!r} is none of {', '.join(DIRECTIONS)}", link_id)
    elif not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
        _refuse(document, result, "labels is not a list of strings", link_id)
    else:
        if direction == "left":
            source, target = target, source
        attributes = (("direction", "bi"),) if direction == "bi" else ()
        for number, label in enumerate(labels, 1):
            document.links.append(
                ToolLink(
                    link_id if number == 1 else f"{link_id}#{number}",
                    label,
                    None,
                    (("from", source), ("to", target)),
                    f"{document.where}/{link_id}",
                    attributes,
                )
            )
