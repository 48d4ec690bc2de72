"""Merge the sets of one article into a new hand set by agreement: ``wirecorpus adjudicate``.

``adjudicate(root=..., article_id=..., sources=["hand/a1", "hand/b1", "hand/c1"],
target="hand/adj", rule="majority")`` writes ``annotations/hand/adj/<article>.json``
with what the sources agree on, and lists every disagreement for a person to
decide. Nothing is decided silently: whatever the sources do not all say alike
is a :class:`Disagreement` naming what each source says and what the new file
holds (kept, left out, or null), even when the rule settled it.

Rules: ``unanimous`` keeps a thing every source covering its layer has;
``majority`` one that more than half of them have. A layer is in the new file
(its ``layers``) when enough sources cover it under the same rule, counted over
all the sources (unanimous: all cover it; majority: more than half do), so a
layer that one annotator of three covered is left out rather than taken from
that one set. Within a layer, things are counted over the sources that cover it.

What agreeing on a thing means (exact spans, as the strict alignment of
:mod:`wirecorpus.evaluate`):

- an entity: its span and label;
- a quote: its content span and kind; then, for a kept quote, its cue, its
  speaker (the span of the entity it points at) and its speaker_span, each
  agreed separately among the sources that have the quote, counted against all
  that cover quotes; a part not agreed is null in the new file, and listed;
- an event: its trigger span and type; then each argument, a role and the span
  of its entity, among the sources that have the event.

A speaker or an argument whose entity is not kept has nothing to point at: it is
left out, and listed. Ids are numbered anew in text order
(:func:`wirecorpus.importer.numbered`). The sources must pass the validator;
the new file is checked by it too, written atomically under the repository
lock, and never written over a file with other content unless ``replace``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import corpus, layout, schema, storage
from .compare import MAJORITY, RULES, UNANIMOUS
from .errors import AdjudicationError
from .formats.mapping import Converted
from .importer import numbered
from .validate.annotations import quoted
from .validate.runner import Context, check_annotation

FORMATS = ("text", "json")
ABSENT = "absent"
QUOTE_PARTS = ("cue", "speaker", "speaker_span")


@dataclass(frozen=True)
class Disagreement:
    """One thing the sources do not all say alike, and what the new file holds for it."""

    layer: str
    span: schema.Span | None  # the entity, quote content or event trigger; None for a layer's coverage
    about: str  # "coverage", "label", "kind", "type", "<kind> cue", "<type> argument <role> -> <entity>", ...
    says: tuple[tuple[str, str], ...]  # (source set, what it says), in the order of the sources
    outcome: str

    def line(self) -> str:
        where = f" {_show(self.span)}" if self.span is not None else ""
        says = "; ".join(f"{name} {what}" for name, what in self.says)
        return f"{self.layer}{where} {self.about}: {says} -> {self.outcome}"


@dataclass(frozen=True)
class AdjudicationResult:
    """The new set's file, and every disagreement of its sources."""

    article: str
    rule: str
    sources: dict[str, str]  # source set -> its file, relative to the repository
    target: str
    path: str  # the new file, relative to the repository
    status: str  # written, replaced or unchanged
    record: schema.AnnotationFile
    disagreements: tuple[Disagreement, ...]


def adjudicate(
    *, root: Path, article_id: str, sources: Sequence[str], target: str, rule: str, replace: bool = False
) -> AdjudicationResult:
    """Write ``target`` (``hand/NAME``) for the article from what ``sources`` agree on; see the module docstring."""
    root = Path(root).resolve()
    if rule not in RULES:
        raise AdjudicationError(f"unknown rule {rule!r}; expected one of {', '.join(RULES)}")
    target_name = _target_name(target, sources)
    inventory = schema.Inventory.load(root)
    context = Context.create(root, inventory)
    with storage.repository_lock(root):
        article = _article(root, article_id)
        files = {name: _source(root, name, article) for name in sources}
        merge = _Merge(files, rule)
        record = merge.record(article, target_name, inventory.schema_version)
        path = layout.annotation_relpath(kind="hand", name=target_name, article_id=article.id)
        findings = [f for f in check_annotation(schema.to_dict(record), path=path, article=article, context=context) if f.severity == "error"]
        if findings:
            raise AdjudicationError(f"{path}: the merged file would not validate: [{findings[0].id}] {findings[0].message}")
        status = _write(root, path, schema.dumps(record), replace=replace)
    source_files = {name: _source_path(name, article.id) for name in sources}
    return AdjudicationResult(article.id, rule, source_files, target, path, status, record, merge.in_text_order())


def _target_name(target: str, sources: Sequence[str]) -> str:
    """The new set's name; the sources and target are checked for what they must be."""
    for name in (*sources, target):
        layout.parse_set_name(name, error=AdjudicationError)
    kind, name = layout.parse_set_name(target, error=AdjudicationError)
    if kind != "hand":
        raise AdjudicationError(f"--to {target}: the new set must be a hand set (hand/NAME): it is what people decided, and only a hand set can be gold")
    if len(sources) < 2 or len(set(sources)) < len(sources):
        raise AdjudicationError(f"--from {' '.join(sources)}: name two or more different sets to adjudicate between")
    if target in sources:
        raise AdjudicationError(f"--to {target} is one of the sources; name a new set")
    return name


def _article(root: Path, article_id: str) -> schema.Article:
    relpath = layout.article_relpath_of_id(article_id)
    if relpath is None or not (root / relpath).is_file():
        raise AdjudicationError(f"no article {article_id!r} in corpus/ (expected {relpath or 'an id such as tass-20200920-693f2c16'})")
    return corpus.read_record(root, root / relpath, schema.Article, error=AdjudicationError)


def _source_path(name: str, article_id: str) -> str:
    kind, set_name = layout.parse_set_name(name, error=AdjudicationError)
    return layout.annotation_relpath(kind=kind, name=set_name, article_id=article_id)


def _source(root: Path, name: str, article: schema.Article) -> schema.AnnotationFile:
    """A source set's file for the article, which must pass the validator's checks."""
    relpath = _source_path(name, article.id)
    if not (root / relpath).is_file():
        raise AdjudicationError(f"{name} has no file for {article.id} (no {relpath})")
    return corpus.read_record(root, root / relpath, schema.AnnotationFile, error=AdjudicationError, article=article)


def _write(root: Path, relpath: str, text: str, *, replace: bool) -> str:
    path = root / relpath
    there = storage.existing_bytes(path)
    if there is not None:
        if there == text.encode("utf-8"):
            return "unchanged"
        if not replace:
            raise AdjudicationError(f"{relpath} is there already with other content; pass --replace to overwrite it")
    storage.write_text_atomic(path, text)
    return "written" if there is None else "replaced"


# --------------------------------------------------------------------------
# The merge.


def _show(span: schema.Span | None) -> str:
    return "none" if span is None else f"{span.start}-{span.end} {quoted(span.text)}"


def _position(span: schema.Span) -> tuple[int, int]:
    return (span.start, span.end)


@dataclass
class _Merge:
    """What the sources agree on under the rule, and the disagreements met on the way."""

    files: dict[str, schema.AnnotationFile]  # source set -> its file, in the order given
    rule: str
    disagreements: list[Disagreement] = field(default_factory=list)

    def record(self, article: schema.Article, name: str, schema_version: str) -> schema.AnnotationFile:
        layers = self.layers()
        if not layers:
            raise AdjudicationError(f"no layer is covered by enough of {', '.join(self.files)} under the {self.rule} rule; nothing to adjudicate")
        entity_ids: dict[schema.Span, str] = {}
        entities = self.entities(entity_ids) if "entities" in layers else []
        quotes = self.quotes(entity_ids) if "quotes" in layers else []
        events = self.events(entity_ids) if "events" in layers else []
        entities, quotes, events = numbered(Converted(entities, quotes, events))
        return schema.AnnotationFile(
            article=article.id, text_sha256=article.text_sha256, annotator=schema.Annotator(kind="hand", name=name),
            schema_version=schema_version, layers=layers, entities=entities, quotes=quotes, events=events,
        )

    def in_text_order(self) -> tuple[Disagreement, ...]:
        """The disagreements layer by layer, its coverage first, then by span (a quote's parts after the quote)."""
        where = lambda d: (schema.LAYERS.index(d.layer), *((-1, -1) if d.span is None else _position(d.span)))  # noqa: E731
        return tuple(sorted(self.disagreements, key=where))

    def enough(self, holders: int, covering: int) -> bool:
        return holders == covering if self.rule == UNANIMOUS else 2 * holders > covering

    def note(self, layer: str, span: schema.Span | None, about: str, says: dict[str, str], outcome: str) -> None:
        self.disagreements.append(Disagreement(layer, span, about, tuple(says.items()), outcome))

    def covering(self, layer: str) -> list[str]:
        return [name for name, file in self.files.items() if layer in file.layers]

    def layers(self) -> list[str]:
        """The layers enough sources cover; a layer not every source covers is listed."""
        kept = []
        for layer in schema.LAYERS:
            covering = self.covering(layer)
            enough = self.enough(len(covering), len(self.files))
            if covering and len(covering) < len(self.files):
                says = {name: "covers it" if name in covering else "does not cover it" for name in self.files}
                self.note(layer, None, "coverage", says, "covered" if enough else "left out, with all its content")
            if enough:
                kept.append(layer)
        return kept

    def winners(self, given: dict[str, tuple[Hashable, ...]], covering: int) -> list[Hashable]:
        """The values enough sources give (each source gives a tuple of values), in order of first appearance."""
        order = dict.fromkeys(value for values in given.values() for value in values)
        return [value for value in order if self.enough(sum(value in values for values in given.values()), covering)]

    def vote(self, layer: str, about: str, items: dict[str, list[tuple[schema.Span, str]]]) -> list[tuple[schema.Span, str]]:
        """Each span with the value (label, kind, type) enough sources give it: ``items`` is, per source, its (span, value)."""
        covering = self.covering(layer)
        spans = sorted({span for pairs in items.values() for span, _ in pairs}, key=_position)
        kept = []
        for span in spans:
            given = {name: tuple(dict.fromkeys(value for s, value in items[name] if s == span)) for name in covering}
            winners = self.winners(given, len(covering))
            kept += [(span, value) for value in winners]
            if len({frozenset(values) for values in given.values()}) > 1:
                says = {name: ", ".join(values) or ABSENT for name, values in given.items()}
                self.note(layer, span, about, says, f"kept as {' and '.join(winners)}" if winners else "left out")
        return kept

    def kept(self, layer: str, about: str, key: Callable[[Any], tuple[schema.Span, str]]) -> Iterator[tuple[schema.Span, str, dict[str, list]]]:
        """Each kept (span, value) of a layer, by ``key`` of its records, with, per covering source, its records that have it."""
        records = {name: getattr(self.files[name], layer) for name in self.covering(layer)}
        for span, value in self.vote(layer, about, {name: [key(r) for r in found] for name, found in records.items()}):
            yield span, value, {name: [r for r in found if key(r) == (span, value)] for name, found in records.items()}

    def entities(self, entity_ids: dict[schema.Span, str]) -> list[schema.Entity]:
        """The kept entities; ``entity_ids`` is filled with each one's span -> id."""
        kept = []
        for number, (span, label, _) in enumerate(self.kept("entities", "label", lambda e: (e.span, e.label)), start=1):
            entity_ids[span] = f"T{number}"
            kept.append(schema.Entity(f"T{number}", span.start, span.end, span.text, label))
        return kept

    def quotes(self, entity_ids: dict[schema.Span, str]) -> list[schema.Quote]:
        kept = []
        for content, kind, holders in self.kept("quotes", "kind", lambda q: (q.content, q.kind)):
            parts = {part: self.quote_part(part, content, kind, holders, entity_ids) for part in QUOTE_PARTS}
            speaker = entity_ids.get(parts["speaker"])
            kept.append(schema.Quote("Q", kind, content, parts["cue"], speaker, parts["speaker_span"]))
        return kept

    def quote_part(self, part: str, content: schema.Span, kind: str, holders: dict[str, list[schema.Quote]], entity_ids: dict[schema.Span, str]) -> schema.Span | None:
        """The cue, speaker (its entity's span) or speaker_span of a kept quote, if agreed; else None, listed."""
        given = {name: tuple(dict.fromkeys(self.part_of(name, quote, part) for quote in quotes)) for name, quotes in holders.items() if quotes}
        winners = self.winners(given, len(holders))
        value = winners[0] if len(winners) == 1 else None
        unpointed = part == "speaker" and value is not None and value not in entity_ids
        if len(set(given.values())) > 1 or len(winners) != 1 or unpointed:
            says = {name: ", ".join(map(_show, given[name])) if name in given else "no such quote" for name in holders}
            outcome = "null: its entity is not kept" if unpointed else f"kept {_show(value)}" if len(winners) == 1 else "null"
            self.note("quotes", content, f"{kind} {part}", says, outcome)
        return None if unpointed else value

    def part_of(self, name: str, quote: schema.Quote, part: str) -> schema.Span | None:
        if part != "speaker":
            return getattr(quote, part)
        return next((e.span for e in self.files[name].entities if e.id == quote.speaker), None)

    def events(self, entity_ids: dict[schema.Span, str]) -> list[schema.Event]:
        kept = []
        for trigger, type_, holders in self.kept("events", "type", lambda e: (e.trigger, e.type)):
            kept.append(schema.Event("E", type_, trigger, self.arguments(trigger, type_, holders, entity_ids)))
        return kept

    def arguments(self, trigger: schema.Span, type_: str, holders: dict[str, list[schema.Event]], entity_ids: dict[schema.Span, str]) -> list[schema.Argument]:
        """The arguments of a kept event that enough sources give it and whose entity is kept; the others are listed."""
        given = {}
        for name, events in holders.items():
            spans = {e.id: e.span for e in self.files[name].entities}
            if events:
                given[name] = tuple(dict.fromkeys((a.role, spans[a.entity]) for event in events for a in event.arguments))
        kept = []
        for role, span in dict.fromkeys(value for values in given.values() for value in values):
            count = sum((role, span) in values for values in given.values())
            agreed = self.enough(count, len(holders))
            if agreed and span in entity_ids:
                kept.append(schema.Argument(role, entity_ids[span]))
            if count < len(given) or not agreed or span not in entity_ids:
                says = {name: ("present" if (role, span) in given[name] else ABSENT) if name in given else "no such event" for name in holders}
                outcome = "left out: its entity is not kept" if agreed and span not in entity_ids else "kept" if agreed else "left out"
                self.note("events", trigger, f"{type_} argument {role} -> {_show(span)}", says, outcome)
        return kept


# --------------------------------------------------------------------------
# Rendering.


def render(result: AdjudicationResult, *, format: str = "text") -> str:
    """The result for people (``text``) or programs (``json``)."""
    if format == "json":
        return json.dumps(_as_json(result), ensure_ascii=False, indent=2) + "\n"
    if format != "text":
        raise ValueError(f"unknown format {format!r}; expected one of {FORMATS}")
    record = result.record
    counts = ", ".join(f"{len(getattr(record, layer))} {layer}" for layer in record.layers)
    lines = [
        f"{result.path}: {result.status} ({result.target} from {', '.join(result.sources)}, {result.rule} rule)",
        f"layers: {', '.join(record.layers)}; kept {counts}",
    ]
    if result.disagreements:
        lines.append(f"{len(result.disagreements)} disagreement(s), for a person to decide:")
        lines += [f"{result.path}: {d.line()}" for d in result.disagreements]
    else:
        lines.append("no disagreement: the sources say the same")
    return "\n".join(lines) + "\n"


def _span_json(span: schema.Span | None) -> dict[str, Any] | None:
    return None if span is None else {"start": span.start, "end": span.end, "text": span.text}


def _as_json(result: AdjudicationResult) -> dict[str, Any]:
    return {
        "article": result.article,
        "rule": result.rule,
        "sources": result.sources,
        "target": result.target,
        "file": result.path,
        "status": result.status,
        "layers": list(result.record.layers),
        "counts": {layer: len(getattr(result.record, layer)) for layer in result.record.layers},
        "disagreements": [
            {"file": result.path, "layer": d.layer, "span": _span_json(d.span), "about": d.about, "says": dict(d.says), "outcome": d.outcome}
            for d in result.disagreements
        ],
    }
