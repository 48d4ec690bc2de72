"""A processed Doc as the schema's layers: entities T1.., quotes Q1.., events E1...

Spans are trimmed of surrounding whitespace and keep the text they cover;
entities keep doc.ents order and are non-overlapping by construction; a quote
speaker or event argument whose entity was dropped (a label outside the
inventory, a span of whitespace only) is dropped with it.
"""

from __future__ import annotations

import functools

from spacy.tokens import Doc

from .. import schema
from ..schema import Inventory
from .events import EXTENSION as EVENTS
from .lexicons import repository_root
from .quotes import EXTENSION as QUOTES


def layers_from_doc(
    doc: Doc, *, inventory: Inventory | None = None
) -> tuple[list[schema.Entity], list[schema.Quote], list[schema.Event]]:
    """The entity, quote and event records of a Doc the components have run over."""
    inventory = inventory or _default_inventory()
    text = doc.text
    entities: list[schema.Entity] = []
    entity_ids: dict[tuple[int, int], str] = {}
    for ent in doc.ents:
        span = trimmed_span(text, ent.start_char, ent.end_char)
        if span is None or ent.label_ not in inventory.entity_labels:
            continue
        entity = schema.Entity(f"T{len(entities) + 1}", span.start, span.end, span.text, ent.label_)
        entities.append(entity)
        entity_ids[(ent.start_char, ent.end_char)] = entity.id
    quotes = _quotes(text, doc._.get(QUOTES), entity_ids, inventory)
    events = _events(text, doc._.get(EVENTS), entity_ids, inventory)
    return entities, quotes, events


@functools.cache
def _default_inventory() -> Inventory:
    return Inventory.load(repository_root(None))


def trimmed_span(text: str, start: int, end: int) -> schema.Span | None:
    """The span without leading or trailing whitespace, or None when nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return schema.Span(start, end, text[start:end]) if start < end else None


def _optional_span(text: str, offsets: list[int] | None) -> schema.Span | None:
    return None if offsets is None else trimmed_span(text, *offsets)


def _quotes(text: str, found: list[dict], entity_ids: dict, inventory: Inventory) -> list[schema.Quote]:
    quotes = []
    for item in found:
        content = trimmed_span(text, *item["content"])
        if content is None or item["kind"] not in inventory.quote_kinds:
            continue
        speaker = None if item["speaker"] is None else entity_ids.get(tuple(item["speaker"]))
        quotes.append(
            schema.Quote(
                id=f"Q{len(quotes) + 1}",
                kind=item["kind"],
                content=content,
                cue=_optional_span(text, item["cue"]),
                speaker=speaker,
                speaker_span=_optional_span(text, item["speaker_span"]),
            )
        )
    return quotes


def _events(text: str, found: list[dict], entity_ids: dict, inventory: Inventory) -> list[schema.Event]:
    events = []
    for item in found:
        trigger = trimmed_span(text, *item["trigger"])
        roles = inventory.event_roles.get(item["type"])
        if trigger is None or roles is None:
            continue
        arguments = [
            schema.Argument(argument["role"], entity_ids[key])
            for argument in item["arguments"]
            if argument["role"] in roles and (key := tuple(argument["entity"])) in entity_ids
        ]
        events.append(schema.Event(f"E{len(events) + 1}", item["type"], trigger, arguments))
    return events
