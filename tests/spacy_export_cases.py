"""Cases for the DocBin and CoNLL export tests: the seed's annotation sets, MEANTIME names, random texts.

``seed_pairs()`` gives the seed article with each of its annotation sets
(annotations/hand/*/ and annotations/model/*/). ``meantime_pairs(folder)``
turns the 60 MEANTIME articles into pairs whose entities are MEANTIME's name
mentions, the longest of overlapping ones kept. ``annotated_texts()`` is a
Hypothesis strategy of pairs over random texts whose entities are any
non-overlapping stretches that neither start nor end with whitespace.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from hypothesis import assume
from hypothesis import strategies as st

from wirecorpus import corpus, layout, schema
from wirecorpus.formats import meantime

REPO = Path(__file__).resolve().parents[1]
SEED_ID = "tass-20200920-693f2c16"
INVENTORY = schema.Inventory.load(REPO)
LABELS = sorted(INVENTORY.entity_labels)
Pair = tuple[schema.Article, schema.AnnotationFile]


def seed_annotation_paths() -> list[Path]:
    return sorted((REPO / "annotations").glob(f"*/*/{SEED_ID}.json"))


def seed_article() -> schema.Article:
    return corpus.read_article(next((REPO / "corpus").rglob(f"{SEED_ID}.json")))


def seed_pairs() -> list[Pair]:
    article = seed_article()
    return [(article, corpus.read_annotation(path)) for path in seed_annotation_paths()]


def set_name(pair: Pair) -> str:
    return f"{pair[1].annotator.kind}/{pair[1].annotator.name}"


def entity_triples(annotation: schema.AnnotationFile) -> list[tuple[int, int, str]]:
    return [(e.start, e.end, e.label) for e in annotation.entities]


def make_pair(text: str, entities: list[tuple[int, int, str]], *, source: str = "test") -> Pair:
    """An article over ``text`` and a hand annotation file holding ``entities`` (start, end, label)."""
    sha = layout.text_sha256(text)
    article_id = layout.article_id(source=source, date="2020-01-01", sha256=sha)
    article = schema.Article(article_id, source, datetime.date(2020, 1, 1), None, text, sha, "test", "en", "test")
    records = [schema.Entity(f"T{n}", s, e, text[s:e], label) for n, (s, e, label) in enumerate(entities, start=1)]
    annotation = schema.AnnotationFile(article_id, sha, schema.Annotator("hand", "t"), "1.0", entities=records)
    return article, annotation


def meantime_pairs(folder: Path) -> list[Pair]:
    pairs = []
    for document in meantime.iter_documents(folder):
        names = [m for m in document.entities if m.is_name and meantime.ENTITY_LABELS.get(m.ent_type)]
        kept: list[tuple[int, int, str]] = []
        for mention in sorted(names, key=lambda m: (m.start, -m.end)):
            if not kept or mention.start >= kept[-1][1]:
                kept.append((mention.start, mention.end, meantime.ENTITY_LABELS[mention.ent_type][0]))
        pairs.append(make_pair(document.text.text, kept, source="meantime"))
    return pairs


# Letters, digits, punctuation spaCy splits off or keeps, and whitespace of several kinds.
ALPHABET = "abXY09 .,;:'’\"-/()$%\n\t\u00a0\u2028"


@st.composite
def annotated_texts(draw: st.DrawFn) -> Pair:
    text = draw(st.text(alphabet=ALPHABET, min_size=1, max_size=60))
    bounds = sorted(draw(st.sets(st.integers(0, len(text)), max_size=12)))
    entities = []
    for start, end in zip(bounds, bounds[1:]):
        piece = text[start:end]
        start, end = start + len(piece) - len(piece.lstrip()), end - len(piece) + len(piece.rstrip())
        if start < end and draw(st.booleans()):
            entities.append((start, end, draw(st.sampled_from(LABELS))))
    assume(entities)
    return make_pair(text, entities)
