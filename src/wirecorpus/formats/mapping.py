"""MAP.json: how a tool's labels become the three layers, and the conversion it drives.

A MAP is a JSON object with one key per layer the import covers (the layers of
the files it writes are exactly those keys)::

    {"entities": {"Person": "PERSON", "Organization": "ORG"},
     "quotes": {"relation": "Attribution", "content": "Content", "cue": "Cue", "speaker": "Source"},
     "events": {"Attack": {"type": "Conflict:Attack", "roles": {"Attacker": "Attacker"}}}}

- ``entities``: tool span label -> entity label of the inventory.
- ``quotes``: ``relation`` is the label (or a list of labels) of the links that make
  quotes; ``content``, ``cue`` and ``speaker`` name the roles of the parts in those
  links (``content`` is required). Optional: ``speaker_entity``, the role of the entity
  a pronoun speaker stands for; ``kind``, the attribute of the link that holds the quote
  kind (else the kind is derived: content inside quotation marks is ``direct``, content
  with a quotation mark inside is ``mixed``, else ``indirect``);
  ``discontinuous_content``: ``"report"`` (default: a content span in pieces is not
  converted) or ``"outer-extent"`` (it becomes the stretch from its first to its last
  character). For a binary relation whose roles are generic (``Arg1``, ``from``), a
  part is known by the label of its span, and an entity mention is the speaker. Links that share a content span make one
  quote; the trigger span of a quote link (brat events need one) is consumed.
- ``events``: link label -> ``{"type": event type, "roles": {tool role: role}}``; the
  link's trigger span is the trigger, and a brat role with a number (``Theme2``) is its
  role again.

Without a MAP (:meth:`LabelMap.default`), labels already in the inventory map to
themselves, and quotes are links labelled ``Quote`` with ``Content``, ``Cue``,
``Speaker`` and ``SpeakerEntity`` parts, a ``Kind`` attribute and content in pieces
taken whole, as the brat export writes them.

:func:`convert` turns one tool document into the layers. Everything it cannot carry
over is a :class:`~wirecorpus.formats.base.Problem`: a span whose label the MAP does
not name, a discontinuous entity, an entity overlapping an earlier one, an event
argument that is not an entity mention, an attribute nothing reads, a link of no mapped
label. Spans lose outer whitespace (the schema's span rule), nothing else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import schema
from ..errors import MapError
from ..validate.shapes import json_type
from .base import Problem, ToolDocument, ToolLink, ToolSpan
from .quotes import OUTER_EXTENT, QUOTE_PARTS, assemble_quotes

REPORT = "report"
_QUOTE_KEYS = {"relation", *QUOTE_PARTS, "kind", "discontinuous_content"}
_ROLE_NUMBER = re.compile(r"^(?P<role>.+?)\d+$")

# A projection takes tool offsets (start, end) to article offsets, or None outside the article.
Projection = Callable[[int, int], "tuple[int, int] | None"]


@dataclass(frozen=True)
class QuoteMap:
    relations: tuple[str, ...]
    content: str
    cue: str | None = None
    speaker: str | None = None
    speaker_entity: str | None = None
    kind: str | None = None
    discontinuous_content: str = REPORT

    def part_of(self, role: str) -> str | None:
        """Which quote part a role names (content, cue, speaker, speaker_entity), if any."""
        return next((part for part in QUOTE_PARTS if getattr(self, part) == role), None)


@dataclass(frozen=True)
class EventMap:
    type: str
    roles: dict[str, str]

    def role(self, tool_role: str) -> str | None:
        if tool_role in self.roles:
            return self.roles[tool_role]
        numbered = _ROLE_NUMBER.match(tool_role)
        return self.roles.get(numbered["role"]) if numbered else None


@dataclass(frozen=True)
class LabelMap:
    """A validated MAP: which layers an import covers and how tool labels become them."""

    entities: dict[str, str] | None = None
    quotes: QuoteMap | None = None
    events: dict[str, EventMap] | None = None

    @property
    def layers(self) -> list[str]:
        return [layer for layer in schema.LAYERS if getattr(self, layer) is not None]

    @classmethod
    def default(cls, inventory: schema.Inventory) -> LabelMap:
        return cls(
            entities={label: label for label in sorted(inventory.entity_labels)},
            quotes=QuoteMap(("Quote",), "Content", "Cue", "Speaker", "SpeakerEntity", "Kind", OUTER_EXTENT),
            events={t: EventMap(t, {r: r for r in roles}) for t, roles in inventory.event_roles.items()},
        )

    @classmethod
    def load(cls, path: Path, inventory: schema.Inventory) -> LabelMap:
        """Read and check a MAP.json; a :class:`MapError` names the file, the key and the problem."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise MapError(f"{path}: cannot read the map: {exc.strerror or exc}") from None
        except UnicodeDecodeError as exc:
            raise MapError(f"{path}: not UTF-8 text: {exc}") from None
        except ValueError as exc:
            raise MapError(f"{path}: not valid JSON: {exc}") from None
        return cls.from_json(data, inventory, where=str(path))

    @classmethod
    def from_json(cls, data: Any, inventory: schema.Inventory, *, where: str = "MAP") -> LabelMap:
        check = _MapChecker(where, inventory)
        if not isinstance(data, dict) or not data or set(data) - set(schema.LAYERS):
            keys = ", ".join(map(repr, data)) if isinstance(data, dict) else json_type(data)
            raise MapError(f"{where}: expected an object with one or more of the keys {', '.join(schema.LAYERS)}; got {keys or 'nothing'}")
        return cls(
            entities=check.entities(data["entities"]) if "entities" in data else None,
            quotes=check.quotes(data["quotes"]) if "quotes" in data else None,
            events=check.events(data["events"]) if "events" in data else None,
        )


@dataclass(frozen=True)
class _MapChecker:
    where: str
    inventory: schema.Inventory

    def fail(self, place: str, problem: str) -> MapError:
        return MapError(f"{self.where}: {place}: {problem}")

    def strings(self, value: Any, place: str) -> dict[str, str]:
        if not isinstance(value, dict) or not value or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise self.fail(place, "expected a non-empty object of tool label -> label (strings)")
        return value

    def allowed(self, value: Any, allowed: frozenset[str] | tuple[str, ...], place: str, what: str) -> str:
        if not isinstance(value, str) or value not in allowed:
            listed = ", ".join(sorted(allowed)) if len(allowed) <= 20 else f"the {len(allowed)} in annotations/schema.json"
            raise self.fail(place, f"{value!r} is not {what}; expected one of {listed}")
        return value

    def entities(self, value: Any) -> dict[str, str]:
        labels = self.strings(value, "entities")
        for tool, label in labels.items():
            self.allowed(label, self.inventory.entity_labels, f"entities.{tool}", "an entity label")
        return dict(labels)

    def quotes(self, value: Any) -> QuoteMap:
        if not isinstance(value, dict):
            raise self.fail("quotes", "expected an object with relation, content, and optionally cue, speaker, speaker_entity, kind, discontinuous_content")
        unknown = sorted(set(value) - _QUOTE_KEYS)
        if unknown:
            raise self.fail(f"quotes.{unknown[0]}", f"unknown key; expected {', '.join(sorted(_QUOTE_KEYS))}")
        for key in ("relation", "content"):
            if key not in value:
                raise self.fail("quotes", f"the key {key!r} is required")
        relations = value["relation"] if isinstance(value["relation"], list) else [value["relation"]]
        texts = {key: value[key] for key in (*QUOTE_PARTS, "kind") if key in value}
        if not relations or not all(isinstance(r, str) and r for r in relations) or not all(isinstance(v, str) and v for v in texts.values()):
            raise self.fail("quotes", "relation is a label or a list of labels, and every part names a role (a non-empty string)")
        parts = [texts[p] for p in QUOTE_PARTS if p in texts]
        if len(set(parts)) < len(parts):
            raise self.fail("quotes", f"two parts name the same role: {', '.join(parts)}")
        mode = self.allowed(value.get("discontinuous_content", REPORT), (REPORT, OUTER_EXTENT), "quotes.discontinuous_content", "a way to treat a content in pieces")
        return QuoteMap(tuple(relations), discontinuous_content=mode, **texts)

    def events(self, value: Any) -> dict[str, EventMap]:
        if not isinstance(value, dict) or not value:
            raise self.fail("events", "expected a non-empty object of tool label -> {\"type\": ..., \"roles\": {...}}")
        events = {}
        for tool, spec in value.items():
            place = f"events.{tool}"
            if not isinstance(spec, dict) or set(spec) - {"type", "roles"} or "type" not in spec:
                raise self.fail(place, "expected {\"type\": <event type>, \"roles\": {<tool role>: <role>}}")
            event_type = self.allowed(spec["type"], self.inventory.event_types, f"{place}.type", "an event type")
            roles = self.strings(spec.get("roles") or {"-": "-"}, f"{place}.roles") if spec.get("roles") else {}
            for tool_role, role in roles.items():
                self.allowed(role, self.inventory.event_roles[event_type], f"{place}.roles.{tool_role}", f"a role of {event_type}")
            events[tool] = EventMap(event_type, dict(roles))
        return events


# --------------------------------------------------------------------------
# Conversion of one document.


@dataclass
class Converted:
    """One tool document as the layers of an annotation file, with what was not converted."""

    entities: list[schema.Entity] = field(default_factory=list)
    quotes: list[schema.Quote] = field(default_factory=list)
    events: list[schema.Event] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def convert(document: ToolDocument, label_map: LabelMap, *, inventory: schema.Inventory, text: str, project: Projection) -> Converted:
    """The layers of ``document`` in ``text`` (the article), offsets taken through ``project``."""
    return _Conversion(document, label_map, inventory, text, project).run()


@dataclass
class _Conversion:
    document: ToolDocument
    label_map: LabelMap
    inventory: schema.Inventory
    text: str
    project: Projection
    out: Converted = field(default_factory=Converted)
    spans: dict[str, ToolSpan] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)  # span ids converted or consumed
    entity_of: dict[str, schema.Entity] = field(default_factory=dict)  # tool span id -> entity
    entity_at: dict[tuple[int, int], schema.Entity] = field(default_factory=dict)

    def run(self) -> Converted:
        self.spans = {span.id: span for span in self.document.spans}
        self.out.problems += self.document.problems
        if self.label_map.entities is not None:
            self._entities()
        links = list(self.document.links)
        if self.label_map.quotes is not None:
            links = self._quotes(links)
        if self.label_map.events is not None:
            links = self._events(links)
        for link in links:
            self._problem(link.where, link.shown, f"link label {link.label!r} is not in the map")
        for span in self.document.spans:
            if span.id not in self.used:
                self._problem(span.where, span.shown, f"label {span.label!r} is not in the map" if not self._known_label(span) else "not linked to any quote or event")
        return self.out

    def _problem(self, where: str, item: str, why: str) -> None:
        self.out.problems.append(Problem(where, item, why))

    def _known_label(self, span: ToolSpan) -> bool:
        quotes = self.label_map.quotes
        return quotes is not None and quotes.part_of(span.label) is not None

    def _bounds(self, span: ToolSpan, *, discontinuous_ok: bool = False) -> tuple[int, int] | None:
        """The span's stretch of the article, trimmed of outer whitespace; None (reported) when it has none."""
        if len(span.fragments) > 1 and not discontinuous_ok:
            self._problem(span.where, span.shown, "a discontinuous span (in pieces); the schema's spans are continuous")
            return None
        if span.start >= span.end:
            self._problem(span.where, span.shown, "an empty span: it covers no character")
            return None
        bounds = self.project(span.start, span.end)
        if bounds is None:
            self._problem(span.where, span.shown, "lies outside the article text (e.g. in a headline line before it)")
            return None
        start, end = self._trimmed(*bounds)
        if start >= end:
            self._problem(span.where, span.shown, "covers only whitespace")
            return None
        return start, end

    def _trimmed(self, start: int, end: int) -> tuple[int, int]:
        """Article offsets without the outer whitespace they cover (the schema's span rule)."""
        covered = self.text[start:end]
        return start + len(covered) - len(covered.lstrip()), end - len(covered) + len(covered.rstrip())

    def _span(self, span: ToolSpan, *, discontinuous_ok: bool = False) -> schema.Span | None:
        bounds = self._bounds(span, discontinuous_ok=discontinuous_ok)
        return None if bounds is None else schema.Span(bounds[0], bounds[1], self.text[bounds[0] : bounds[1]])

    def _entities(self) -> None:
        labels = self.label_map.entities
        candidates = []
        for span in self.document.spans:
            if span.label in labels:
                self.used.add(span.id)
                bounds = self._bounds(span)
                if bounds is not None:
                    candidates.append((bounds, span))
        reach: tuple[int, ToolSpan | None] = (-1, None)
        for (start, end), span in sorted(candidates, key=lambda c: (c[0][0], -c[0][1])):
            if start < reach[0]:
                other = reach[1]
                self._problem(span.where, span.shown, f"overlaps {other.id} ({other.label}); entities do not overlap, so the first is kept")
                continue
            entity = schema.Entity(span.id, start, end, self.text[start:end], labels[span.label])
            self.entity_of[span.id] = self.entity_at[(start, end)] = entity
            self._attributes_unread(span)
            reach = (end, span)
        self.out.entities = list(self.entity_of.values())

    def _attributes_unread(self, item: ToolSpan | ToolLink, read: str | None = None) -> None:
        for name, value in item.attributes:
            if name != read:
                self._problem(item.where, f"attribute {name}={value} of {item.id}", "the schema has no place for this attribute")

    def _entity_for(self, span_id: str) -> schema.Entity | None:
        """The entity a span is: converted from it, or another mention at the same place."""
        if span_id in self.entity_of:
            return self.entity_of[span_id]
        span = self.spans.get(span_id)
        if span is None or len(span.fragments) > 1:
            return None
        if span.start >= span.end:
            self._problem(span.where, span.shown, "an empty span: it covers no character")
            return None
        bounds = self.project(span.start, span.end)
        return None if bounds is None else self.entity_at.get(self._trimmed(*bounds))

    def _quotes(self, links: list[ToolLink]) -> list[ToolLink]:
        return assemble_quotes(self, links)

    def _events(self, links: list[ToolLink]) -> list[ToolLink]:
        events, rest = self.label_map.events, []
        for link in links:
            spec = events.get(link.label)
            if spec is None:
                rest.append(link)
                continue
            self._attributes_unread(link)
            trigger_span = self.spans.get(link.trigger) if link.trigger else None
            if trigger_span is None:
                self._problem(link.where, link.shown, "an event with no trigger span")
                continue
            self.used.add(trigger_span.id)
            trigger = self._span(trigger_span)
            if trigger is None:
                continue
            self.out.events.append(schema.Event(link.id, spec.type, trigger, self._arguments(link, spec)))
        return rest

    def _arguments(self, link: ToolLink, spec: EventMap) -> list[schema.Argument]:
        arguments = []
        for tool_role, span_id in link.arguments:
            role = spec.role(tool_role)
            entity = self._entity_for(span_id)
            if role is None:
                self._problem(link.where, f"{tool_role}:{span_id} of {link.id}", f"role {tool_role!r} is not in the map for {link.label}")
            elif entity is None:
                self._problem(link.where, f"{tool_role}:{span_id} of {link.id}", "the argument is not an entity mention of this import")
            else:
                self.used.add(span_id)
                arguments.append(schema.Argument(role, entity.id))
        return arguments

