"""Span alignment: which items of one annotation file pair with which of another's.

Two files of the same article are aligned layer by layer, and each pairing is
kept (:class:`Alignment`: the index pairs and what each side leaves unpaired),
so that scores (:mod:`.scores`), agreement and anything else that compares
two sets read the same pairs.

Matching (the primitives :func:`match` and :func:`overlap`):

- **strict**: same start, same end (and same label where a label applies);
- **overlap**: at least one character in common (and same label where a label
  applies). Pairs are made one-to-one, greedily: candidate pairs are taken
  in order of decreasing overlap, ties broken by gold order then predicted
  order, and a pair is kept when neither side is already paired.

The measures aligned per layer (:data:`MEASURES`), each in both modes:

- entities: ``labelled`` (span + label) and ``span`` (the span alone, any
  label: the **entity alignment**, how speakers and arguments, which point at
  entity ids, are compared);
- quotes: ``labelled`` (content span + kind), ``content`` (any kind) and
  ``cue`` (the distinct cue spans of each file, not one per quote);
- events: ``labelled`` (trigger span + type) and ``trigger`` (any type).

The entity alignment is made whatever layers the two files share, since the
quotes and events layers need it; the other measures only for the layers
both files cover (``layers`` of an annotation file).
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from .. import schema

STRICT = "strict"
OVERLAP = "overlap"
MODES = (STRICT, OVERLAP)
LABELLED = "labelled"
ENTITY_SPAN = "span"
MEASURES = {
    "entities": (LABELLED, ENTITY_SPAN),
    "quotes": (LABELLED, "content", "cue"),
    "events": (LABELLED, "trigger"),
}

Bounds = tuple[int, int]
# An aligned item: its bounds, and its label where the measure compares labels.
Item = tuple[Bounds, str | None]


# --------------------------------------------------------------------------
# Matching primitives.


def overlap(a: Bounds, b: Bounds) -> int:
    """How many characters two ``(start, end)`` spans share."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match(
    gold: Sequence[Bounds],
    pred: Sequence[Bounds],
    *,
    mode: str,
    compatible: Callable[[int, int], bool] | None = None,
) -> dict[int, int]:
    """Pair gold and predicted spans one-to-one: gold index -> predicted index.

    ``compatible(i, j)`` may forbid a pair (e.g. different labels). Strict
    pairs need equal bounds; overlap pairs any shared character, the larger
    overlaps first.
    """
    if mode not in MODES:
        raise ValueError(f"unknown matching mode {mode!r}; expected one of {MODES}")
    candidates = [
        (-overlap(gold[i], pred[j]), i, j)
        for i, j in _touching(gold, pred, strict=mode == STRICT)
        if compatible is None or compatible(i, j)
    ]
    candidates.sort()
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for _, i, j in candidates:
        if i not in pairs and j not in taken:
            pairs[i] = j
            taken.add(j)
    return pairs


def _touching(gold: Sequence[Bounds], pred: Sequence[Bounds], *, strict: bool) -> Iterator[tuple[int, int]]:
    """The (gold, pred) index pairs with equal bounds (strict) or a shared character.

    Predictions are sorted by start, so each gold span looks only at those that
    start before it ends and not so early that even the longest would end before it.
    """
    if strict:
        by_bounds: dict[Bounds, list[int]] = {}
        for j, p in enumerate(pred):
            by_bounds.setdefault(tuple(p), []).append(j)
        for i, g in enumerate(gold):
            for j in by_bounds.get(tuple(g), ()):
                yield i, j
        return
    order = sorted(range(len(pred)), key=lambda j: pred[j][0])
    starts = [pred[j][0] for j in order]
    longest = max((p[1] - p[0] for p in pred), default=0)
    for i, (start, end) in enumerate(gold):
        for k in range(bisect.bisect_left(starts, end) - 1, -1, -1):
            if starts[k] + longest <= start:
                break
            if overlap((start, end), pred[order[k]]) > 0:
                yield i, order[k]


# --------------------------------------------------------------------------
# Alignment records.


@dataclass(frozen=True)
class Alignment:
    """A one-to-one pairing of two lists of items: gold index -> predicted index."""

    gold: tuple[Item, ...]
    pred: tuple[Item, ...]
    pairs: dict[int, int]

    @property
    def gold_only(self) -> tuple[int, ...]:
        """The gold items left unpaired (indices)."""
        return tuple(i for i in range(len(self.gold)) if i not in self.pairs)

    @property
    def pred_only(self) -> tuple[int, ...]:
        """The predicted items left unpaired (indices)."""
        paired = set(self.pairs.values())
        return tuple(j for j in range(len(self.pred)) if j not in paired)


def align(gold: Sequence[Item], pred: Sequence[Item], *, mode: str) -> Alignment:
    """Pair two lists of items; items with labels pair only with the same label."""
    pairs = match(
        [bounds for bounds, _ in gold],
        [bounds for bounds, _ in pred],
        mode=mode,
        compatible=lambda i, j: gold[i][1] == pred[j][1],
    )
    return Alignment(tuple(gold), tuple(pred), pairs)


@dataclass(frozen=True)
class FileAlignment:
    """Two files of one article aligned: per (layer, measure, mode), an :class:`Alignment`."""

    gold: schema.AnnotationFile
    pred: schema.AnnotationFile
    layers: tuple[str, ...]  # those both files cover, in schema order
    alignments: dict[tuple[str, str, str], Alignment]

    def get(self, layer: str, measure: str, mode: str) -> Alignment:
        return self.alignments[layer, measure, mode]

    def entity_ids(self, mode: str) -> dict[str, str]:
        """Gold entity id -> predicted entity id, paired by span alone."""
        return self._entity_ids[mode]

    @functools.cached_property
    def _entity_ids(self) -> dict[str, dict[str, str]]:
        # Kept once made: speakers and arguments look entities up quote by quote, event by event.
        return {mode: _entity_ids(self.gold, self.pred, self.get("entities", ENTITY_SPAN, mode).pairs) for mode in MODES}

    @functools.cached_property
    def entities(self) -> tuple[dict[str, schema.Entity], dict[str, schema.Entity]]:
        """The gold and the predicted entities by id."""
        return {e.id: e for e in self.gold.entities}, {e.id: e for e in self.pred.entities}


def bounds(span: schema.Span | schema.Entity) -> Bounds:
    return (span.start, span.end)


def distinct_cues(quotes: Iterable[schema.Quote]) -> list[Bounds]:
    """The cue spans of a file's quotes, each once (quotes may share a cue), in text order."""
    return sorted({bounds(q.cue) for q in quotes if q.cue is not None})


def layer_items(annotation: schema.AnnotationFile, layer: str, measure: str) -> list[Item]:
    """The items a measure aligns in one file (see :data:`MEASURES`)."""
    if layer == "entities":
        return [(bounds(e), e.label if measure == LABELLED else None) for e in annotation.entities]
    if layer == "quotes" and measure == "cue":
        return [(cue, None) for cue in distinct_cues(annotation.quotes)]
    if layer == "quotes":
        return [(bounds(q.content), q.kind if measure == LABELLED else None) for q in annotation.quotes]
    if layer == "events":
        return [(bounds(e.trigger), e.type if measure == LABELLED else None) for e in annotation.events]
    raise ValueError(f"unknown layer {layer!r}; expected one of {schema.LAYERS}")


def align_files(gold: schema.AnnotationFile, pred: schema.AnnotationFile) -> FileAlignment:
    """Every measure of the layers both files cover, in both modes, and the entity alignment."""
    both = tuple(layer for layer in schema.LAYERS if layer in gold.layers and layer in pred.layers)
    wanted = {(layer, measure) for layer in both for measure in MEASURES[layer]} | {("entities", ENTITY_SPAN)}
    alignments = {
        (layer, measure, mode): align(layer_items(gold, layer, measure), layer_items(pred, layer, measure), mode=mode)
        for layer, measure in sorted(wanted)
        for mode in MODES
    }
    return FileAlignment(gold, pred, both, alignments)


def entity_alignment(gold: schema.AnnotationFile, pred: schema.AnnotationFile, *, mode: str) -> dict[str, str]:
    """Gold entity id -> predicted entity id, paired by span alone."""
    pairs = match([bounds(e) for e in gold.entities], [bounds(e) for e in pred.entities], mode=mode)
    return _entity_ids(gold, pred, pairs)


def _entity_ids(gold: schema.AnnotationFile, pred: schema.AnnotationFile, pairs: dict[int, int]) -> dict[str, str]:
    return {gold.entities[i].id: pred.entities[j].id for i, j in pairs.items()}
