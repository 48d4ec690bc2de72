"""Parsed Docs built by hand, without a model, for the component tests.

``doc_from_lines(text, lines)`` takes the text and one line per token,
``word POS lemma dep head [ENT]`` (head is the token index, ENT an IOB tag such
as ``B-PERSON``); the whitespace after each word is read off the text, so the
Doc's text is exactly ``text``. ``seed_doc()`` rebuilds the seed article from
its stored parse (tests/golden/components_seed_parse.tsv). ``run_components``
runs wirecorpus's components over such a Doc; ``assert_valid_layers`` checks
what the validator requires of the layers made from it.
"""

from __future__ import annotations

from pathlib import Path

from spacy.tokens import Doc
import spacy

SEED_PARSE = Path(__file__).parent / "golden" / "components_seed_parse.tsv"
VOCAB = spacy.blank("en").vocab  # with English lexical attributes (lower, is_punct, ...)


def make_doc(words, spaces, pos, tags, lemmas, deps, heads, ents) -> Doc:
    return Doc(
        VOCAB, words=words, spaces=spaces, pos=pos, tags=tags, lemmas=lemmas, deps=deps, heads=heads, ents=ents
    )


def doc_from_lines(text: str, lines: str) -> Doc:
    rows = [line.split() for line in lines.strip().splitlines()]
    words, spaces, offset = [], [], 0
    for row in rows:
        word = "\n\n" if row[0] == "¶" else row[0]
        start = text.index(word, offset)
        assert not text[offset:start].strip(), f"text skipped {text[offset:start]!r} before {word!r}"
        if words:
            spaces[-1] = start > offset
        offset = start + len(word)
        words.append(word)
        spaces.append(False)
    spaces[-1] = offset < len(text)
    return make_doc(
        words,
        spaces,
        pos=[r[1] for r in rows],
        tags=[{"NOUN": "NN", "VERB": "VBD"}.get(r[1], r[1]) if len(r) < 7 else r[6] for r in rows],
        lemmas=[r[2] for r in rows],
        deps=[r[3] for r in rows],
        heads=[int(r[4]) for r in rows],
        ents=[r[5] if len(r) > 5 and r[5] != "-" else "O" for r in rows],
    )


def seed_doc() -> Doc:
    rows = [
        line.rstrip("\n").split("\t")
        for line in SEED_PARSE.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
    ]
    unescape = lambda s: s.replace("\\n", "\n")  # noqa: E731
    return make_doc(
        words=[unescape(r[0]) for r in rows],
        spaces=[r[1] == "1" for r in rows],
        pos=[r[2] for r in rows],
        tags=[r[3] for r in rows],
        lemmas=[unescape(r[4]) for r in rows],
        deps=[r[5] for r in rows],
        heads=[int(r[6]) for r in rows],
        ents=[r[7] for r in rows],
    )


def run_components(nlp, doc: Doc) -> Doc:
    """Run a pipeline's components over a Doc built by hand (no tokenizer, no model)."""
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


def assert_valid_layers(text: str, layers, inventory) -> None:
    """What the validator requires of a model annotation file's layers."""
    entities, quotes, events = layers
    spans = [*entities, *(q.content for q in quotes), *(q.cue for q in quotes if q.cue)]
    spans += [q.speaker_span for q in quotes if q.speaker_span] + [e.trigger for e in events]
    for span in spans:
        assert span.text == text[span.start : span.end] and span.text == span.text.strip() and span.text
    assert [e.id for e in entities] == [f"T{n}" for n in range(1, len(entities) + 1)]
    assert [q.id for q in quotes] == [f"Q{n}" for n in range(1, len(quotes) + 1)]
    assert [e.id for e in events] == [f"E{n}" for n in range(1, len(events) + 1)]
    assert all(a.end <= b.start for a, b in zip(entities, entities[1:]))
    ids = {e.id for e in entities}
    assert {e.label for e in entities} <= inventory.entity_labels
    assert {q.kind for q in quotes} <= inventory.quote_kinds
    assert {q.speaker for q in quotes if q.speaker} <= ids
    for event in events:
        assert {a.role for a in event.arguments} <= set(inventory.event_roles[event.type])
        assert {a.entity for a in event.arguments} <= ids
