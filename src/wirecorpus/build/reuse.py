"""What a build takes again from the last one: which chunks of rows it makes anew, and where the rest are.

A chunk (:func:`wirecorpus.rows.chunk_work`) is made anew when a file of one
of its articles changed: its article record, or an annotation file of it
added, removed or edited. Its rows then replace the old ones in the shards
(:class:`~.shards.OldRows`); every other chunk's rows are the last build's.
Anything else that changed is read by every chunk, or by the card, so the
build is then a full one: ``corpus/splits.json`` (an article added or
removed), ``annotations/gold.json``, the schema, the ``ner`` tags, the card's
files, or the code (the fingerprint). The card's scores (model against hand,
hand against hand) are the last build's unless a file was added or removed,
or a hand set, or a file of an article one covers, changed.

The survey of the layout looks at paths only (and at the two files above),
so it is needed again only when a path was added or removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from .. import layout, rows, schema
from .inputs import Listing, changed_paths
from .record import TEXTS_SCHEMA, BuildRecord, Scores
from .shards import OldRange, OldRows


@dataclass(frozen=True)
class Reuse:
    """What this build takes from the last one; ``previous`` None: nothing (a full build)."""

    release: Path
    previous: BuildRecord | None = None
    dirty: frozenset[int] = frozenset()  # the chunks made from the files, when previous is set
    survey: bool = True
    texts: pa.Table | None = field(default_factory=TEXTS_SCHEMA.empty_table)  # of the chunks taken again; None: not known
    starts: dict[tuple[str, int], int] = field(default_factory=dict)  # (config, chunk) -> its first row in the last build
    scores: Scores | None = None  # the last build's, when no file they read changed

    @property
    def recorded_inputs(self) -> pa.Table | None:
        """The last build's input files, whose SHA-256s this build takes where size and mtime are the same; None in a full build."""
        return None if self.previous is None else self.previous.inputs

    def makes(self, position: int) -> bool:
        """Whether chunk ``position`` is made from the files."""
        return self.previous is None or position in self.dirty

    def old_rows(self, config: str, split: str) -> OldRows | None:
        if self.previous is None:
            return None
        return OldRows(self.release, self.previous.shards.get(f"{config}/{split}", []), schema.arrow_schema(config))

    def old_range(self, config: str, position: int) -> OldRange:
        """Where chunk ``position``'s rows of ``config`` are among the last build's."""
        return OldRange(self.starts[config, position], self.previous.chunks[position].rows[config])


def plan_reuse(
    root: Path, release: Path, previous: BuildRecord | None, listing: Listing, code: str, corpus_plan: rows.Plan, work: list[tuple[str, rows.ChunkSpan]]
) -> Reuse:
    """Compare the inputs with the last build's and decide what to make anew (see the module docstring);
    ``work`` is the build's chunks (:func:`wirecorpus.rows.chunk_work` of ``corpus_plan``)."""
    full = Reuse(release)
    if previous is None or previous.fingerprint != code or previous.inputs is None or not _same_chunks(previous, work):
        return full
    changes = changed_paths(root, listing, previous.inputs)
    articles = {layout.article_of_input(path) for path in changes.changed}
    if None in articles:
        return full
    changed_articles = sorted(articles)
    dirty = frozenset(position for position, (_, ids) in enumerate(work) if ids.contains(changed_articles).any())
    texts = previous.texts
    if texts is not None:
        texts = texts.filter(pc.invert(pc.is_in(texts.column("chunk"), value_set=pa.array(sorted(dirty), pa.int32()))))
    # The card's scores read which articles each set covers, the hand sets, and the files of the articles they cover.
    hand_articles = {article for covered in corpus_plan.sets["hand"].values() for article in covered}
    hand_changed = any(path.startswith(f"{layout.ANNOTATIONS_DIR.as_posix()}/hand/") for path in changes.changed)
    scores_read = not changes.same_paths or hand_changed or not hand_articles.isdisjoint(articles)
    scores = None if scores_read else previous.scores
    return Reuse(release, previous, dirty, not changes.same_paths, texts, _starts(previous), scores)


def _same_chunks(previous: BuildRecord, work: list[tuple[str, rows.ChunkSpan]]) -> bool:
    """The chunks are the last build's: the same articles in each (the splits file is unchanged too, or
    the build is a full one anyway, but the record may come from a build of other files)."""
    return len(previous.chunks) == len(work) and all(
        (chunk.split, chunk.first, chunk.last, chunk.articles) == (split, ids[0], ids[-1], len(ids))
        for chunk, (split, ids) in zip(previous.chunks, work)
    )


def _starts(previous: BuildRecord) -> dict[tuple[str, int], int]:
    starts, next_row = {}, {}
    for position, chunk in enumerate(previous.chunks):
        for config in schema.CONFIGS:
            starts[config, position] = next_row.get((config, chunk.split), 0)
            next_row[config, chunk.split] = starts[config, position] + chunk.rows[config]
    return starts
