"""The marked spans of one layer of one annotation file.

Every layer is drawn on its own copy of the text, so spans of different layers
never have to share one rendering. Within a layer:

- entities: one mark per entity, captioned with its label;
- quotes: the content (``Q1 indirect``), the cue (``cue Q1``) and the speaker:
  the entity a quote points at (one mark per entity, ``speaker of Q2 Q3``) and,
  when given, the ``speaker_span`` (``speaker of Q3``) unless it is that
  entity's span. A quote's label box links to its speaker's mark: the entity,
  else the speaker span;
- events: the trigger (``E1 Contact:Meet``) and the entities that fill roles
  (one mark per entity, its roles ``E1 Place`` linking to their triggers).

A mark's ``label`` is what picks its colour and what the comparison of two
sets looks at (the entity label, quote kind, event type, the roles an entity
fills; ``cue`` and ``speaker`` carry none beyond their kind). A span that lies
outside the text, or a reference to an entity the file does not have, is not
drawn but named in the layer's problems.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .. import schema

ENTITY, CONTENT, CUE, SPEAKER, TRIGGER, ARGUMENT = "entity", "content", "cue", "speaker", "trigger", "argument"


@dataclass(frozen=True)
class Link:
    """A link in a label box to a mark of the same panel (by its anchor), or plain text when ``anchor`` is None."""

    text: str
    anchor: str | None


@dataclass(frozen=True)
class Mark:
    """A marked span: what it is, where, its label box, and how it differs from the other set's."""

    kind: str
    start: int
    end: int
    label: str
    caption: str
    anchor: str | None = None  # the element id in its panel (an entity, quote or event id)
    links: tuple[Link, ...] = ()
    diff: tuple[str, ...] = ()  # CSS classes of its differences from the other set
    other: str | None = None  # the other set's label, when it differs

    @property
    def bounds(self) -> tuple[int, int]:
        return (self.start, self.end)


@dataclass(frozen=True)
class LayerMarks:
    """The marks of one layer of one file, and what could not be drawn."""

    marks: tuple[Mark, ...]
    problems: tuple[str, ...] = field(default=())


def layer_marks(annotation: schema.AnnotationFile, layer: str, text_length: int) -> LayerMarks:
    """The marks of ``layer`` in a file over a text of ``text_length`` characters."""
    problems: list[str] = []
    marks = _BUILDERS[layer](annotation, problems)
    drawn = []
    for mark in marks:
        if 0 <= mark.start < mark.end <= text_length:
            drawn.append(mark)
        else:
            problems.append(f"{mark.anchor or mark.caption}: offsets {mark.start}-{mark.end} are not a span of the text; not drawn")
    return LayerMarks(tuple(sorted(drawn, key=lambda m: (m.start, -m.end))), tuple(problems))


def _entity_marks(annotation: schema.AnnotationFile, problems: list[str]) -> list[Mark]:
    return [Mark(ENTITY, e.start, e.end, e.label, e.label, anchor=e.id) for e in annotation.entities]


def _resolve(entities: dict[str, schema.Entity], entity_id: str, what: str, problems: list[str]) -> schema.Entity | None:
    entity = entities.get(entity_id)
    if entity is None:
        problems.append(f"{what} names {entity_id}, which is not an entity of this file")
    return entity


def _quote_marks(annotation: schema.AnnotationFile, problems: list[str]) -> list[Mark]:
    entities = {e.id: e for e in annotation.entities}
    # Several quotes may share a speaker, a speaker span or a cue: one mark each, naming them all.
    speakers: dict[str, tuple[schema.Entity, list[str]]] = {}
    spans: dict[tuple[int, int], list[str]] = {}
    cues: dict[tuple[int, int], list[str]] = {}
    marks: list[Mark] = []
    for quote in annotation.quotes:
        speaker = None
        if quote.speaker is not None:
            speaker = _resolve(entities, quote.speaker, f"{quote.id} speaker", problems)
        if speaker is not None:
            speakers.setdefault(speaker.id, (speaker, []))[1].append(quote.id)
        span = quote.speaker_span
        if span is not None and (speaker is None or (span.start, span.end) != (speaker.start, speaker.end)):
            spans.setdefault((span.start, span.end), []).append(quote.id)
        if quote.cue is not None:
            cues.setdefault((quote.cue.start, quote.cue.end), []).append(quote.id)
        link = _speaker_link(quote, speaker)
        marks.append(Mark(CONTENT, quote.content.start, quote.content.end, quote.kind, f"{quote.id} {quote.kind}", quote.id, (link,)))
    marks += [Mark(SPEAKER, e.start, e.end, SPEAKER, f"speaker of {' '.join(ids)}", e.id) for e, ids in speakers.values()]
    marks += [
        Mark(SPEAKER, start, end, SPEAKER, f"speaker of {' '.join(ids)}", _span_anchor(start, end))
        for (start, end), ids in spans.items()
    ]
    marks += [Mark(CUE, start, end, CUE, f"cue of {' '.join(ids)}") for (start, end), ids in cues.items()]
    return marks


def _span_anchor(start: int, end: int) -> str:
    """The anchor of a speaker span that is not an entity: named by its offsets, which no entity id looks like."""
    return f"speaker-{start}-{end}"


def _speaker_link(quote: schema.Quote, speaker: schema.Entity | None) -> Link:
    """The label box's way to the speaker: its entity, else its span, else a plain note."""
    if speaker is not None:
        return Link(f"speaker → {speaker.id} {speaker.text}", speaker.id)
    if quote.speaker_span is not None:
        span = quote.speaker_span
        return Link(f"speaker → “{span.text}”", _span_anchor(span.start, span.end))
    return Link(f"speaker: {quote.speaker} (unknown)" if quote.speaker else "no speaker", None)


def _event_marks(annotation: schema.AnnotationFile, problems: list[str]) -> list[Mark]:
    entities = {e.id: e for e in annotation.entities}
    roles: dict[str, tuple[schema.Entity, list[tuple[str, str]]]] = {}
    marks: list[Mark] = []
    for event in annotation.events:
        trigger = event.trigger
        marks.append(Mark(TRIGGER, trigger.start, trigger.end, event.type, f"{event.id} {event.type}", event.id))
        for argument in event.arguments:
            entity = _resolve(entities, argument.entity, f"{event.id} {argument.role}", problems)
            if entity is not None:
                roles.setdefault(entity.id, (entity, []))[1].append((event.id, argument.role))
    for entity, filled in roles.values():
        label = " ".join(sorted({role for _, role in filled}))
        links = tuple(Link(f"{event_id} {role}", event_id) for event_id, role in filled)
        marks.append(Mark(ARGUMENT, entity.start, entity.end, label, entity.label, entity.id, links))
    return marks


_BUILDERS: dict[str, Callable[[schema.AnnotationFile, list[str]], Iterable[Mark]]] = {
    "entities": _entity_marks,
    "quotes": _quote_marks,
    "events": _event_marks,
}
