"""Scores of one annotation file against another, read off their alignment (:mod:`.align`).

Precision is matched / predicted, recall matched / gold, F1 their harmonic
mean. A ratio with a zero denominator is undefined (None, shown as ``n/a``).
Counts are summed over all scored articles (micro-averaging).

Rows per layer:

- entities: one row per label (span + label), and ``all`` (their sum);
- quotes: one row per kind (content span + kind), ``all``; ``content`` (the
  content span, any kind); ``cue`` (the distinct cue spans of each file);
- events: one row per type (trigger span + type), ``all``; ``trigger`` (the
  trigger span, any type); ``arguments`` (below).

**Speaker accuracy** is computed on the quotes paired by content overlap (any
kind) whose gold quote names a speaker (``speaker`` or ``speaker_span``). The
speaker of a quote is the span of the entity it points at, else its
``speaker_span``. The predicted speaker is right when (a) both point at
entities and the entity alignment (overlap) pairs them, or (b) the two speaker
spans overlap, or (c) their texts are equal ignoring case (another mention of
the same name). A predicted quote without a speaker is wrong.

**Type accuracy** is the share of trigger pairs (overlap, any type) whose
types are equal.

**Argument F1**: an argument is a (role, entity) of an event. A predicted
argument is right when its event is paired with a gold event (trigger
alignment, any type) that has an argument of the same role whose entity the
entity alignment pairs with the predicted entity; each gold argument is used
once. The strict row uses the strict trigger and entity alignments, the
overlap row the overlap ones. Arguments of unpaired events count as wrong.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .. import schema
from .align import LABELLED, MODES, OVERLAP, STRICT, Alignment, FileAlignment, align_files, bounds, overlap

ALL = "all"


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Counts:
    """Matched (tp), predicted-only (fp) and gold-only (fn) items."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float | None:
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    @classmethod
    def of(cls, *, matched: int, gold: int, pred: int) -> Counts:
        return cls(matched, pred - matched, gold - matched)


@dataclass(frozen=True)
class Accuracy:
    """Right answers out of those asked."""

    correct: int = 0
    total: int = 0

    def __add__(self, other: Accuracy) -> Accuracy:
        return Accuracy(self.correct + other.correct, self.total + other.total)

    @property
    def value(self) -> float | None:
        return _ratio(self.correct, self.total)


@dataclass(frozen=True)
class Row:
    """One line of a layer's table: a label, or a measure such as ``cue``."""

    name: str
    strict: Counts
    overlap: Counts

    @property
    def gold(self) -> int:
        return self.strict.tp + self.strict.fn

    @property
    def pred(self) -> int:
        return self.strict.tp + self.strict.fp


@dataclass(frozen=True)
class LayerScores:
    """A layer's rows and its accuracies (speaker, type)."""

    layer: str
    rows: tuple[Row, ...]
    accuracies: dict[str, Accuracy] = field(default_factory=dict)
    articles: int = 0  # scored: those whose two files both cover the layer

    def row(self, name: str) -> Row:
        return next(r for r in self.rows if r.name == name)


# --------------------------------------------------------------------------
# Per-article counts. A tally maps a row name to its strict and overlap counts.

Tally = dict[str, dict[str, Counts]]


def _add(tally: Tally, name: str, mode: str, counts: Counts) -> None:
    row = tally.setdefault(name, {m: Counts() for m in MODES})
    row[mode] = row[mode] + counts


def _count_labelled(tally: Tally, alignment: Alignment, mode: str) -> None:
    """Rows per label (span + label) and their sum under :data:`ALL`."""
    matched = Counter(alignment.gold[i][1] for i in alignment.pairs)
    gold_n = Counter(label for _, label in alignment.gold)
    pred_n = Counter(label for _, label in alignment.pred)
    for label in gold_n | pred_n:
        _add(tally, label, mode, Counts.of(matched=matched[label], gold=gold_n[label], pred=pred_n[label]))
    _count(tally, ALL, alignment, mode)


def _count(tally: Tally, name: str, alignment: Alignment, mode: str) -> None:
    _add(tally, name, mode, Counts.of(matched=len(alignment.pairs), gold=len(alignment.gold), pred=len(alignment.pred)))


def _count_measures(tally: Tally, aligned: FileAlignment, layer: str, measures: Sequence[str]) -> None:
    for mode in MODES:
        _count_labelled(tally, aligned.get(layer, LABELLED, mode), mode)
        for measure in measures:
            _count(tally, measure, aligned.get(layer, measure, mode), mode)


def speaker(quote: schema.Quote, entities: dict[str, schema.Entity]) -> schema.Span | None:
    """The span of who said a quote: the entity it points at, else its ``speaker_span``."""
    if quote.speaker is not None and quote.speaker in entities:
        return entities[quote.speaker].span
    return quote.speaker_span


def same_speaker(gold_quote: schema.Quote, pred_quote: schema.Quote, aligned: FileAlignment) -> bool:
    """Whether two paired quotes name the same speaker (rules a-c of the module docstring)."""
    gold_entities, pred_entities = aligned.entities
    gold_span, pred_span = speaker(gold_quote, gold_entities), speaker(pred_quote, pred_entities)
    if gold_span is None or pred_span is None:
        return False
    if pred_quote.speaker is not None and aligned.entity_ids(OVERLAP).get(gold_quote.speaker) == pred_quote.speaker:
        return True
    return overlap(bounds(gold_span), bounds(pred_span)) > 0 or gold_span.text.casefold() == pred_span.text.casefold()


def speaker_accuracy(aligned: FileAlignment, *, either: bool = False) -> Accuracy:
    """Speaker accuracy on the quotes paired by content overlap whose gold quote names a speaker;
    ``either``: whose gold or predicted quote does, so that neither file plays gold (agreement)."""
    gold_entities, pred_entities = aligned.entities
    total = right = 0
    for i, j in aligned.get("quotes", "content", OVERLAP).pairs.items():
        gold_quote, pred_quote = aligned.gold.quotes[i], aligned.pred.quotes[j]
        named = speaker(gold_quote, gold_entities) is not None
        if not (named or either and speaker(pred_quote, pred_entities) is not None):
            continue
        total += 1
        right += same_speaker(gold_quote, pred_quote, aligned)
    return Accuracy(right, total)


def matched_arguments(
    gold_args: Sequence[tuple[str, str]], pred_args: Sequence[tuple[str, str]], aligned: dict[str, str]
) -> int:
    """How many predicted (role, entity) pairs find an unused gold one with the
    same role whose entity ``aligned`` maps to the predicted entity."""
    unused = list(gold_args)
    right = 0
    for role, entity in pred_args:
        found = next((g for g in unused if g[0] == role and aligned.get(g[1]) == entity), None)
        if found is not None:
            unused.remove(found)
            right += 1
    return right


def _count_arguments(tally: Tally, aligned: FileAlignment) -> None:
    gold, pred = aligned.gold, aligned.pred
    for mode in MODES:
        entities = aligned.entity_ids(mode)
        right = sum(
            matched_arguments(
                [(a.role, a.entity) for a in gold.events[i].arguments],
                [(a.role, a.entity) for a in pred.events[j].arguments],
                entities,
            )
            for i, j in aligned.get("events", "trigger", mode).pairs.items()
        )
        gold_n = sum(len(e.arguments) for e in gold.events)
        pred_n = sum(len(e.arguments) for e in pred.events)
        _add(tally, "arguments", mode, Counts.of(matched=right, gold=gold_n, pred=pred_n))


def type_accuracy(aligned: FileAlignment) -> Accuracy:
    """Trigger pairs (overlap, any type) whose types are equal."""
    pairs = aligned.get("events", "trigger", OVERLAP).pairs
    same = sum(aligned.gold.events[i].type == aligned.pred.events[j].type for i, j in pairs.items())
    return Accuracy(same, len(pairs))


# --------------------------------------------------------------------------
# Summing over articles.


def score_files(pairs: Iterable[tuple[schema.AnnotationFile, schema.AnnotationFile]]) -> tuple[LayerScores, ...]:
    """The scores of each layer over (gold, predicted) files of the same articles.

    A layer is scored on the articles whose two files both cover it; a layer
    no pair covers is left out.
    """
    return score_alignments(align_files(gold, pred) for gold, pred in pairs)


def score_alignments(alignments: Iterable[FileAlignment]) -> tuple[LayerScores, ...]:
    """:func:`score_files` over files already aligned."""
    tallies: dict[str, Tally] = {layer: {} for layer in schema.LAYERS}
    covering: Counter[str] = Counter()
    speakers, types = Accuracy(), Accuracy()
    for aligned in alignments:
        covering.update(aligned.layers)
        if "entities" in aligned.layers:
            _count_measures(tallies["entities"], aligned, "entities", ())
        if "quotes" in aligned.layers:
            _count_measures(tallies["quotes"], aligned, "quotes", ("content", "cue"))
            speakers += speaker_accuracy(aligned)
        if "events" in aligned.layers:
            _count_measures(tallies["events"], aligned, "events", ("trigger",))
            _count_arguments(tallies["events"], aligned)
            types += type_accuracy(aligned)
    accuracies = {"quotes": {"speaker": speakers}, "events": {"type": types}}
    return tuple(
        LayerScores(layer, _rows(tallies[layer]), accuracies.get(layer, {}), covering[layer])
        for layer in schema.LAYERS
        if covering[layer]
    )


_MEASURE_ORDER = (ALL, "content", "cue", "trigger", "arguments")


def row_order(names: Iterable[str]) -> list[str]:
    """Row names in table order: labels alphabetically, then the total and the label-free measures."""
    names = set(names)
    return sorted(names - set(_MEASURE_ORDER)) + [name for name in _MEASURE_ORDER if name in names]


def _rows(tally: Tally) -> tuple[Row, ...]:
    return tuple(Row(name, tally[name][STRICT], tally[name][OVERLAP]) for name in row_order(tally))
