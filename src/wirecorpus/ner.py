"""The release's token-level ``ner`` config: one row per sentence, tokens and IOB2 tags, like conll2003.

The columns are :data:`wirecorpus.schema.NER_ROW_FIELDS`. Decisions:

- One hand set per article gives its tags: the article's gold set
  (``annotations/gold.json``), else its one hand set that covers entities
  (``layers``). An article whose several hand sets cover entities, none of
  them gold, is left out, since no set is preferred to another; the card
  counts these articles. A set that does not cover entities gives no rows, a
  gold set too: its empty entity list says nothing about the article. Model
  sets give none: the config is hand gold, for training and evaluation.
- Tokens, sentences and tags are those of the CoNLL export
  (:func:`wirecorpus.formats.conll.tagged_sentences` over
  :func:`wirecorpus.formats.spacy_docs.article_doc`): spaCy's rule-based
  English tokenizer and sentencizer (``spacy.blank("en")``, no model), tokens
  cut at every span boundary of the set, whitespace tokens left out, no
  sentence starting inside an entity. The tokens therefore depend on spaCy's
  version, which the card names.
- ``token_starts`` and ``token_ends`` are code-point offsets into the article
  text, as every span's, so that ``text[start:end]`` is the token and a row
  maps back to the stand-off spans. ``id`` is ``<article id>-<n>``, ``n`` the
  sentence's number in the article from 1.
- ``ner_tags`` are ids into ``annotations/ner_tags.json``, the ClassLabel
  names: a tag's id is its position in that list, in every release, so the
  list is only ever appended to. The build refuses an inventory label without
  its tags there and names the tags to append.

The build makes the rows chunk by chunk in its worker processes
(:meth:`Tagger.chunk_rows`, from the files it has read), so memory is bounded
by a chunk.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from . import layout, rows, schema
from .errors import BuildError, SchemaError
from .formats import conll, spacy_docs
from .splits import SPLITS
from .stats import TOTAL

CONFIG = schema.NER_CONFIG
OUTSIDE = "O"
HAND = "hand"  # the annotator kind whose sets give the tags
ENTITIES = "entities"


# --------------------------------------------------------------------------
# The tags, in their fixed order.


def read_tags(root: Path) -> tuple[str, ...]:
    """The tags of ``annotations/ner_tags.json``, in order; SchemaError for a file that is not a tag list."""
    path = Path(root) / layout.NER_TAGS_PATH
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SchemaError(f"{layout.NER_TAGS_PATH}: missing; it lists the ner config's tags in their fixed order") from None
    except (OSError, ValueError) as exc:
        raise SchemaError(f"{layout.NER_TAGS_PATH}: not readable as JSON ({exc})") from None
    tags = data.get("tags") if isinstance(data, dict) else None
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise SchemaError(f'{layout.NER_TAGS_PATH}: expected an object whose "tags" is a list of strings')
    problem = _tags_problem(tags)
    if problem:
        raise SchemaError(f"{layout.NER_TAGS_PATH}: {problem}")
    return tuple(tags)


def _tags_problem(tags: list[str]) -> str | None:
    if tags[:1] != [OUTSIDE]:
        return f"the first tag must be {OUTSIDE!r}"
    seen = {OUTSIDE}
    for tag in tags[1:]:
        prefix, dash, label = tag.partition("-")
        if prefix not in ("B", "I") or not dash or not label:
            return f"tag {tag!r} is not B-<label> or I-<label>"
        if tag in seen:
            return f"tag {tag!r} comes twice"
        seen.add(tag)
    return None


def check_tags(tags: Sequence[str], inventory: schema.Inventory) -> None:
    """Every entity label of the inventory has its B- and I- tag; BuildError naming the tags to append."""
    missing = [f"{prefix}-{label}" for label in sorted(inventory.entity_labels) for prefix in "BI" if f"{prefix}-{label}" not in tags]
    if missing:
        raise BuildError(
            f"{layout.NER_TAGS_PATH}: the inventory's entity labels have no tag {', '.join(missing)}; append "
            "them at the end of the list (never reorder or remove a tag: a tag's position is its id in every release)"
        )


# --------------------------------------------------------------------------
# Rows.


def entity_sets(article_id: str, annotations: Sequence[schema.AnnotationFile], gold_name: str | None) -> list[schema.AnnotationFile]:
    """The hand sets of an article that its tags could come from: its gold set alone, if it has one, else
    every set; of those, the ones that cover entities. One gives the rows; several leave the article out."""
    if gold_name is not None:
        annotations = [a for a in annotations if a.annotator.name == gold_name]
        if not annotations:
            raise BuildError(
                f"{layout.GOLD_PATH}: the gold set of {article_id}, hand/{gold_name}, has no file for it; run `wirecorpus validate`"
            )
    return [a for a in annotations if ENTITIES in a.layers]


def sentence_rows(
    article: schema.Article, annotation: schema.AnnotationFile, inventory: schema.Inventory, tag_ids: dict[str, int]
) -> list[dict[str, Any]]:
    """The ``ner`` rows of an article tagged by one annotation set, one per sentence (ExportError for a
    span that does not fit the text)."""
    doc = spacy_docs.article_doc(article, annotation, inventory)
    found = []
    for number, sentence in enumerate(conll.tagged_sentences(doc), start=1):
        found.append(
            {
                "id": f"{article.id}-{number}",
                "article": article.id,
                "tokens": [token.text for token, _ in sentence],
                "ner_tags": [tag_ids[tag] for _, tag in sentence],
                "token_starts": [token.idx for token, _ in sentence],
                "token_ends": [token.idx + len(token.text) for token, _ in sentence],
                "annotator": annotation.annotator.name,
            }
        )
    return found


@dataclass(frozen=True)
class SentenceRows:
    """A chunk's ``ner`` rows, and the articles left out because several hand sets, none gold, cover entities."""

    table: pa.Table
    left_out: tuple[str, ...]


@dataclass(frozen=True)
class Tagger:
    """What a build makes the ``ner`` rows with: the tags, the gold sets and the inventory."""

    tags: tuple[str, ...]
    gold: dict[str, str]
    inventory: schema.Inventory

    @classmethod
    def load(cls, root: Path, inventory: schema.Inventory, gold_sets: dict[str, str]) -> Tagger:
        """The repository's tags (checked against the inventory), with its gold sets as the build's plan read them."""
        tags = read_tags(root)
        check_tags(tags, inventory)
        return cls(tags, gold_sets, inventory)

    def chunk_rows(self, files: dict[str, rows.ChunkFiles]) -> SentenceRows:
        """The rows of a chunk, from its article and hand annotation files as the build read them."""
        articles, hand = files[rows.ARTICLE_CONFIG], files[HAND]
        tag_ids = {tag: index for index, tag in enumerate(self.tags)}
        sets: dict[int, list[schema.AnnotationFile]] = {}
        for index, content in zip(hand.indices, hand.contents):
            sets.setdefault(index, []).append(schema.from_dict(schema.AnnotationFile, json.loads(content)))
        found: list[dict[str, Any]] = []
        left_out: list[str] = []
        for index, annotations in sets.items():  # in article order, as the files are
            article = schema.from_dict(schema.Article, json.loads(articles.contents[index]))
            chosen = entity_sets(article.id, annotations, self.gold.get(article.id))
            if len(chosen) > 1:
                left_out.append(article.id)
            elif chosen:
                found += sentence_rows(article, chosen[0], self.inventory, tag_ids)
        return SentenceRows(pa.Table.from_pylist(found, schema=schema.arrow_schema(CONFIG)), tuple(left_out))


# --------------------------------------------------------------------------
# What the dataset card says.


@dataclass
class Summary:
    """The tags of a release, and per split: the sentences, the articles they come from and the articles left out."""

    tags: tuple[str, ...]
    sentences: Counter = field(default_factory=Counter)
    articles: Counter = field(default_factory=Counter)
    left_out: Counter = field(default_factory=Counter)

    def add(self, split: str, part: SentenceRows) -> None:
        self.sentences[split] += part.table.num_rows
        self.articles[split] += pc.count_distinct(part.table.column("article")).as_py()
        self.left_out[split] += len(part.left_out)

    def merge(self, other: Summary) -> None:
        """Add the counts of another part of the release (say one chunk's)."""
        self.sentences.update(other.sentences)
        self.articles.update(other.articles)
        self.left_out.update(other.left_out)


def card_section(summary: Summary) -> tuple[str, list[str], list[list]]:
    """The card's words on the config and its counts as a table: (text, header, rows)."""
    version = spacy_docs.spacy_module().__version__
    text = (
        "One row per sentence: its `tokens`, their IOB2 `ner_tags` and their character offsets into the "
        "article text (`token_starts`, `token_ends`), from one hand set of the article (`annotator`): its "
        "gold set (`annotations/gold.json` in the repository), else its one hand set that covers entities. "
        "An article whose several hand sets cover entities, none of them gold, is left out.\n\n"
        f"Tokens and sentences come from spaCy {version}'s rule-based English tokenizer and sentencizer "
        '(`spacy.blank("en")`, no model), with tokens cut at every span boundary of the annotation set; '
        "no sentence starts inside an entity. The tag names (`features[\"ner_tags\"].feature.names`) keep "
        "their order in every release: new tags are only appended."
    )
    body = [
        ["sentences", *_by_split(summary.sentences)],
        ["articles", *_by_split(summary.articles)],
        ["articles left out: several hand sets, none gold", *_by_split(summary.left_out)],
    ]
    return text, ["", TOTAL, *SPLITS], body


def _by_split(counter: Counter) -> list[int]:
    return [sum(counter[split] for split in SPLITS), *(counter[split] for split in SPLITS)]
