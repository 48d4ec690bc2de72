"""Level 3 for annotation files: their place, their ids and references, and every span against its article.

These checks run on a file that passed level 2, so every field has its type.
They run over every annotation of the corpus and are written as tight loops.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat
from typing import Any

from .. import layout, schema
from ..jsonpos import JsonPath
from .registry import Collector, check

# Ids are unique across a file; each layer's ids start with its letter.
ID_PREFIXES = {"entities": "T", "quotes": "Q", "events": "E"}


def _span_like(record: type) -> bool:
    return {"start", "end", "text"} <= {spec.name for spec in schema.field_specs(record)}


def _layer_spans() -> dict[str, tuple[bool, tuple[str, ...]]]:
    """Per layer: whether its records are spans themselves, and which of their fields hold spans."""
    layers = {spec.name: spec.record for spec in schema.field_specs(schema.AnnotationFile) if spec.name in schema.LAYERS}
    return {
        layer: (_span_like(record), tuple(spec.name for spec in schema.field_specs(record) if spec.record is not None and _span_like(spec.record)))
        for layer, record in layers.items()
    }


LAYER_SPANS = _layer_spans()


@dataclass(frozen=True, slots=True)
class ArticleText:
    """What annotation checks need of an article: where it is, its text and that text's hash.

    ``text`` is None when the record exists but cannot be used (it fails level 1 or 2).
    """

    path: str
    text: str | None
    sha256: str | None


def quoted(text: str, limit: int = 60) -> str:
    shown = repr(text)
    return shown if len(shown) <= limit else shown[: limit - 4] + "...'"


@check(2)
def check_schema_version(data: dict[str, Any], inventory: schema.Inventory, found: Collector) -> None:
    """An annotation file is written in the schema version of annotations/schema.json or an earlier minor one.

    Emits:
        schema-version-mismatch (error): schema_version is not the version of annotations/schema.json or an earlier minor version of it.
    """
    if data["schema_version"] not in inventory.compatible_versions:
        expected = " or ".join(repr(v) for v in sorted(inventory.compatible_versions))
        found.add("schema-version-mismatch", f"schema_version is {data['schema_version']!r}, expected {expected} (annotations/schema.json is {inventory.schema_version})", at=("schema_version",))


@check(3)
def check_layers(data: dict[str, Any], found: Collector) -> None:
    """The layers a file covers are named once each, and only they have content.

    Emits:
        layers-invalid (error): layers is empty or names a layer twice; leave it out to cover all three.
        layer-not-covered (error): a layer the file does not cover (not in its layers) has content.
    """
    if "layers" not in data:
        return
    covered = data["layers"]
    if not covered or len(set(covered)) < len(covered):
        found.add("layers-invalid", f"layers is {covered!r}, expected one or more of {', '.join(schema.LAYERS)}, each once", at=("layers",))
        return
    for layer in schema.LAYERS:
        if layer not in covered and data[layer]:
            found.add(
                "layer-not-covered",
                f"{layer} holds {len(data[layer])} record(s), but the file covers only {', '.join(covered)}; "
                f"add {layer!r} to layers or remove them",
                (layer, 0),
            )


@check(3)
def check_identity(data: dict[str, Any], path: str, found: Collector) -> None:
    """An annotation file lies where its annotator and article say, and a model names its version.

    Emits:
        annotation-path-mismatch (error): the file is not at annotations/<kind>/<name>/<article>.json for the annotator and article it declares.
        model-version-missing (error): a model annotator without a version, so the annotations cannot be traced to a pipeline.
    """
    annotator = data["annotator"]
    kind, name = annotator["kind"], annotator["name"]
    expected = layout.annotation_relpath(kind=kind, name=name, article_id=data["article"])
    if path != expected or not layout.SET_NAME_PATTERN.match(name):
        rule = "" if layout.SET_NAME_PATTERN.match(name) else f"; annotator names are letters, digits, '.', '_' and '-', not {name!r}"
        found.add("annotation-path-mismatch", f"the file is at {path}, expected {expected} (from its annotator and article){rule}", at=("article",))
    if kind == "model" and not annotator.get("version"):
        found.add("model-version-missing", "a model annotator has no version; expected the pipeline's version", ("annotator",))


@check(3)
def check_ids(data: dict[str, Any], found: Collector) -> dict[str, str]:
    """Record ids are unique across the file and start with their layer's letter; returns id -> layer.

    Emits:
        duplicate-id (error): two records of one file share an id (ids are unique across entities, quotes and events).
        id-prefix (warning): an id does not start with its layer's letter (T entities, Q quotes, E events).
    """
    ids = {layer: [record["id"] for record in data[layer]] for layer in ID_PREFIXES}
    layer_of = {record_id: layer for layer, layer_ids in ids.items() for record_id in layer_ids}
    unique = len(layer_of) == sum(map(len, ids.values()))
    if unique and all(all(map(str.startswith, layer_ids, repeat(ID_PREFIXES[layer]))) for layer, layer_ids in ids.items()):
        return layer_of
    seen: dict[str, tuple[str, int]] = {}
    for layer, prefix in ID_PREFIXES.items():
        for index, record in enumerate(data[layer]):
            record_id = record["id"]
            if record_id in seen:
                first_layer, first_index = seen[record_id]
                found.add("duplicate-id", f"id {record_id!r} is already used by {first_layer}[{first_index}]", (layer, index), at=(layer, index, "id"))
                continue
            seen[record_id] = (layer, index)
            if not record_id.startswith(prefix):
                found.add("id-prefix", f"id {record_id!r} does not start with {prefix!r}, expected {prefix}<number> for {layer}", (layer, index), at=(layer, index, "id"))
    return {record_id: layer for record_id, (layer, _) in seen.items()}


@check(3)
def check_references(data: dict[str, Any], ids: dict[str, str], inventory: schema.Inventory, found: Collector) -> None:
    """Speakers and arguments name entities of the file; roles are allowed for their event type.

    Emits:
        unresolved-speaker (error): a quote's speaker is not the id of an entity in the file.
        unresolved-argument (error): an event argument's entity is not the id of an entity in the file.
        role-not-allowed (error): an argument's role is not one the event type allows in annotations/schema.json.
    """
    for index, quote in enumerate(data["quotes"]):
        speaker = quote["speaker"]
        if speaker is not None and ids.get(speaker) != "entities":
            found.add("unresolved-speaker", f"speaker is {speaker!r}, {_not_an_entity(speaker, ids)}", ("quotes", index), at=("quotes", index, "speaker"))
    for index, event in enumerate(data["events"]):
        allowed = inventory.event_roles[event["type"]]
        for number, argument in enumerate(event["arguments"]):
            where = ("events", index, "arguments", number)
            if ids.get(argument["entity"]) != "entities":
                found.add("unresolved-argument", f"entity is {argument['entity']!r}, {_not_an_entity(argument['entity'], ids)}", where, at=(*where, "entity"))
            if argument["role"] not in allowed:
                found.add("role-not-allowed", f"role {argument['role']!r} is not allowed for {event['type']}, expected one of {', '.join(allowed)}", where, at=(*where, "role"))


def _not_an_entity(reference: str, ids: dict[str, str]) -> str:
    layer = ids.get(reference)
    return f"which is one of the {layer}, expected an entity id" if layer else "expected the id of an entity in this file"


@check(3)
def check_article_link(data: dict[str, Any], article: ArticleText | None, found: Collector) -> str | None:
    """The annotated article exists, is usable, and is the text the offsets were made on; returns that text.

    Emits:
        article-missing (error): no article record with the annotated id in corpus/.
        article-invalid (error): the article record fails its own checks at level 1 or 2, so no span could be checked.
        stale-annotation (error): text_sha256 is not the hash of the article's current text; the annotations were made on another version of it.
    """
    if article is None:
        place = _article_place(data["article"])
        found.add("article-missing", f"no article record {data['article']!r}; expected {place}", at=("article",))
        return None
    if article.text is None:
        found.add("article-invalid", f"the article record {article.path} has errors of its own (validate it), so no span was checked", at=("article",))
        return None
    if data["text_sha256"] != article.sha256:
        found.add(
            "stale-annotation",
            f"stale annotation: made on a text hashing to {data['text_sha256'][:12]}..., but {article.path} now hashes to {article.sha256[:12]}...; "
            "re-annotate the article or move the offsets to its new text",
            at=("text_sha256",),
        )
        return None
    return article.text


def _article_place(article_id: str) -> str:
    return layout.article_relpath_of_id(article_id) or "an id like <source>-<YYYYMMDD>-<hash8>"


@check(3)
def check_spans(data: dict[str, Any], text: str, found: Collector) -> None:
    """Every span lies in the text, covers the text it says, and has no outer whitespace.

    Emits:
        span-out-of-range (error): a span breaks 0 <= start < end <= len(text).
        span-text-mismatch (error): a span's text is not text[start:end] of the article.
        span-whitespace (error): a span starts or ends with whitespace; spans are bounded by non-space characters.
    """
    length = len(text)
    for layer, (is_span, span_fields) in LAYER_SPANS.items():
        for index, record in enumerate(data[layer]):
            if is_span:
                start, end, covered = record["start"], record["end"], record["text"]
                # The test of a clean span, inline: this loop runs over every entity of the corpus.
                if not (0 <= start < end <= length and text[start:end] == covered and covered.strip() == covered):
                    _report_span(record, text, length, (layer, index), found)
            for name in span_fields:
                span = record.get(name)
                if span is not None:
                    _report_span(span, text, length, (layer, index, name), found)


def _report_span(span: dict[str, Any], text: str, length: int, where: JsonPath, found: Collector) -> None:
    start, end, covered = span["start"], span["end"], span["text"]
    if not 0 <= start < end <= length:
        found.add("span-out-of-range", f"start {start}, end {end}: expected 0 <= start < end <= {length} (the length of the text)", where, at=(*where, "start"))
    elif text[start:end] != covered:
        found.add("span-text-mismatch", f"text[{start}:{end}] is {quoted(text[start:end])}, the file says {quoted(covered)}", where, at=(*where, "text"))
    elif covered != covered.strip():
        found.add("span-whitespace", f"{quoted(covered)} starts or ends with whitespace; expected a span from its first to its last non-space character", where, at=(*where, "text"))


@check(3)
def check_overlaps(entities: list[dict[str, Any]], length: int, found: Collector) -> None:
    """Entities of one set do not overlap.

    Emits:
        entity-overlap (error): two entity mentions share characters (nested or crossing spans); keep one.
    """
    placed = sorted((e["start"], e["end"], index) for index, e in enumerate(entities) if 0 <= e["start"] < e["end"] <= length)
    reach_end, reach_index = -1, -1
    for start, end, index in placed:
        if start < reach_end:
            other = entities[reach_index]
            found.add(
                "entity-overlap",
                f"text[{start}:{end}] {quoted(entities[index]['text'])} overlaps entities[{reach_index}] ({other['id']}) text[{other['start']}:{other['end']}] {quoted(other['text'])}",
                ("entities", index),
            )
        if end > reach_end:
            reach_end, reach_index = end, index
