"""Quotes from a tool's links: content, cue and speaker parts joined into schema quotes.

Part of :func:`wirecorpus.formats.mapping.convert`; the rules are in that module's
docstring. Links that share a content span make one quote, and a part given twice
with different spans is reported, the first kept. A content span that no link takes
is a quote with no cue and no speaker; a cue or speaker span that no link takes is
reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .. import schema
from .base import ToolLink

if TYPE_CHECKING:
    from .mapping import _Conversion

OUTER_EXTENT = "outer-extent"
QUOTE_PARTS = ("content", "cue", "speaker", "speaker_entity")
# Opening and closing quotation marks; ' and ’ are left out, as they are apostrophes too.
QUOTE_MARKS = "\"“”«»„‟"


def quote_kind(text: str, start: int, end: int) -> str:
    """``direct``: the content is between quotation marks (its own edge marks, or the nearest
    characters around it); ``mixed``: a quotation mark inside; ``indirect``: none."""
    content = text[start:end]
    inner = content[1:-1] if len(content) > 1 and content[0] in QUOTE_MARKS and content[-1] in QUOTE_MARKS else None
    if inner is not None and not any(mark in inner for mark in QUOTE_MARKS):
        return "direct"
    before, after = text[:start].rstrip(), text[end:].lstrip(" \t,.;:!?")
    if before[-1:] and before[-1] in QUOTE_MARKS and after[:1] and after[0] in QUOTE_MARKS and not any(m in content for m in QUOTE_MARKS):
        return "direct"
    return "mixed" if any(mark in content for mark in QUOTE_MARKS) else "indirect"


@dataclass
class _Parts:
    """The span ids of one quote's parts, and where they were given."""

    content: str
    where: str
    link_ids: list[str] = field(default_factory=list)
    others: dict[str, str] = field(default_factory=dict)  # part -> span id
    kind: str | None = None


def assemble_quotes(conversion: _Conversion, links: list[ToolLink]) -> list[ToolLink]:
    """Add the quotes of ``links`` to the conversion; return the links that are not quotes."""
    quotes = conversion.label_map.quotes
    rest, by_content = [], {}
    for link in links:
        if link.label not in quotes.relations:
            rest.append(link)
            continue
        parts = _link_parts(conversion, link)
        if parts is None:
            continue
        content = parts.pop("content")
        gathered = by_content.setdefault(content, _Parts(content, link.where))
        gathered.link_ids.append(link.id)
        gathered.kind = gathered.kind or _kind_attribute(conversion, link)
        for part, span_id in parts.items():
            known = gathered.others.setdefault(part, span_id)
            if known != span_id:
                conversion._problem(link.where, link.shown, f"its {part} {span_id} differs from {known}, given for the same content by {gathered.link_ids[0]}; the first is kept")
    for span in conversion.document.spans:
        if span.label == quotes.content and span.id not in by_content and span.id not in conversion.used:
            by_content[span.id] = _Parts(span.id, span.where)
    for parts in by_content.values():
        quote = _quote(conversion, parts)
        if quote is not None:
            conversion.out.quotes.append(quote)
    return rest


def _link_parts(conversion: _Conversion, link: ToolLink) -> dict[str, str] | None:
    """Part -> span id for one link; None (reported) when it has no content."""
    quotes = conversion.label_map.quotes
    if link.trigger is not None:
        conversion.used.add(link.trigger)
    parts: dict[str, str] = {}
    for role, span_id in link.arguments:
        span = conversion.spans.get(span_id)
        part = quotes.part_of(role) or (quotes.part_of(span.label) if span is not None else None)
        if part is None or span is None:
            why = "names no span of the document" if span is None else f"role {role!r} is not a quote part in the map"
            conversion._problem(link.where, f"{role}:{span_id} of {link.id}", why)
        elif part in parts:
            conversion._problem(link.where, f"{role}:{span_id} of {link.id}", f"a second {part} in one link; the first is kept")
        else:
            parts[part] = span_id
    if "content" not in parts:
        conversion._problem(link.where, link.shown, "a quote link with no content")
        return None
    return parts


def _kind_attribute(conversion: _Conversion, link: ToolLink) -> str | None:
    name = conversion.label_map.quotes.kind
    conversion._attributes_unread(link, read=name)
    value = dict(link.attributes).get(name) if name else None
    if value is not None and value not in conversion.inventory.quote_kinds:
        conversion._problem(link.where, f"attribute {name}={value} of {link.id}", "not a quote kind; the kind is derived from quotation marks")
        return None
    return value


def _quote(conversion: _Conversion, parts: _Parts) -> schema.Quote | None:
    quotes = conversion.label_map.quotes
    content_span = conversion.spans[parts.content]
    conversion.used.add(content_span.id)
    content = conversion._span(content_span, discontinuous_ok=quotes.discontinuous_content == OUTER_EXTENT)
    if content is None:
        return None
    conversion._attributes_unread(content_span)
    cue = _part_span(conversion, parts, "cue")
    speaker_entity, speaker_span = _speaker(conversion, parts)
    kind = parts.kind or quote_kind(conversion.text, content.start, content.end)
    return schema.Quote(parts.link_ids[0] if parts.link_ids else content_span.id, kind, content, cue, speaker_entity, speaker_span)


def _part_span(conversion: _Conversion, parts: _Parts, part: str) -> schema.Span | None:
    span_id = parts.others.get(part)
    if span_id is None:
        return None
    conversion.used.add(span_id)
    return conversion._span(conversion.spans[span_id])


def _speaker(conversion: _Conversion, parts: _Parts) -> tuple[str | None, schema.Span | None]:
    """The speaker entity id and speaker span: a speaker that is an entity mention is the speaker;
    otherwise it is the span, and the ``speaker_entity`` part, if any, names the entity."""
    entity_id = None
    if "speaker_entity" in parts.others:
        entity = conversion._entity_for(parts.others["speaker_entity"])
        conversion.used.add(parts.others["speaker_entity"])
        if entity is None:
            span = conversion.spans[parts.others["speaker_entity"]]
            conversion._problem(span.where, span.shown, "the speaker's entity is not an entity mention of this import")
        else:
            entity_id = entity.id
    speaker_id = parts.others.get("speaker")
    if speaker_id is None:
        return entity_id, None
    entity = conversion._entity_for(speaker_id)
    if entity is not None and entity_id is None:
        conversion.used.add(speaker_id)
        return entity.id, None
    return entity_id, _part_span(conversion, parts, "speaker")

