"""Every reader, given random bytes or random JSON in the places its format has, gives documents or a
FormatError naming the file: never another exception (which the command line would show as a traceback)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wirecorpus.errors import FormatError
from wirecorpus.formats import brat, doccano, inception, label_studio, prodigy
from wirecorpus.formats.base import ToolDocument

TEXT = "MOSCOW, September 20. /TASS/. The Kremlin said."
# Keys the readers look for, so that random objects reach past the first checks.
KEYS = st.sampled_from([
    "id", "text", "data", "annotations", "predictions", "result", "type", "value", "start", "end", "labels",
    "label", "from_id", "to_id", "direction", "entities", "relations", "spans", "answer", "tokens",
    "token_start", "token_end", "head_span", "child_span", "start_offset", "end_offset", "user", "cats",
    "Comments", "completed_by", "was_cancelled", "meta", "model_version", "_input_hash", "_annotator_id",
]) | st.text(max_size=4)
SCALARS = st.none() | st.booleans() | st.integers(-3, 60) | st.floats(allow_nan=False) | st.text(max_size=6) | st.sampled_from(["labels", "relation", "accept", "PERSON"])
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=6), max_leaves=20)
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read(reader: Any, files: dict[str, bytes]) -> list[ToolDocument] | None:
    """The reader's documents, or None when it raised a FormatError that names one of the files."""
    with tempfile.TemporaryDirectory() as folder:
        paths = [Path(folder) / name for name in files]
        for path, data in zip(paths, files.values()):
            path.write_bytes(data)
        try:
            return reader.read(paths)
        except FormatError as error:
            assert any(str(path) in str(error) for path in paths), str(error)
            return None


def _json_placements(value: Any) -> dict[str, tuple[Any, str, bytes]]:
    """A random JSON value in each place a JSON reader has: (reader, file name, bytes)."""
    task = {"id": 1, "data": {"text": TEXT}}
    span = {"type": "labels", "id": "a", "value": {"start": 0, "end": 6, "text": "MOSCOW", "labels": ["GPE"]}}
    relation = {"type": "relation", "from_id": "a", "to_id": "a", "labels": value, "direction": value}
    accepted = {"text": TEXT, "answer": "accept"}
    placed = {
        "label-studio export": (label_studio, [value]),
        "label-studio task": (label_studio, [{**task, "annotations": value}]),
        "label-studio result": (label_studio, [{**task, "annotations": [{"result": [value]}]}]),
        "label-studio value": (label_studio, [{**task, "annotations": [{"result": [{**span, "value": value}]}]}]),
        "label-studio relation": (label_studio, [{**task, "annotations": [{"result": [span, relation]}]}]),
        "label-studio id and data": (label_studio, [{"id": value, "data": value, "predictions": value}]),
        "doccano record": (doccano, value),
        "doccano label": (doccano, {"text": TEXT, "label": [value]}),
        "doccano entities": (doccano, {"text": TEXT, "entities": [value], "relations": [value]}),
        "doccano 1.x": (doccano, {"text": TEXT, "annotations": value, "id": value}),
        "prodigy record": (prodigy, value),
        "prodigy span": (prodigy, {**accepted, "spans": [value], "tokens": value}),
        "prodigy relation": (prodigy, {**accepted, "spans": [{"start": 0, "end": 6, "label": "GPE"}], "relations": [value]}),
        "prodigy keys": (prodigy, {**accepted, "answer": value, "spans": value, "_input_hash": value, "_annotator_id": value}),
    }
    suffix = {label_studio: "json", doccano: "jsonl", prodigy: "jsonl"}
    return {where: (reader, f"x.{suffix[reader]}", json.dumps(data).encode("utf-8")) for where, (reader, data) in placed.items()}


@SETTINGS
@given(value=JSON_VALUES)
def test_formats_random_json_gives_documents_or_a_format_error(value: Any) -> None:
    placements = _json_placements(value)
    assert placements
    for reader, name, data in placements.values():
        documents = read(reader, {name: data})
        assert documents is None or all(isinstance(document, ToolDocument) for document in documents)


BYTE_PLACEMENTS = {
    "label-studio": (label_studio, lambda data: {"x.json": data}),
    "doccano": (doccano, lambda data: {"x.jsonl": data}),
    "prodigy": (prodigy, lambda data: {"x.jsonl": data}),
    "brat .ann": (brat, lambda data: {"x.ann": data, "x.txt": TEXT.encode("utf-8")}),
    "brat .txt": (brat, lambda data: {"x.ann": b"T1\tGPE 0 6\tMOSCOW\n", "x.txt": data}),
    "inception .xmi": (inception, lambda data: {"x.xmi": data}),
    "inception .tsv": (inception, lambda data: {"x.tsv": data}),
    "inception .zip": (inception, lambda data: {"x.zip": data}),
}
# Bytes that look like the start of each format, then random ones.
PREFIXES = st.sampled_from([b"", b"[{", b'{"text": "', b"T1\t", b"#FORMAT=WebAnno TSV 3.3\n", b"<?xml version='1.0'?><xmi:XMI ", b"PK\x03\x04"])


@pytest.mark.parametrize("where", BYTE_PLACEMENTS)
@SETTINGS
@given(prefix=PREFIXES, data=st.binary(max_size=120))
def test_formats_random_bytes_give_documents_or_a_format_error(where: str, prefix: bytes, data: bytes) -> None:
    reader, files = BYTE_PLACEMENTS[where]
    documents = read(reader, files(prefix + data))
    assert documents is None or all(isinstance(document, ToolDocument) for document in documents)
