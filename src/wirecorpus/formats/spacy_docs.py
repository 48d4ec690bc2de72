"""spaCy Docs of annotated articles: what the DocBin and CoNLL exports share.

Both exports see an article as the tokens of spaCy's rule-based English
tokenizer (``spacy.blank("en")``, no model), cut wherever a span of the
annotation file (an entity, a quote's content, cue or speaker span, an event
trigger) starts or ends inside a token, so that every span falls on token
boundaries: ``/TASS/.`` in a TASS dateline becomes ``/``, ``TASS``, ``/.``,
because ``TASS`` is an entity. The tokens therefore depend on the annotation
file, and the two exports of the same pair have the same tokens. The
tokenizer splits wherever whitespace meets other characters, so a token is
either whitespace only or has no whitespace at all. ``spacy train`` aligns its own
tokenisation with these reference tokens, as it does for any corpus.

A span that still does not fall on token boundaries starts or ends with
whitespace (the guidelines forbid it) and is refused with an
:class:`~wirecorpus.errors.ExportError` naming the article, the span's id and
its text; so are spans whose stored text differs from the article text,
overlapping entities, and labels outside the inventory.

spaCy is a dependency of the package (the release's ``ner`` config is made
with it), imported only inside these functions, as it is slow to import.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .. import schema
from ..layout import ID_PATTERN, SET_NAME_PATTERN
from ..errors import ExportError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

INSTALL_COMMAND = "pip install -e '.[model]'"


def spacy_module() -> ModuleType:
    """The ``spacy`` package; ExportError naming the install command if it is missing."""
    try:
        import spacy
    except ImportError:
        raise ExportError(f"this export needs spaCy, which is not installed; install it with: {INSTALL_COMMAND}") from None
    return spacy


@functools.cache
def blank_english() -> Language:
    """``spacy.blank("en")``, made once: a tokenizer and a vocabulary, no model."""
    return spacy_module().blank("en")


def pair_name(article: schema.Article, annotation: schema.AnnotationFile) -> str:
    """How messages name a pair: ``<article id> (<kind>/<set>)``."""
    return f"{article.id} ({annotation.annotator.kind}/{annotation.annotator.name})"


def export_path(out: Path, name: str, suffix: str) -> Path:
    """``out/<name><suffix>``; ExportError if ``name`` is not a plain file name."""
    if not SET_NAME_PATTERN.match(name):
        raise ExportError(f"{name!r}: not a usable export name (letters, digits, '.', '_', '-'; no folders)")
    return Path(out) / f"{name}{suffix}"


def check_pairs(pairs: Iterable[tuple[schema.Article, schema.AnnotationFile]]) -> None:
    """Article ids keep the id rule, each annotation file belongs to its article's current text, no article comes twice."""
    seen: set[str] = set()
    for article, annotation in pairs:
        if not ID_PATTERN.match(article.id):
            raise ExportError(f"{article.id!r}: not an article id (<source>-<YYYYMMDD>-<8 hex digits>)")
        if annotation.article != article.id:
            raise ExportError(f"{pair_name(article, annotation)}: the annotation file is for article {annotation.article}")
        if annotation.text_sha256 != article.text_sha256:
            raise ExportError(f"{pair_name(article, annotation)}: the annotation file was made on another text (stale)")
        if article.id in seen:
            raise ExportError(f"{article.id}: the article comes twice; an export holds one annotation set per article")
        seen.add(article.id)


def require_known(value: str, allowed: frozenset[str], what: str, where: str) -> None:
    if value not in allowed:
        raise ExportError(f"{where}: {what} {value!r} is not in the inventory")


def _annotated_spans(annotation: schema.AnnotationFile) -> Iterator[tuple[str, schema.Span | schema.Entity]]:
    """Every span of every layer, with the id of the record it belongs to."""
    for entity in annotation.entities:
        yield entity.id, entity
    for quote in annotation.quotes:
        for span in (quote.content, quote.cue, quote.speaker_span):
            if span is not None:
                yield quote.id, span
    for event in annotation.events:
        yield event.id, event.trigger


def article_doc(article: schema.Article, annotation: schema.AnnotationFile, inventory: schema.Inventory) -> Doc:
    """The article's tokens, cut at every span boundary, with the entities as ``doc.ents`` (``id_`` = entity id)."""
    where = pair_name(article, annotation)
    cuts = set()
    for record_id, span in _annotated_spans(annotation):
        if not 0 <= span.start < span.end <= len(article.text) or article.text[span.start : span.end] != span.text:
            raise ExportError(f"{where}: {record_id} {span.text!r} ({span.start}-{span.end}) does not match the article text")
        cuts.update((span.start, span.end))
    doc = _refined_doc(article.text, sorted(cuts))
    entities = sorted(annotation.entities, key=lambda e: (e.start, e.end))
    for before, after in zip(entities, entities[1:]):
        if after.start < before.end:
            raise ExportError(f"{where}: entities {before.id} {before.text!r} and {after.id} {after.text!r} overlap")
    for entity in entities:
        require_known(entity.label, inventory.entity_labels, "entity label", f"{where}: {entity.id}")
    doc.ents = [token_span(doc, e, label=e.label, span_id=e.id, where=where) for e in entities]
    return doc


def token_span(doc: Doc, span: Any, *, label: str, span_id: str, where: str) -> Span:
    """The Doc span over ``span.start``-``span.end``; ExportError if it does not fall on token boundaries."""
    found = doc.char_span(span.start, span.end, label=label, span_id=span_id, alignment_mode="strict")
    if found is None:
        raise ExportError(
            f"{where}: {span_id} {span.text!r} ({span.start}-{span.end}) does not start and end on token "
            "boundaries: a span must not start or end with whitespace"
        )
    return found


def _refined_doc(text: str, cuts: list[int]) -> Doc:
    """spaCy's tokens of ``text``, each cut at the offsets in ``cuts`` that fall inside it."""
    nlp = blank_english()
    words: list[str] = []
    spaces: list[bool] = []
    for token in nlp.make_doc(text):
        start, end = token.idx, token.idx + len(token)
        bounds = [start, *cuts[bisect.bisect_right(cuts, start) : bisect.bisect_left(cuts, end)], end]
        words += [text[piece_start:piece_end] for piece_start, piece_end in zip(bounds, bounds[1:])]
        spaces += [False] * (len(words) - len(spaces) - 1) + [bool(token.whitespace_)]
    return spacy_module().tokens.Doc(nlp.vocab, words=words, spaces=spaces)
