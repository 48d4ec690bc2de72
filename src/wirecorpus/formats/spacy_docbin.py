"""spaCy DocBin export: one ``.spacy`` file that ``spacy train`` reads as a corpus.

:func:`write` puts every (article, annotation file) pair into one
``out/<name>.spacy`` (``name`` defaults to ``corpus``), one Doc per article in
the order given. Tokens are those of :mod:`.spacy_docs`: spaCy's rule-based
English tokenizer, cut so that every span falls on token boundaries (a span
that cannot, because it starts or ends with whitespace, is refused with an
:class:`~wirecorpus.errors.ExportError`). No sentence boundaries, tags or
parses are stored: the Docs hold the annotations only.

The layers. Every span's ``label_`` is a value of the inventory and its
``id_`` the id of the record it belongs to, which is how the layers join:

- ``doc.ents``: the entities; label, id ``T..``;
- ``doc.spans["quotes"]``: each quote's content; the quote's kind, id ``Q..``;
- ``doc.spans["quote_cues"]``: each cue (quotes without one have none); kind, ``Q..``;
- ``doc.spans["quote_speakers"]``: the entity a quote's ``speaker`` names; kind, ``Q..``;
- ``doc.spans["quote_speaker_spans"]``: a quote's ``speaker_span`` (a pronoun or
  description), where it has one; kind, ``Q..``;
- ``doc.spans["events"]``: each event's trigger; the event type, id ``E..``;
- ``doc.spans["event_arguments"]``: each argument's entity; the role, ``E..``.

A speaker or argument is the entity of ``doc.ents`` at the same offsets
(entities never overlap, so there is exactly one). Every Doc has all six span
groups, empty where the article has nothing of the kind. ``doc.user_data``
holds three strings: ``article_id``, ``annotation_set`` (the set's name) and
``annotator_kind`` (``hand`` or ``model``).

:func:`read_entities` reads the entities back, for round trips.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .. import schema, storage
from ..errors import ExportError, FormatError
from . import spacy_docs

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

SUFFIX = ".spacy"
SPAN_GROUPS = ("quotes", "quote_cues", "quote_speakers", "quote_speaker_spans", "events", "event_arguments")


def write(
    pairs: Sequence[tuple[schema.Article, schema.AnnotationFile]],
    *,
    out: Path,
    inventory: schema.Inventory,
    name: str = "corpus",
) -> list[Path]:
    """Write ``out/<name>.spacy``; ExportError if a different file is there already."""
    path = spacy_docs.export_path(out, name, SUFFIX)
    spacy_docs.check_pairs(pairs)
    docbin = spacy_docs.spacy_module().tokens.DocBin(store_user_data=True)
    for article, annotation in pairs:
        docbin.add(_annotated_doc(article, annotation, inventory))
    data = docbin.to_bytes()
    return storage.write_new_files({path: data}, error=ExportError)


def _annotated_doc(article: schema.Article, annotation: schema.AnnotationFile, inventory: schema.Inventory) -> Doc:
    doc = spacy_docs.article_doc(article, annotation, inventory)
    groups: dict[str, list[Span]] = {group: [] for group in SPAN_GROUPS}
    where = spacy_docs.pair_name(article, annotation)
    entities = {entity.id: entity for entity in annotation.entities}
    for quote in annotation.quotes:
        spacy_docs.require_known(quote.kind, inventory.quote_kinds, "quote kind", f"{where}: {quote.id}")
        parts = {"quotes": quote.content, "quote_cues": quote.cue, "quote_speaker_spans": quote.speaker_span}
        if quote.speaker is not None:
            parts["quote_speakers"] = _entity(entities, quote.speaker, f"{where}: {quote.id}")
        for group, span in parts.items():
            if span is not None:
                groups[group].append(spacy_docs.token_span(doc, span, label=quote.kind, span_id=quote.id, where=where))
    for event in annotation.events:
        spacy_docs.require_known(event.type, inventory.event_types, "event type", f"{where}: {event.id}")
        groups["events"].append(spacy_docs.token_span(doc, event.trigger, label=event.type, span_id=event.id, where=where))
        for argument in event.arguments:
            spacy_docs.require_known(argument.role, inventory.roles, "role", f"{where}: {event.id}")
            entity = _entity(entities, argument.entity, f"{where}: {event.id}")
            groups["event_arguments"].append(
                spacy_docs.token_span(doc, entity, label=argument.role, span_id=event.id, where=where)
            )
    for group, spans in groups.items():
        doc.spans[group] = spans
    doc.user_data.update(
        article_id=article.id, annotation_set=annotation.annotator.name, annotator_kind=annotation.annotator.kind
    )
    return doc


def _entity(entities: dict[str, schema.Entity], entity_id: str, where: str) -> schema.Entity:
    try:
        return entities[entity_id]
    except KeyError:
        raise ExportError(f"{where}: names entity {entity_id}, which the annotation file lacks") from None


def read_entities(path: Path) -> dict[str, list[tuple[int, int, str]]]:
    """Article id -> the (start, end, label) of each of its Doc's entities, from a file :func:`write` made."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    for number, doc in enumerate(read_docs(path), start=1):
        article_id = doc.user_data.get("article_id")
        if not isinstance(article_id, str):
            raise FormatError(f"{path}: Doc {number} has no article_id in its user_data")
        if article_id in found:
            raise FormatError(f"{path}: Doc {number}: article {article_id} comes twice")
        found[article_id] = [(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents]
    return found


def read_docs(path: Path) -> list[Doc]:
    """The Docs of a ``.spacy`` file; FormatError naming the file if it is not one."""
    vocab = spacy_docs.blank_english().vocab
    try:
        return list(spacy_docs.spacy_module().tokens.DocBin().from_disk(path).get_docs(vocab))
    except (OSError, ValueError, KeyError, zlib.error) as exc:
        raise FormatError(f"{path}: not a readable spaCy DocBin file ({type(exc).__name__}: {exc})") from None
