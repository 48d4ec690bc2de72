"""Corpus statistics: articles per split, source, language and licence; per annotation set, the
articles it covers and its items per layer and label (entity label, quote
kind, event type), each by split.

One implementation of the counting serves ``wirecorpus stats`` (which reads
the repository) and the dataset card (which the build fills while it writes
the very same rows): :func:`count_chunk` over :class:`~wirecorpus.rows.Chunk`.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from . import rows, schema
from .splits import SPLITS

TOTAL = "total"
# The article fields counted, the first one once per article.
ARTICLE_FIELDS = ("source", *rows.ARTICLE_META_FIELDS)


def layer_key(layer: str) -> str:
    """The field a layer's items are counted by: the one drawn from an inventory."""
    record = {s.name: s for s in schema.field_specs(schema.AnnotationFile)}[layer].record
    return next(s.name for s in schema.field_specs(record) if s.inventory)


@dataclass
class Stats:
    """Counts over a corpus. Annotation sets are named ``<kind>/<name>``, e.g. ``hand/a1``."""

    articles: Counter = field(default_factory=Counter)  # (field, value, split) -> articles
    annotated: Counter = field(default_factory=Counter)  # (set, split) -> articles
    items: Counter = field(default_factory=Counter)  # (set, layer, value, split) -> items

    @property
    def sets(self) -> list[str]:
        return sorted({name for name, _ in self.annotated})

    def values(self, article_field: str) -> list[str]:
        """The values an article field takes, e.g. the languages; sorted."""
        return sorted({value for f, value, _ in self.articles if f == article_field})

    def articles_in(self, split: str) -> int:
        return sum(n for (f, _, s), n in self.articles.items() if f == ARTICLE_FIELDS[0] and s == split)

    def add(self, other: Stats) -> None:
        """Add another part of the corpus's counts (say one chunk's) to these."""
        self.articles.update(other.articles)
        self.annotated.update(other.annotated)
        self.items.update(other.items)


def count_chunk(stats: Stats, chunk: rows.Chunk) -> None:
    """Add one chunk's rows to ``stats``."""
    columns = {name: chunk.tables[rows.ARTICLE_CONFIG].column(name) for name in ARTICLE_FIELDS[:1]}
    columns.update((name, chunk.article_meta.column(name)) for name in rows.ARTICLE_META_FIELDS)
    for name, column in columns.items():
        for value, n in _value_counts(column):
            stats.articles[name, value, chunk.split] += n
    for kind in rows.ANNOTATION_CONFIGS:
        table = chunk.tables[kind]
        names = pc.struct_field(table.column("annotator").combine_chunks(), "name")
        for name, n in _value_counts(names):
            stats.annotated[f"{kind}/{name}", chunk.split] += n
        for layer in schema.LAYERS:
            items = table.column(layer).combine_chunks()
            owners = names.take(pc.list_parent_indices(items))
            values = pc.struct_field(pc.list_flatten(items), layer_key(layer))
            counted = pa.table({"set": owners, "value": values}).group_by(["set", "value"]).aggregate([([], "count_all")])
            for name, value, n in zip(*(counted.column(i).to_pylist() for i in range(3))):
                stats.items[f"{kind}/{name}", layer, value, chunk.split] += n


def _value_counts(array) -> list[tuple[str, int]]:
    counts = pc.value_counts(array)
    return list(zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist()))


def corpus_stats(*, root: Path) -> Stats:
    """Count the repository's articles and annotation sets (the files, not a release)."""
    stats = Stats()
    with rows.plan(root) as corpus_plan:  # its runs on disk are deleted at the end
        for chunk in rows.iter_chunks(corpus_plan):
            count_chunk(stats, chunk)
    return stats


# --------------------------------------------------------------------------
# Tables: (title, header, rows), shared by the text output and the dataset card.


def _by_split(counter: Counter, key) -> list[int]:
    per_split = [sum(n for k, n in counter.items() if key(k) and k[-1] == split) for split in SPLITS]
    return [sum(per_split), *per_split]


def stat_tables(stats: Stats) -> list[tuple[str, list[str], list[list]]]:
    """The statistics as tables, each row a name then counts: total, then per split."""
    header = ["", TOTAL, *SPLITS]
    articles = [["articles", *_by_split(stats.articles, lambda k: k[0] == ARTICLE_FIELDS[0])]]
    articles += [
        [f"{f} {v}", *_by_split(stats.articles, lambda k, f=f, v=v: k[:2] == (f, v))]
        for f in ARTICLE_FIELDS
        for v in stats.values(f)
    ]
    articles += [[f"annotated by {n}", *_by_split(stats.annotated, lambda k, n=n: k[0] == n)] for n in stats.sets]
    tables = [("Articles", header, articles)]
    for name in stats.sets:
        body = []
        for layer in schema.LAYERS:
            body.append([layer, *_by_split(stats.items, lambda k, n=name, y=layer: k[:2] == (n, y))])
            values = sorted({k[2] for k in stats.items if k[:2] == (name, layer)})
            body += [
                [f"{layer_key(layer)} {v}", *_by_split(stats.items, lambda k, n=name, y=layer, v=v: k[:3] == (n, y, v))]
                for v in values
            ]
        tables.append((f"Annotation set {name}", header, body))
    return tables


def render_stats(stats: Stats, *, format: str = "text") -> str:
    """``text``: aligned tables; ``json``: one object, the same numbers."""
    tables = stat_tables(stats)
    if format == "json":
        return json.dumps({title: {row[0]: dict(zip(header[1:], row[1:])) for row in body} for title, header, body in tables},
                          indent=2) + "\n"
    return "\n".join(_text_table(title, header, body) for title, header, body in tables)


def _text_table(title: str, header: list[str], body: list[list]) -> str:
    cells = [header, *body]
    widths = [max(len(str(row[i])) for row in cells) for i in range(len(header))]
    lines = [title]
    for row in cells:
        first = str(row[0]).ljust(widths[0])
        lines.append("  " + "  ".join([first, *(str(v).rjust(w) for v, w in zip(row[1:], widths[1:]))]).rstrip())
    return "\n".join(lines) + "\n"
